/** What the orchestrator needs from the provider layer: run one CLI turn, stream its events. */
import type { EmitEvent, TurnResult } from '../providers/events.js';
import type { ProviderId } from '../sessions/session-schema.js';

export type TurnInput = {
  provider: ProviderId;
  prompt: string;
  model: string;
  reasoningEffort: string | null;
  resumeSessionId: string | null;
  cwd: string;
  env: NodeJS.ProcessEnv;
  appendSystemPrompt: string | null;
  permissionMode: string;
  cliParameters: string[];
  timeoutMs: number;
  inactivityTimeoutMs: number;
  /** A one-shot run nobody resumes (cron, webhook task): the CLI saves no session where it can. */
  ephemeral?: boolean;
  /** An approval asked in the chat and not answered within this is denied. */
  approvalTimeoutMs?: number;
  /** Aborting it interrupts the CLI (SIGINT, as Esc) instead of stopping it. */
  interruptSignal?: AbortSignal;
  onSpawn?: (pid: number) => void;
};

export type RunTurnPort = (input: TurnInput, onEvent: EmitEvent, signal: AbortSignal) => Promise<TurnResult>;
