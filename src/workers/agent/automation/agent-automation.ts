/**
 * The agent's side of automation: one-shot runs in `cron_tasks/<folder>/`
 * for cron jobs and webhook `cron_task` hooks, webhook `wake` turns in the live chat sessions,
 * and heartbeat polls. The scheduler decides when; this runs the CLI and routes the result.
 */
import { texts } from '../orchestrator/texts.js';
import { randomUUID } from '../../../shared/lazy-crypto.js';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../../../shared/config/schema.js';
import type { AgentPaths } from '../../../shared/paths.js';
import type { CronRunParams, CronRunResult, HeartbeatTickResult } from '../../../shared/rpc/automation-schemas.js';
import type { Handlers } from '../../../shared/rpc/contract.js';
import { noticeDelivery, type ChatRef } from '../../../shared/rpc/conversation-schemas.js';
import type { TurnResult } from '../providers/events.js';
import type { AgentService } from '../orchestrator/agent-service.js';
import { planHeartbeatTurn, stripAck } from '../../../shared/automation/heartbeat-turn.js';
import { providerForModel } from '../../../shared/models.js';
import { waitForDelivery, type Outbox } from '../orchestrator/outbox.js';
import type { RunTurnPort } from '../orchestrator/provider-port.js';
import type { SessionManager } from '../sessions/session-manager.js';
import { resolveExecution } from './execution.js';

/** Stored/returned result text is cut to this many characters. */
const RESULT_TEXT_MAX = 2_000;
/** A task folder is a plain name: no separators, no dot-dot. */
const FOLDER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export type AgentAutomationDeps = {
  agent: string;
  paths: AgentPaths;
  log: Logger;
  config: () => Config;
  runTurn: RunTurnPort;
  outbox: Outbox;
  sessions: SessionManager;
  service: AgentService;
  env: (chat: ChatRef) => NodeJS.ProcessEnv;
};

export class AgentAutomation {
  constructor(private readonly deps: AgentAutomationDeps) {}

  /** A one-shot run; never throws for a failed run, only reports it. */
  async runCron(params: CronRunParams, signal?: AbortSignal): Promise<CronRunResult> {
    const started = Date.now();
    const log = this.deps.log.child({ [params.origin.kind === 'cron' ? 'job' : 'hook']: params.origin.id });
    const elapsed = () => Date.now() - started;
    const folder = join(this.deps.paths.cronTasksDir, params.taskFolder);
    if (!FOLDER_NAME.test(params.taskFolder) || !(await isDirectory(folder))) {
      log.warn({ folder: params.taskFolder }, 'cron run skipped: task folder missing');
      return { status: 'error:folder_missing', error: `task folder cron_tasks/${params.taskFolder} is missing`, durationMs: elapsed(), resultText: null, delivery: 'skipped', deliveryError: null };
    }
    const config = this.deps.config();
    const resolved = resolveExecution(config, params.overrides);
    if (!resolved.ok) {
      log.warn({ status: resolved.status }, 'cron run refused: invalid execution settings');
      const delivery = await this.deliverResult(params, false, resolved.status, resolved.error);
      return { status: resolved.status, error: resolved.error, durationMs: elapsed(), resultText: null, ...delivery };
    }
    const { execution } = resolved;
    const envChat = params.chat ?? this.broadcastChats()[0] ?? { transport: 'tg' as const, chatId: 0, topicId: null };
    const timeoutMs = config.cli_timeout * 1000;
    log.info({ provider: execution.provider, model: execution.model }, 'cron run started');
    const result = await this.deps.runTurn(
      {
        provider: execution.provider,
        prompt: taskPrompt(params.instruction, params.taskFolder),
        model: execution.model,
        reasoningEffort: execution.reasoningEffort,
        resumeSessionId: null,
        // Nobody resumes a cron or webhook one-shot: its session is not saved.
        ephemeral: true,
        cwd: folder,
        env: this.deps.env(envChat),
        appendSystemPrompt: null,
        permissionMode: config.permission_mode,
        cliParameters: execution.cliParameters,
        timeoutMs,
        inactivityTimeoutMs: timeoutMs,
      },
      () => undefined,
      signal ?? new AbortController().signal,
    );
    const { status, error, text } = classify(result, execution.provider, config.cli_timeout);
    log.info({ status, ms: elapsed() }, 'cron run finished');
    const success = status === 'success';
    const resultText = text === null ? null : text.slice(0, RESULT_TEXT_MAX);
    if (success && params.silentOnSuccess) {
      return { status, error, durationMs: elapsed(), resultText, delivery: 'skipped', deliveryError: null };
    }
    const delivery = await this.deliverResult(params, success, status, success ? (text ?? '') : (text ?? error ?? status));
    return { status, error, durationMs: elapsed(), resultText, ...delivery };
  }

