/**
 * One chat turn: resolve the session and target, run the CLI with live progress, record the
 * outcome in the session, and hand the final answer to the outbox (which delivers it).
 */
import type { StopNotices } from './stop-notices.js';
import { randomUUID } from '../../../shared/lazy-crypto.js';
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Config } from '../../../shared/config/schema.js';
import type { AgentPaths } from '../../../shared/paths.js';
import type { ChatRef, Delivery, Inbound, StreamEvent } from '../../../shared/rpc/conversation-schemas.js';
import type { NormalizedEvent, TurnResult } from '../providers/events.js';
import type { FreshnessPolicy } from '../sessions/freshness.js';
import type { SessionKey } from '../sessions/session-key.js';
import type { SessionManager, Target } from '../sessions/session-manager.js';
import type { Outbox } from './outbox.js';
import type { RunTurnPort } from './provider-port.js';
import { collectOutgoingFiles } from '../media/outgoing.js';
import { joinSystemPrompt, readPromptFiles } from './prompt-files.js';
import { SentenceChunker } from './sentence-chunker.js';
import { reasoningLine, statusLabel } from './status-label.js';
import { technicalFooter } from './technical-footer.js';
import { longestTurnMs, TurnDeadline } from './turn-deadline.js';
import { sessionAgeLabel, withMemoryCheck } from './session-hooks.js';
import { isInterruption } from '../inbox/chat-queue.js';
import { StreamCoalescer } from './stream-coalescer.js';
import type { ChatApprovals } from './chat-approvals.js';
import { texts } from './texts.js';

/** A CLI silent for this long is considered hung (ms), unless the turn timeout is shorter. */
const INACTIVITY_TIMEOUT_MS = 10 * 60_000;

export type TurnDeps = {
  agent: string;
  paths: AgentPaths;
  log: Logger;
  config: () => Config;
  sessions: SessionManager;
  outbox: Outbox;
  runTurn: RunTurnPort;
  stream: (turnId: string, chat: ChatRef, replyTo: number | null, events: StreamEvent[]) => void;
  configuredTarget: () => Target;
  timeZone: () => string;
  env: (chat: ChatRef) => NodeJS.ProcessEnv;
  /** Tool approvals asked in the chat (claude in an asking permission mode). */
  approvals?: ChatApprovals;
  /** The reply an aborted turn gives instead of "Stopped" (`/stop_all` answers once, here). */
  abortNote?: (chat: ChatRef) => Promise<string | null>;
  /** Set by /stop and /new: where and with what the stopped turn's final message answers. */
  stopNotices?: StopNotices;
};

export function sessionKeyOf(chat: ChatRef): SessionKey {
  return { transport: chat.transport, chatId: chat.chatId, topicId: chat.topicId };
}

export function freshnessPolicy(config: Config, timeZone: string): FreshnessPolicy {
  return {
    idleTimeoutMinutes: config.idle_timeout_minutes,
    dailyResetEnabled: config.daily_reset_enabled,
    dailyResetHour: config.daily_reset_hour,
    maxSessionMessages: config.max_session_messages ?? null,
    timeZone,
  };
}

export type ChatTurnInput = {
  inbound: Inbound;
  prompt: string;
  /** A model chosen for this message alone (`@sonnet …`). */
  directive: Target | null;
  signal: AbortSignal;
  turnId?: string;
  /** Work that must be done before the CLI starts (the journal's running mark). */
  beforeSpawn?: Promise<unknown>;
  /**
   * Runs once the final answer is on disk in the outbox, before its delivery is awaited: from then
   * on a crash redelivers the answer instead of offering a Retry (the journal entry can go).
   */
  onFinalProduced?: (final: Delivery) => Promise<void>;
  /** Aborting it sends the CLI SIGINT (as Esc): the session stays and the queue goes on. */
  interrupt?: AbortSignal;
};

/**
 * How a turn ended: `answered` (the final is in the outbox, its delivery awaited); `interrupted`
 * (the host stopped it: a stop, a restart or a lost supervisor; no final was produced, `spawned`
 * says whether the CLI had started); `cut-off` (the CLI was killed by a signal nobody here sent:
 * no final either, the caller offers a Retry).
 */
export type TurnEnd = { kind: 'answered' } | { kind: 'interrupted'; spawned: boolean } | { kind: 'cut-off' };

