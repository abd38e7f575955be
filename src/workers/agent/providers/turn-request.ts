/** What the agent worker asks for when it runs one turn of a CLI. */
import type { DebugLog, ProviderName } from './events.js';

/** The agent's home is mounted into the sandbox container; host paths under it are mapped. */
export type DockerTarget = {
  container: string;
  homeMount: { hostPath: string; containerPath: string };
  /** Passed as `-e KEY=VAL` (DUCTOR_* vars, .env secrets), in this order. */
  env?: Record<string, string>;
};

export type CodexSandbox = 'read-only' | 'workspace-write' | 'danger-full-access';

export type TurnRequest = {
  provider: ProviderName;
  prompt: string;
  model?: string;
  /** "default" or empty leaves the CLI's own default. */
  reasoningEffort?: string;
  resumeSessionId?: string;
  /**
   * A one-shot run (cron job, webhook task) whose session nobody resumes: the CLI is told not to
   * save it (claude --no-session-persistence, codex exec --ephemeral; gemini has no such flag).
   */
  ephemeral?: boolean;
  /** The agent workspace: the CLI's cwd on the host, mapped to `-w` inside Docker. */
  cwd: string;
  /** Full environment for the CLI; defaults to this process's environment. */
  env?: NodeJS.ProcessEnv;
  appendSystemPrompt?: string;
  /** claude's --permission-mode; `bypassPermissions` also selects codex's and gemini's no-approval modes. */
  permissionMode: string;
  /** Codex sandbox when permissionMode is not bypassPermissions (default read-only). */
  codexSandbox?: CodexSandbox;
  cliParameters: string[];
  allowedTools?: string[];
  timeoutMs: number;
  inactivityTimeoutMs?: number;
  /** Aborting it interrupts the CLI with SIGINT (as Esc does) instead of stopping it. */
  interruptSignal?: AbortSignal;
  /** SIGTERM → SIGKILL delay when a run is stopped. */
  graceMs?: number;
  /** Ask the user for each tool (claude only); default: on for permission modes that would ask. */
  approvals?: boolean;
  /** An unanswered approval request is denied after this long. */
  approvalTimeoutMs?: number;
  docker?: DockerTarget;
  /** Where big system-prompt files go; default the OS temp dir (Docker: `<home>/tmp`). */
  tempDir?: string;
  /** Executable to run instead of the bare CLI name (tests, custom installs). */
  binary?: string;
  debug?: DebugLog;
  /** Called once the CLI process exists (pid), for latency measurements and bookkeeping. */
  onSpawn?: (pid: number) => void;
};

/** Claude permission modes in which a tool call may need a human answer. */
const ASKING_MODES = new Set(['default', 'acceptEdits', 'auto']);

export function wantsApprovals(req: TurnRequest): boolean {
  if (req.provider !== 'claude') return false;
  return req.approvals ?? ASKING_MODES.has(req.permissionMode);
}

export function effortOf(req: TurnRequest): string | undefined {
  const effort = req.reasoningEffort?.trim();
  return effort === undefined || effort === '' || effort === 'default' ? undefined : effort;
}