  /** Webhook `wake`: the prompt runs as one turn in each allowed user's private chat, in its live session. */
  async wakeHook(hookId: string, prompt: string): Promise<{ status: string; chats: number }> {
    const chats = this.broadcastChats();
    if (chats.length === 0) return { status: 'error:no_wake_handler', chats: 0 };
    const replies = await Promise.all(
      chats.map((chat) =>
        this.deps.service.injectTurn(chat, prompt, `hook:${hookId}`).catch((error: unknown) => {
          this.deps.log.warn({ hook: hookId, chat: chat.chatId, err: error }, 'webhook wake turn failed');
          return null;
        }),
      ),
    );
    const answered = replies.some((d) => d !== null && d.kind === 'answer' && d.text.trim() !== '');
    return { status: answered ? 'success' : 'error:no_response', chats: chats.length };
  }

  /** One heartbeat poll; the ack token means nothing is delivered. */
  async heartbeatTick(chat: ChatRef, prompt: string, ackToken: string, cooldownMinutes: number): Promise<HeartbeatTickResult> {
    const first = await this.heartbeatDecision(chat, cooldownMinutes);
    if (first) return first;
    return this.deps.service.runInChat(chat, `heartbeat:${randomUUID()}`, async (signal) => {
      // Re-checked in the lane: a user turn may have run while this one waited.
      const again = await this.heartbeatDecision(chat, cooldownMinutes, true);
      if (again) return again;
      const key = { transport: chat.transport, chatId: chat.chatId, topicId: chat.topicId };
      const session = (await this.deps.sessions.get(key))!;
      const sessionId = session.provider_sessions[session.provider]!.session_id;
      const config = this.deps.config();
      const timeoutMs = config.cli_timeout * 1000;
      const result = await this.deps.runTurn(
        {
          provider: session.provider,
          prompt,
          model: session.model,
          reasoningEffort: session.reasoning_effort,
          resumeSessionId: sessionId,
          cwd: this.deps.paths.workspace,
          env: this.deps.env(chat),
          appendSystemPrompt: null,
          permissionMode: config.permission_mode,
          cliParameters: config.cli_parameters[session.provider] ?? [],
          timeoutMs,
          inactivityTimeoutMs: timeoutMs,
        },
        () => undefined,
        signal,
      );
      // A failed poll is not the user's concern (upstream ignores CLI errors here).
      if (result.isError || result.aborted || result.timedOut) return { outcome: 'failed', reason: result.reason };
      const text = stripAck(result.text, ackToken);
      // Suppressed replies leave the session alone so the bot's own polling never looks like activity.
      if (text === null) return { outcome: 'acked', reason: null };
      await this.deps.sessions.recordTurn(key, session.provider, { sessionId: result.sessionId, costUsd: result.costUsd, tokens: result.usage.totalTokens, countsAsMessage: true });
      const delivery = noticeDelivery({ deliveryId: `heartbeat:${randomUUID()}`, chat, text, format: 'markdown' });
      const outcome = await waitForDelivery(this.deps.outbox.send(delivery));
      return outcome.ok ? { outcome: 'delivered', reason: null } : { outcome: 'failed', reason: outcome.error };
    });
  }