export async function runChatTurn(deps: TurnDeps, input: ChatTurnInput): Promise<TurnEnd> {
  const { inbound, prompt, directive, signal, interrupt } = input;
  const turnId = input.turnId ?? randomUUID();
  const beforeSpawn = input.beforeSpawn ?? Promise.resolve();
  let spawned = false;
  const config = deps.config();
  const key = sessionKeyOf(inbound.chat);
  const resolved = await deps.sessions.resolveWhileSaving(key, deps.configuredTarget(), freshnessPolicy(config, deps.timeZone()), directive);
  const target = resolved.target;
  const log = deps.log.child({ chat: inbound.chat.chatId, topic: inbound.chat.topicId, turn: turnId.slice(0, 8) });
  const coalescer = new StreamCoalescer((events) => deps.stream(turnId, inbound.chat, inbound.messageId, events));
  const chunker = new SentenceChunker(() => deps.config().streaming, (text) => coalescer.push({ kind: 'text', text }));
  const status = (text: string) => {
    chunker.flush();
    coalescer.push({ kind: 'status', text });
  };
  let deadline: TurnDeadline | null = null;
  let reasoning = '';
  if (resolved.replaced) coalescer.push({ kind: 'status', text: texts.sessionReplaced(resolved.replaced) });

  // Every 6th message of a session asks the model to tend its memory.
  const promptToSend = withMemoryCheck(prompt, resolved.bucket.message_count);
  const run = async (resumeSessionId: string | null): Promise<TurnResult> => {
    const memory = resumeSessionId ? null : await readMemory(deps.paths.mainMemoryFile);
    const promptFiles = await readPromptFiles(deps.paths.workspace, config.append_system_prompt_files, (file, why) => log.warn({ file, why }, 'append_system_prompt_files entry skipped'));
    await beforeSpawn;
    // The turn's own clock warns, extends on activity and stops; the runner's timeout is only a backstop.
    const timeoutMs = longestTurnMs(config.timeouts) + 5_000;
    deadline = new TurnDeadline(config.timeouts, {
      onWarning: (seconds) => status(texts.timeoutWarning(seconds)),
      onExtended: (seconds) => status(texts.timeoutExtended(seconds)),
    });
    const runSignal = AbortSignal.any([signal, deadline.signal]);
    return deps.runTurn(
      {
        provider: target.provider,
        prompt: promptToSend,
        model: target.model,
        reasoningEffort: target.reasoningEffort,
        resumeSessionId,
        cwd: deps.paths.workspace,
        env: deps.env(inbound.chat),
        appendSystemPrompt: joinSystemPrompt(memory, promptFiles),
        permissionMode: config.permission_mode,
        cliParameters: config.cli_parameters[target.provider] ?? [],
        timeoutMs,
        inactivityTimeoutMs: Math.min(config.timeouts.normal * 1000, INACTIVITY_TIMEOUT_MS),
        ...(interrupt ? { interruptSignal: interrupt } : {}),
        approvalTimeoutMs: config.approval_timeout_seconds * 1000,
        // Timestamps at debug level let the benchmark measure the path update → CLI spawned.
        onSpawn: (pid) => {
          spawned = true;
          log.debug({ inbound: inbound.id, pid, at: Date.now() }, 'cli spawned');
        },
      },
      (event) => onEvent(event),
      runSignal,
    ).then((result) => {
      const fired = deadline?.fired ?? false;
      deadline?.stop();
      // Our clock stopped the CLI: that is a timeout for the user, not a /stop.
      return fired && !signal.aborted ? { ...result, aborted: false, timedOut: true } : result;
    });
  };

  // The parsers stream the answer with its separators (the final text is the streamed text).
  let textSoFar = false;
  const onEvent = (event: NormalizedEvent) => {
    deadline?.activity();
    switch (event.type) {
      case 'session':
        void deps.sessions.captureSessionId(key, target.provider, event.sessionId, resolved.epoch).catch((error: unknown) => log.warn({ err: error }, 'could not store the session id'));
        break;
      case 'text_delta':
        if (!event.text) break;
        if (!textSoFar) log.debug({ inbound: inbound.id, at: Date.now() }, 'first text');
        chunker.push(event.text);
        textSoFar = true;
        break;
      case 'tool_use':
        chunker.flush();
        coalescer.push({ kind: 'tool', name: event.toolName });
        break;
      case 'thinking':
        chunker.flush();
        if (deps.config().streaming.show_reasoning_stream && event.text.trim() !== '') {
          reasoning += event.text;
          coalescer.push({ kind: 'status', text: reasoningLine(reasoning) });
        } else coalescer.push({ kind: 'thinking' });
        break;
      case 'status': {
        const label = statusLabel(event.status, texts);
        if (label) status(label);
        break;
      }
      case 'notice':
        status(event.message);
        break;
      case 'approval_request':
        void deps.approvals?.request(inbound.chat, inbound.messageId, event).catch((error: unknown) => log.warn({ err: error }, 'approval request not delivered'));
        break;
      case 'approval_resolved':
        void deps.approvals?.resolved(event).catch((error: unknown) => log.warn({ err: error }, 'approval expiry not shown'));
        break;
      default:
        break;
    }
  };

  log.info({ provider: target.provider, model: target.model, resume: !resolved.isNew }, 'turn started');
  const turnStarted = Date.now();
  let result = await run(resolved.isNew ? null : resolved.bucket.session_id);
  let notice: string | null = null;
  if (result.staleSession && !resolved.isNew && !signal.aborted && !interrupt?.aborted) {
    // The CLI no longer knows the stored id: start fresh once, and say so (never silently).
    await deps.sessions.dropSessionId(key, target.provider);
    notice = texts.staleSessionNotice(target.provider);
    status(notice);
    result = await run(null);
  }
  chunker.flush();
  coalescer.flush();
  // Stopped by the host, not by the user: no "Stopped" answer; the journal keeps the turn.
  const interrupted = result.aborted && isInterruption(signal.reason);
  // Killed by a signal nobody here sent (out of memory, a kill by hand) before its answer was complete.
  const cutOff = result.isError && !result.aborted && !result.timedOut && result.signal !== null;

  await resolved.saved;
  const recorded = await deps.sessions.recordTurn(key, target.provider, {
    sessionId: result.sessionId,
    costUsd: result.costUsd,
    tokens: result.usage.totalTokens,
    countsAsMessage: !result.isError && !result.aborted,
  }, new Date(), resolved.epoch);
  log.info({ reason: result.reason, isError: result.isError, ms: result.durationMs, tokens: result.usage.totalTokens }, 'turn finished');
  if (interrupted) {
    log.info({ spawned }, 'turn interrupted by a stop; kept for the next start');
    return { kind: 'interrupted', spawned };
  }
  if (cutOff) {
    log.warn({ signal: result.signal }, 'the CLI was killed before it finished');
    return { kind: 'cut-off' };
  }

  let text = finalText(result, target.provider, config, notice);
  if (result.aborted) text = (await deps.abortNote?.(inbound.chat)) ?? text;
  // An old session gets a reminder under every 10th reply.
  const age = recorded && !result.isError && !result.aborted && !result.interrupted
    ? sessionAgeLabel(recorded.created_at, recorded.provider_sessions[target.provider]?.message_count ?? 0, config.session_age_warning_hours)
    : null;
  if (age) text = `${text}\n\n———\n${texts.ageNote(age)}`;
  if (deps.config().scene.technical_footer && !result.isError && !result.aborted) {
    text = `${text}\n\n${technicalFooter({ model: target.model, tokens: result.usage.totalTokens, costUsd: result.costUsd, durationMs: result.durationMs ?? Date.now() - turnStarted }, texts)}`;
  }
  // `<file:…>` tags become uploads when file_access allows them, a notice when not.
  let files: string[] = [];
  if (!result.isError && !result.aborted) {
    const outgoing = await collectOutgoingFiles(text, { fileAccess: config.file_access, workspace: deps.paths.workspace, outputDir: deps.paths.outputToUserDir, home: deps.paths.home });
    files = outgoing.files;
    const refusals = outgoing.refused.map((r) => `⚠️ ${r.reason === 'outside' ? texts.fileRefused(r.name) : r.reason === 'protected' ? texts.fileProtected(r.name) : texts.fileUnsafePath(r.name)}`);
    text = [outgoing.text, ...refusals].filter((part) => part.trim() !== '').join('\n\n');
  }
  const stopNotice = result.aborted ? deps.stopNotices?.take(inbound.chat) : undefined;
  if (stopNotice?.text) text = stopNotice.text;
  const final: Delivery = {
    deliveryId: `${inbound.id}:final`, // recovery looks for this id (agent-service.ts)
    chat: inbound.chat,
    replyTo: stopNotice ? stopNotice.replyTo : inbound.messageId,
    text,
    format: result.isError || result.aborted || result.interrupted ? 'plain' : 'markdown',
    kind: result.aborted || result.interrupted ? 'aborted' : result.isError || result.timedOut ? 'error' : 'answer',
    buttons: [],
    turnId,
    files,
  };
  const { delivered } = await deps.outbox.persist(final);
  await input.onFinalProduced?.(final);
  await delivered;
  return { kind: 'answered' };
}

function finalText(result: TurnResult, provider: string, config: Config, notice: string | null): string {
  if (result.aborted) return texts.stopped(provider);
  if (result.interrupted) return texts.interrupted(1);
  // The cause the CLI was retrying when the deadline hit (rate limit, rejected login) stays visible.
  if (result.timedOut) return [texts.turnTimedOut(config.timeouts.normal), result.failureCause ? `⚠️ ${result.failureCause}` : ''].filter(Boolean).join('\n');
  if (result.isError) return `⚠️ ${result.errorMessage ?? texts.cliFailed}`;
  const body = result.text.trim() === '' ? texts.emptyAnswer : result.text;
  return notice ? `${notice}\n\n${body}` : body;
}

async function readMemory(file: string): Promise<string | null> {
  try {
    const text = (await readFile(file, 'utf8')).trim();
    return text === '' ? null : text;
  } catch {
    return null; // no memory file yet: nothing to add to the system prompt
  }
}
