/**
 * Inter-agent delegation. Recipient side: run
 * the request in this agent's scoped session for the sender, in this agent's workspace. Sender
 * side: an async result comes back as `delegateDone` and is injected into the sender's chat.
 */
import { texts } from '../orchestrator/texts.js';
import { randomBytes } from '../../../shared/lazy-crypto.js';
import { DELEGATE_ASYNC_TIMEOUT_MS, DELEGATE_SYNC_TIMEOUT_MS, type DelegateDoneParams, type DelegateParams, type DelegateResult } from '../../../shared/rpc/delegation-schemas.js';
import type { NamedSessions } from '../named-sessions/named-sessions.js';
import { elideMiddle, primaryChat, sendNotice, type ExtrasContext } from './context.js';

/** Injected result text is bounded (the sender's CLI gets it as a prompt). */
const RESULT_MAX_CHARS = 48_000;

export type DelegationDeps = {
  ctx: ExtrasContext;
  sessions: NamedSessions;
  /** Hands a finished async job to the agent that should get it. */
  sendDone: (agent: string, params: DelegateDoneParams) => Promise<{ delivered: boolean }>;
};

export class Delegation {
  private readonly jobs = new Map<string, AbortController>();

  constructor(private readonly deps: DelegationDeps) {}

  async delegate(params: DelegateParams): Promise<DelegateResult> {
    if (params.mode === 'sync') {
      const signal = AbortSignal.timeout(DELEGATE_SYNC_TIMEOUT_MS);
      const outcome = await this.deps.sessions.interAgentTurn(params.from, params.message, params.newSession, signal);
      const error = signal.aborted ? `Timeout after ${DELEGATE_SYNC_TIMEOUT_MS / 1000}s` : outcome.error;
      return { success: outcome.success, text: outcome.text, error, sessionName: outcome.sessionName, notice: outcome.notice, taskId: null };
    }
    const taskId = randomBytes(6).toString('hex');
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('async delegation timed out')), DELEGATE_ASYNC_TIMEOUT_MS);
    timer.unref();
    this.jobs.set(taskId, controller);
    void this.runAsync(taskId, params, controller.signal).finally(() => {
      clearTimeout(timer);
      this.jobs.delete(taskId);
    });
    return { success: true, text: '', error: null, sessionName: null, notice: null, taskId };
  }

  /** Aborts every async job this agent runs for others (`/stop_all`). */
  stopAll(): number {
    for (const controller of this.jobs.values()) controller.abort(new Error('stop_all'));
    return this.jobs.size;
  }

  private async runAsync(taskId: string, params: DelegateParams, signal: AbortSignal): Promise<void> {
    const { ctx } = this.deps;
    const log = ctx.log.child({ delegation: taskId, from: params.from });
    const sessionName = `ia-${params.from}`;
    const chat = primaryChat(ctx.config());
    if (chat && !params.silent && !params.replyTo) {
      const about = params.summary ?? params.message.slice(0, 200);
      await sendNotice(ctx, chat, texts.delegationRequest(params.from, taskId, sessionName, about), { id: `ia-notice:${taskId}` });
    }
    let done: DelegateDoneParams;
    try {
      const outcome = await this.deps.sessions.interAgentTurn(params.from, params.message, params.newSession, signal);
      const error = signal.aborted && !outcome.success ? `Timeout after ${DELEGATE_ASYNC_TIMEOUT_MS / 1000}s` : outcome.error;
      done = { taskId, recipient: ctx.agent, sender: params.from, request: params.message, origin: params.origin, success: outcome.success, text: outcome.text, error, sessionName: outcome.sessionName, notice: outcome.notice };
    } catch (error) {
      done = { taskId, recipient: ctx.agent, sender: params.from, request: params.message, origin: params.origin, success: false, text: '', error: error instanceof Error ? error.message : String(error), sessionName, notice: null };
    }
    const to = params.replyTo ?? params.from;
    try {
      await this.deps.sendDone(to, done);
      log.info({ to, success: done.success }, 'async delegation result handed over');
    } catch (error) {
      // The spec's "missing handler": the result is lost for the chat, but never silently.
      log.warn({ err: error, to }, 'async delegation result could not be handed to its agent');
    }
  }

  /** Sender side: success → injected into the chat's session (its reply is delivered); failure → a notice. */
  async done(params: DelegateDoneParams): Promise<{ delivered: boolean }> {
    const { ctx } = this.deps;
    const chat = params.origin ?? primaryChat(ctx.config());
    if (!chat) {
      ctx.log.warn({ delegation: params.taskId }, 'async delegation result has no chat to go to');
      return { delivered: false };
    }
    if (!params.success) {
      const text = [`⚠️ Agent ${params.recipient} could not answer (task ${params.taskId}): ${params.error ?? 'unknown error'}`, params.notice].filter(Boolean).join('\n');
      return { delivered: await sendNotice(ctx, chat, text, { id: `ia-done:${params.taskId}` }) };
    }
    const prompt = [
      `[ASYNC INTER-AGENT RESPONSE from '${params.recipient}' (task ${params.taskId})]`,
      params.notice ? `Note: ${params.notice}` : null,
      elideMiddle(params.text || '(empty answer)', RESULT_MAX_CHARS),
      '[END ASYNC INTER-AGENT RESPONSE]',
      '',
      params.sessionName ? `The user can continue that conversation with \`@${params.sessionName} …\` in ${params.recipient}'s chat.` : null,
      `Your original request was: ${elideMiddle(params.request, 4000)}`,
      'Relay the relevant results to the user now.',
    ].filter((l) => l !== null).join('\n');
    // Not awaited: the recipient must not wait for the sender's whole turn.
    void ctx.service().injectTurn(chat, prompt, `interagent:${params.taskId}`).catch((error: unknown) => ctx.log.error({ err: error }, 'async delegation result turn failed'));
    return { delivered: true };
  }
}