  /** Null when the heartbeat may run; otherwise the skip result. Read-only: never creates a session. */
  private async heartbeatDecision(chat: ChatRef, cooldownMinutes: number, inLane = false): Promise<HeartbeatTickResult | null> {
    const session = await this.deps.sessions.get({ transport: chat.transport, chatId: chat.chatId, topicId: chat.topicId });
    const decision = planHeartbeatTurn({
      session: session === undefined || session === null ? null : {
        sessionId: session.provider_sessions[session.provider]?.session_id ?? null,
        provider: session.provider,
        lastActiveAt: new Date(session.last_active),
      },
      configuredProvider: providerForModel(this.deps.config().model),
      // In the chat's lane this turn is the running one; a user turn before it has finished.
      cliActive: !inLane && this.deps.service.isChatBusy(chat),
      cooldownMinutes,
      now: new Date(),
    });
    return decision.run ? null : { outcome: 'skipped', reason: decision.reason };
  }

  /** Private chats of every allowed user: where unrouted results and wake turns go. */
  private broadcastChats(): ChatRef[] {
    return this.deps.config().allowed_user_ids.map((id) => ({ transport: 'tg' as const, chatId: id, topicId: null }));
  }

  private async deliverResult(params: CronRunParams, success: boolean, status: string, body: string): Promise<Pick<CronRunResult, 'delivery' | 'deliveryError'>> {
    const chats = params.chat ? [params.chat] : this.broadcastChats();
    if (chats.length === 0) return { delivery: 'skipped', deliveryError: 'no chat to deliver to' };
    const title = params.title.trim() || params.origin.id;
    const text = success ? `**${title}**\n\n${body.trim() || texts.cronNoOutput}` : `${texts.cronFailed(title, status)}\n\n${body.trim()}`;
    const stamp = Date.now();
    const results = await Promise.all(
      chats.map((chat) =>
        waitForDelivery(
          this.deps.outbox.send(noticeDelivery({
            deliveryId: `${params.origin.kind}:${params.origin.id}:${stamp}:${chat.chatId}:${chat.topicId ?? ''}`,
            chat,
            text,
            format: 'markdown',
          })),
        ),
      ),
    );
    const failed = results.find((r) => !r.ok);
    return failed && !failed.ok ? { delivery: 'failed', deliveryError: failed.error } : { delivery: 'ok', deliveryError: null };
  }
}

/** The RPC handlers of this module, spread into the agent worker's handlers. */
export function automationHandlers(get: () => AgentAutomation): Handlers {
  return {
    runCron: (params) => get().runCron(params),
    wakeHook: ({ hookId, prompt }) => get().wakeHook(hookId, prompt),
    heartbeatTick: ({ chat, prompt, ackToken, cooldownMinutes }) => get().heartbeatTick(chat, prompt, ackToken, cooldownMinutes),
  };
}

/** The instruction plus the task-memory contract. */
export function taskPrompt(instruction: string, folder: string): string {
  return [
    instruction.trim(),
    '',
    'How to work on this run:',
    `- First read ${folder}_MEMORY.md in this folder: it holds what earlier runs did and learned.`,
    `- When you are done, add a dated entry (date and time) to ${folder}_MEMORY.md saying what you did and what to remember next time.`,
    '- Your final reply is sent to the user as is: give only the result they should read. Do not mention tools, files you updated or delivery.',
  ].join('\n');
}

/** Maps a CLI outcome to the run status recorded in cron_jobs.json. */
function classify(result: TurnResult, provider: string, timeoutSeconds: number): { status: string; error: string | null; text: string | null } {
  const text = result.text.trim() === '' ? null : result.text.trim();
  if (result.reason === 'spawn') return { status: `error:cli_not_found_${provider}`, error: result.errorMessage ?? `${provider} CLI not found`, text: null };
  if (result.timedOut) return { status: 'error:timeout', error: 'timed out', text: texts.cronTimedOut(Math.round(timeoutSeconds)) };
  if (result.aborted) return { status: 'error:aborted', error: 'aborted', text: null };
  if (result.isError) {
    const status = result.exitCode !== null && result.exitCode !== 0 ? `error:exit_${result.exitCode}` : 'error:cli_error';
    return { status, error: result.errorMessage ?? status, text: text ?? result.errorMessage };
  }
  return { status: 'success', error: null, text };
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false; // missing or unreadable: both mean "no folder" for the run
  }
}
