/**
 * What delegation, background tasks and named sessions need from the agent worker, and the one
 * way they run a CLI outside the chat's turn queue (their work must not block the conversation).
 */
import { randomUUID } from '../../../shared/lazy-crypto.js';
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Config } from '../../../shared/config/schema.js';
import type { AgentPaths } from '../../../shared/paths.js';
import { noticeDelivery, type ChatRef, type Delivery } from '../../../shared/rpc/conversation-schemas.js';
import type { TurnResult } from '../providers/events.js';
import type { AgentService } from '../orchestrator/agent-service.js';
import { waitForDelivery, type Outbox } from '../orchestrator/outbox.js';
import type { RunTurnPort } from '../orchestrator/provider-port.js';
import type { Target } from '../sessions/session-manager.js';
import type { ProviderId } from '../sessions/session-schema.js';


export type ExtrasContext = {
  agent: string;
  mainHome: string;
  paths: AgentPaths;
  log: Logger;
  config: () => Config;
  runTurn: RunTurnPort;
  outbox: Outbox;
  env: (chat: ChatRef) => NodeJS.ProcessEnv;
  configuredTarget: () => Target;
  /** The chat service (lane lock and injected turns); only called after start. */
  service: () => AgentService;
};

/** The agent's primary chat: the first allowed user's private chat (spec: "primary chat"). */
export function primaryChat(config: Config): ChatRef | null {
  const id = config.allowed_user_ids[0];
  return id === undefined ? null : { transport: 'tg', chatId: id, topicId: null };
}

export type RunSpec = {
  provider: ProviderId;
  model: string;
  reasoningEffort: string | null;
  prompt: string;
  resumeSessionId: string | null;
  chat: ChatRef;
  extraEnv?: NodeJS.ProcessEnv;
  timeoutMs: number;
  inactivityTimeoutMs?: number;
  /** New sessions get MAINMEMORY.md (with the shared knowledge block) as system prompt. */
  withMemory: boolean;
};

/** One CLI run in the agent's workspace; never throws for a failed run. */
export async function runCli(ctx: ExtrasContext, spec: RunSpec, signal: AbortSignal): Promise<TurnResult> {
  const config = ctx.config();
  const memory = spec.withMemory && !spec.resumeSessionId ? await readText(ctx.paths.mainMemoryFile) : null;
  return ctx.runTurn(
    {
      provider: spec.provider,
      prompt: spec.prompt,
      model: spec.model,
      reasoningEffort: spec.reasoningEffort,
      resumeSessionId: spec.resumeSessionId,
      cwd: ctx.paths.workspace,
      env: { ...ctx.env(spec.chat), ...spec.extraEnv },
      appendSystemPrompt: memory,
      permissionMode: config.permission_mode,
      cliParameters: config.cli_parameters[spec.provider] ?? [],
      timeoutMs: spec.timeoutMs,
      inactivityTimeoutMs: spec.inactivityTimeoutMs ?? spec.timeoutMs,
    },
    () => undefined,
    signal,
  );
}

/** A short user-facing line for a failed run. */
export function failureText(result: TurnResult, timeoutSeconds: number): string {
  if (result.aborted) return 'aborted';
  if (result.timedOut) return `Timeout after ${Math.round(timeoutSeconds)}s`;
  return result.errorMessage ?? 'the CLI failed';
}

/** Sends a plain notice through the outbox and waits (bounded) for the transport's confirmation. */
export async function sendNotice(ctx: ExtrasContext, chat: ChatRef, text: string, options: { replyTo?: number | null; format?: Delivery['format']; id?: string } = {}): Promise<boolean> {
  const sending = ctx.outbox.send(noticeDelivery({
    deliveryId: options.id ?? `extras:${randomUUID()}`,
    chat,
    replyTo: options.replyTo ?? null,
    text,
    format: options.format ?? 'plain',
  }));
  const outcome = await waitForDelivery(sending);
  if (!outcome.ok && outcome.cause !== undefined) ctx.log.warn({ err: outcome.cause }, 'notice could not be queued');
  return outcome.ok;
}

export async function readText(file: string): Promise<string | null> {
  try {
    const text = (await readFile(file, 'utf8')).trim();
    return text === '' ? null : text;
  } catch {
    return null; // missing file: nothing to add
  }
}

/** Cuts `text` to `max` characters, eliding the middle (the start and the end carry the most). */
export function elideMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const half = Math.floor((max - 40) / 2);
  return `${text.slice(0, half)}\n\n[… ${text.length - 2 * half} characters elided …]\n\n${text.slice(-half)}`;
}
