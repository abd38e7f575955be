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
import type { ChatRef, Inbound, StreamEvent } from '../../../shared/rpc/conversation-schemas.js';
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
import { StreamCoalescer } from './stream-coalescer.js';
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

/** `beforeSpawn`: work that must be done before the CLI starts (the journal's running mark). */
export async function runChatTurn(deps: TurnDeps, inbound: Inbound, prompt: string, directive: Target | null, signal: AbortSignal, turnId = randomUUID(), beforeSpawn: Promise<unknown> = Promise.resolve()): Promise<void> {
  const config = deps.config();
  const key = sessionKeyOf(inbound.chat);
  const resolved = await deps.sessions.resolveWhileSaving(key, deps.configuredTarget(), freshnessPolicy(config, deps.timeZone()), directive);
  const target = { provider: resolved.record.provider, model: resolved.record.model, reasoningEffort: resolved.record.reasoning_effort };
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

  // Every 6th message of a session asks the model to tend its memory (spec §2 step 5).
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
        // Timestamps at debug level let the benchmark measure the path update → CLI spawned.
        onSpawn: (pid) => log.debug({ inbound: inbound.id, pid, at: Date.now() }, 'cli spawned'),
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

  // Text blocks separated by tool use arrive as separate deltas with nothing between them.
  let textSoFar = false;
  let breakBeforeText = false;
  const onEvent = (event: NormalizedEvent) => {
    deadline?.activity();
    if (event.type === 'tool_use' || event.type === 'tool_result') breakBeforeText = textSoFar;
    switch (event.type) {
      case 'session':
        void deps.sessions.captureSessionId(key, target.provider, event.sessionId, resolved.epoch).catch((error: unknown) => log.warn({ err: error }, 'could not store the session id'));
        break;
      case 'text_delta':
        if (!event.text) break;
        if (!textSoFar) log.debug({ inbound: inbound.id, at: Date.now() }, 'first text');
        chunker.push(breakBeforeText ? `\n\n${event.text}` : event.text);
        textSoFar = true;
        breakBeforeText = false;
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
      default:
        break;
    }
  };

  log.info({ provider: target.provider, model: target.model, resume: !resolved.isNew }, 'turn started');
  const turnStarted = Date.now();
  let result = await run(resolved.isNew ? null : resolved.bucket.session_id);
  let notice: string | null = null;
  if (result.staleSession && !resolved.isNew && !signal.aborted) {
    // The CLI no longer knows the stored id: start fresh once, and say so (never silently).
    await deps.sessions.dropSessionId(key, target.provider);
    notice = texts.staleSessionNotice(target.provider);
    status(notice);
    result = await run(null);
  }
  chunker.flush();
  coalescer.flush();

  await resolved.saved;
  const recorded = await deps.sessions.recordTurn(key, target.provider, {
    sessionId: result.sessionId,
    costUsd: result.costUsd,
    tokens: result.usage.totalTokens,
    countsAsMessage: !result.isError && !result.aborted,
  }, new Date(), resolved.epoch);
  log.info({ reason: result.reason, isError: result.isError, ms: result.durationMs, tokens: result.usage.totalTokens }, 'turn finished');

  let text = finalText(result, target.provider, config, notice);
  // An old session gets a reminder under every 10th reply (spec §2 step 9).
  const age = recorded && !result.isError && !result.aborted
    ? sessionAgeLabel(recorded.created_at, recorded.provider_sessions[target.provider]?.message_count ?? 0, config.session_age_warning_hours)
    : null;
  if (age) text = `${text}\n\n———\n${texts.ageNote(age)}`;
  if (deps.config().scene.technical_footer && !result.isError && !result.aborted) {
    text = `${text}\n\n${technicalFooter({ model: target.model, tokens: result.usage.totalTokens, costUsd: result.costUsd, durationMs: result.durationMs ?? Date.now() - turnStarted }, texts)}`;
  }
  // Issue 4: `<file:…>` tags become uploads when file_access allows them, a notice when not.
  let files: string[] = [];
  if (!result.isError && !result.aborted) {
    const outgoing = await collectOutgoingFiles(text, { fileAccess: config.file_access, workspace: deps.paths.workspace, outputDir: deps.paths.outputToUserDir, home: deps.paths.home });
    files = outgoing.files;
    const refusals = outgoing.refused.map((r) => `⚠️ ${r.reason === 'outside' ? texts.fileRefused(r.name) : r.reason === 'protected' ? texts.fileProtected(r.name) : texts.fileUnsafePath(r.name)}`);
    text = [outgoing.text, ...refusals].filter((part) => part.trim() !== '').join('\n\n');
  }
  const stopNotice = result.aborted ? deps.stopNotices?.take(inbound.chat) : undefined;
  if (stopNotice?.text) text = stopNotice.text;
  await deps.outbox.send({
    deliveryId: `${inbound.id}:final`,
    chat: inbound.chat,
    replyTo: stopNotice ? stopNotice.replyTo : inbound.messageId,
    text,
    format: result.isError || result.aborted ? 'plain' : 'markdown',
    kind: result.aborted ? 'aborted' : result.isError || result.timedOut ? 'error' : 'answer',
    buttons: [],
    turnId,
    files,
  });
}

function finalText(result: TurnResult, provider: string, config: Config, notice: string | null): string {
  if (result.aborted) return texts.stopped(provider);
  if (result.timedOut) return texts.turnTimedOut(Math.round(config.timeouts.normal / 60));
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
