/**
 * Named sessions: second CLI conversations in the same chat that
 * run in the background, plus the scoped inter-agent sessions other agents talk to.
 * Background runs do not take the chat's lane; a foreground `@name` follow-up does.
 */
import { encodeCallback } from '../../../shared/callbacks/callback-data.js';
import { texts } from '../orchestrator/texts.js';
import type { ChatRef, Inbound } from '../../../shared/rpc/conversation-schemas.js';
import type { CorruptReport } from '../../../shared/store/json-store.js';
import type { Reply } from '../orchestrator/commands.js';
import { CODEX_FALLBACK_MODELS, GEMINI_ALIASES, isKnownModel, providerForModel } from '../../../shared/models.js';
import type { ProviderId } from '../sessions/session-schema.js';
import type { TurnResult } from '../providers/events.js';
import { failureText, primaryChat, runCli, sendNotice, type ExtrasContext } from '../delegation/context.js';
import { NamedSessionStore, type NamedSession } from './named-store.js';
import { generateName, interAgentName } from './names.js';

export const MAX_SESSIONS_PER_CHAT = 10;
export const MAX_RUNNING_PER_CHAT = 5;
/** Inter-agent sessions per chat; the oldest idle ones are dropped beyond this. */
const MAX_INTERAGENT_PER_CHAT = 32;
const PROVIDERS: ProviderId[] = ['claude', 'codex', 'gemini'];

export type InterAgentOutcome = { success: boolean; text: string; error: string | null; sessionName: string; notice: string | null };

export class NamedSessions {
  readonly store: NamedSessionStore;
  private readonly running = new Map<string, AbortController>();
  /** Inter-agent turns of one session run one after the other. */
  private readonly chains = new Map<string, Promise<unknown>>();
  /** Sessions ended while this worker runs, with the chat they lived in (`@name` then says so). */
  private readonly endedIn = new Map<string, string>();

  constructor(private readonly ctx: ExtrasContext, onCorrupt: (r: CorruptReport) => void) {
    this.store = new NamedSessionStore(ctx.paths.namedSessionsFile, onCorrupt);
  }

  /**
   * Persistence: sessions cut off by a restart are `idle` now; the user sessions among them
   * (Telegram only, as the original's recovery) are re-submitted once as background follow-ups with
   * their `last_prompt`, after a notice in their chat.
   */
  async start(): Promise<void> {
    const cut = await this.store.load();
    if (cut.length === 0) return;
    this.ctx.log.info({ sessions: cut.map((s) => s.name) }, 'named sessions cut off by a restart are idle now');
    for (const before of cut) {
      const session = this.store.find(before.name);
      if (!session || session.kind !== 'user' || session.transport !== 'tg' || session.last_prompt.trim() === '') continue;
      const chat: ChatRef = { transport: session.transport, chatId: session.chat_id, topicId: session.topic_id };
      if (session.resubmitted) {
        this.ctx.log.warn({ session: session.name }, 'named session was cut off again during its recovery run; not re-submitted');
        await sendNotice(this.ctx, chat, texts.sessionInterruptedAgain(session.name));
        continue;
      }
      session.resubmitted = true;
      await this.store.save();
      await sendNotice(this.ctx, chat, texts.sessionInterrupted(session.name));
      void this.runBackground(session, session.last_prompt, null);
    }
  }

  /** Live user sessions of `chat` (ended ones are gone). */
  userSessions(chat: ChatRef): NamedSession[] {
    return this.store.all().filter((s) => s.kind === 'user' && sameChat(s, chat) && s.status !== 'ended');
  }

  /** `/session [@provider [model]|@model|@name] <prompt>`. */
  async command(message: Inbound, args: string): Promise<Reply> {
    const chat = message.chat;
    if (args === '') return plain(texts.sessionUsage);
    const follow = /^@([a-z0-9-]+)\s+([\s\S]+)$/i.exec(args);
    const existing = follow ? this.store.find(follow[1]!.toLowerCase()) : undefined;
    if (follow && existing && existing.kind === 'user' && sameChat(existing, chat)) {
      if (existing.status === 'running') return plain(texts.sessionStillRunning(existing.name));
      const refused = this.capacityError(chat);
      if (refused) return plain(refused);
      void this.runBackground(existing, follow[2]!.trim(), message.messageId);
      return plain(texts.sessionFollowUp(existing.name));
    }
    const parsed = this.parseTarget(args);
    if ('error' in parsed) return plain(parsed.error);
    if (this.userSessions(chat).length >= MAX_SESSIONS_PER_CHAT) return plain(texts.sessionTooMany(MAX_SESSIONS_PER_CHAT));
    const refused = this.capacityError(chat);
    if (refused) return plain(refused);
    const session: NamedSession = {
      name: generateName((n) => this.store.find(n) !== undefined),
      kind: 'user',
      chat_id: chat.chatId,
      topic_id: chat.topicId,
      transport: chat.transport,
      provider: parsed.provider,
      model: parsed.model,
      reasoning_effort: this.ctx.config().reasoning_effort,
      session_id: '',
      prompt_preview: parsed.prompt.slice(0, 60),
      last_prompt: parsed.prompt.slice(0, 4000),
      status: 'idle',
      created_at: Date.now() / 1000,
      message_count: 0,
      sender: null,
      resubmitted: false,
    };
    await this.store.add(session);
    void this.runBackground(session, parsed.prompt, message.messageId);
    return {
      text: texts.sessionStarted(session.name, title(session.provider), session.model),
      format: 'markdown',
      buttons: [],
    };
  }

  /** `/sessions`, `/sessions end <name>`, `/sessions endall`. */
  async manage(chat: ChatRef, args: string): Promise<Reply> {
    const [verb, name] = args.split(/\s+/);
    if (verb === 'endall') {
      const sessions = this.userSessions(chat);
      for (const s of sessions) await this.end(s);
      return plain(sessions.length === 0 ? texts.sessionsNoneToEnd : texts.sessionsEnded(sessions.length));
    }
    if (verb === 'end' && name) {
      const session = this.userSessions(chat).find((s) => s.name === name.toLowerCase());
      if (!session) return plain(texts.sessionUnknown(name));
      await this.end(session);
      // The list refreshed under the notice: what is left, with its End buttons.
      const rest = this.listReply(chat);
      return rest ? { ...rest, text: `${texts.sessionEnded(session.name)}\n\n${rest.text}` } : plain(texts.sessionEnded(session.name));
    }
    return this.listReply(chat) ?? plain(texts.sessionsEmpty);
  }

  /** The chat's sessions with End buttons, or null when there are none. */
  private listReply(chat: ChatRef): Reply | null {
    const sessions = this.userSessions(chat);
    if (sessions.length === 0) return null;
    const lines = sessions.map((s) => `• ${s.name} — ${s.status}, ${s.provider} (${s.model}), ${s.message_count} message(s): ${s.prompt_preview}`);
    const buttons = sessions.slice(0, 8).map((s) => [{ label: texts.sessionEndButton(s.name), data: encodeCallback('command', `sessions end ${s.name}`) }]);
    buttons.push([{ label: texts.sessionsEndAllButton, data: encodeCallback('command', 'sessions endall') }]);
    return { text: `${texts.sessionsTitle}\n${lines.join('\n')}`, format: 'plain', buttons };
  }

  /** `@name text` in the chat: a foreground follow-up in the chat's lane. Null when `name` is no session here. */
  followUp(message: Inbound, text: string): Promise<void> | null {
    const match = /^@([a-z0-9-]+)\s+([\s\S]+)$/i.exec(text);
    if (!match) return null;
    const session = this.store.find(match[1]!.toLowerCase());
    if (!session || !sameChat(session, message.chat)) {
      // A session ended here earlier: say so instead of handing "@name …" to the main session.
      const ended = this.endedIn.get(match[1]!.toLowerCase());
      if (ended === undefined || ended !== chatKey(message.chat)) return null;
      return sendNotice(this.ctx, message.chat, texts.sessionGone(match[1]!.toLowerCase()), { replyTo: message.messageId }).then(() => undefined);
    }
    const prompt = match[2]!.trim();
    // Inter-agent sessions are continued by the user in the recipient's chat, which is this one.
    return this.ctx.service().runInChat(message.chat, `ns:${session.name}:${message.id}`, async (signal) => {
      const result = await this.runTurn(session, prompt, signal);
      await this.deliver(session, result, message.messageId);
    });
  }

  /** Kills the session's running CLI and forgets the session. */
  async end(session: NamedSession): Promise<void> {
    this.running.get(session.name)?.abort(new Error('session ended'));
    session.status = 'ended';
    this.endedIn.set(session.name, `${session.transport}:${session.chat_id}:${session.topic_id ?? ''}`);
    await this.store.remove(session.name);
  }

  /** Aborts every background run (`/stop_all`, shutdown). */
  stopAll(): number {
    for (const controller of this.running.values()) controller.abort(new Error('stop_all'));
    return this.running.size;
  }

  // Inter-agent (recipient side) -----------------------------------------------------------------

  /** One turn in the scoped session of `sender`. */
  interAgentTurn(sender: string, message: string, newSession: boolean, signal: AbortSignal): Promise<InterAgentOutcome> {
    const name = interAgentName(sender);
    const previous = this.chains.get(name) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.interAgentTurnNow(sender, name, message, newSession, signal));
    this.chains.set(name, next);
    void next.finally(() => {
      if (this.chains.get(name) === next) this.chains.delete(name);
    });
    return next;
  }

  private async interAgentTurnNow(sender: string, name: string, message: string, newSession: boolean, signal: AbortSignal): Promise<InterAgentOutcome> {
    const config = this.ctx.config();
    const chat = primaryChat(config) ?? { transport: 'tg' as const, chatId: 0, topicId: null };
    const configured = this.ctx.configuredTarget();
    let session = this.store.find(name);
    let notice: string | null = null;
    if (session && newSession) {
      await this.end(session);
      session = undefined;
    }
    if (session && session.provider !== configured.provider) {
      // The session's CLI id belongs to the old provider: it cannot be resumed by the new one.
      notice = `Provider changed from ${title(session.provider)} to ${title(configured.provider)}: started a fresh inter-agent session ${name}.`;
      await this.end(session);
      session = undefined;
    }
    if (!session) {
      session = {
        name, kind: 'interagent', chat_id: chat.chatId, topic_id: null, transport: chat.transport,
        provider: configured.provider, model: configured.model, reasoning_effort: configured.reasoningEffort,
        session_id: '', prompt_preview: message.slice(0, 60), last_prompt: message.slice(0, 4000),
        status: 'idle', created_at: Date.now() / 1000, message_count: 0, sender, resubmitted: false,
      };
      await this.evictInterAgent(chat);
      await this.store.add(session);
    }
    const prompt = [
      `[INTER-AGENT MESSAGE from '${sender}' to '${this.ctx.agent}']`,
      message,
      '[END INTER-AGENT MESSAGE]',
      '',
      `Answer ${sender} directly and concisely: your reply is returned to that agent as is.`,
    ].join('\n');
    const result = await this.runTurn(session, prompt, signal, config.cli_timeout * 1000, (stale) => {
      notice = [notice, stale].filter(Boolean).join('\n');
    });
    if (result.isError || result.aborted || result.timedOut) {
      return { success: false, text: '', error: failureText(result, config.cli_timeout), sessionName: name, notice };
    }
    return { success: true, text: result.text.trim(), error: null, sessionName: name, notice };
  }

  private async evictInterAgent(chat: ChatRef): Promise<void> {
    const ia = this.store.all().filter((s) => s.kind === 'interagent' && sameChat(s, chat) && s.status !== 'running');
    ia.sort((a, b) => a.created_at - b.created_at);
    while (ia.length >= MAX_INTERAGENT_PER_CHAT) await this.store.remove(ia.shift()!.name);
  }

  // Running ----------------------------------------------------------------------------------------

  private capacityError(chat: ChatRef): string | null {
    const running = this.store.all().filter((s) => s.kind === 'user' && sameChat(s, chat) && s.status === 'running').length;
    return running >= MAX_RUNNING_PER_CHAT ? texts.sessionTooManyRunning(MAX_RUNNING_PER_CHAT) : null;
  }

  /** A background run: the answer replies to the message that started it, in its topic. */
  private async runBackground(session: NamedSession, prompt: string, replyTo: number | null): Promise<void> {
    try {
      const result = await this.runTurn(session, prompt, new AbortController().signal, this.ctx.config().timeouts.background * 1000);
      await this.deliver(session, result, replyTo);
    } catch (error) {
      this.ctx.log.error({ err: error, session: session.name }, 'named session run failed');
    }
  }

  /** Runs one turn in the session's own CLI context; a stale CLI id is retried once fresh. */
  private async runTurn(session: NamedSession, prompt: string, outer: AbortSignal, timeoutMs = this.ctx.config().timeouts.background * 1000, onStale?: (notice: string) => void): Promise<TurnResult> {
    const controller = new AbortController();
    const onAbort = () => controller.abort(outer.reason);
    outer.addEventListener('abort', onAbort, { once: true });
    this.running.set(session.name, controller);
    session.status = 'running';
    session.last_prompt = prompt.slice(0, 4000);
    await this.store.save();
    const chat: ChatRef = { transport: session.transport, chatId: session.chat_id, topicId: session.topic_id };
    try {
      const run = (resume: string | null) =>
        runCli(this.ctx, { provider: session.provider, model: session.model, reasoningEffort: session.reasoning_effort, prompt, resumeSessionId: resume, chat, timeoutMs, withMemory: true }, controller.signal);
      let result = await run(session.session_id || null);
      if (result.staleSession && session.session_id && !controller.signal.aborted) {
        onStale?.(`The CLI no longer knew session ${session.name}; it started fresh.`);
        session.session_id = '';
        result = await run(null);
      }
      if (result.sessionId) session.session_id = result.sessionId;
      if (!result.isError && !result.aborted) session.message_count += 1;
      // The run ended in this worker: a later restart may re-submit this session again.
      session.resubmitted = false;
      return result;
    } finally {
      outer.removeEventListener('abort', onAbort);
      this.running.delete(session.name);
      if (session.status === 'running') session.status = 'idle';
      if (this.store.find(session.name) === session) await this.store.save();
    }
  }

  private async deliver(session: NamedSession, result: TurnResult, replyTo: number | null): Promise<void> {
    const chat: ChatRef = { transport: session.transport, chatId: session.chat_id, topicId: session.topic_id };
    const status = result.aborted ? 'aborted' : result.timedOut ? 'error:timeout' : result.isError ? 'error:cli' : 'ok';
    const body = status === 'ok' ? result.text.trim() || texts.sessionNoAnswer : `⚠️ ${failureText(result, this.ctx.config().timeouts.background)}`;
    await sendNotice(this.ctx, chat, `[${session.name}] ${body}`, { replyTo, format: status === 'ok' ? 'markdown' : 'plain' });
  }

  private parseTarget(args: string): { provider: ProviderId; model: string; prompt: string } | { error: string } {
    const config = this.ctx.config();
    const configured = this.ctx.configuredTarget();
    const match = /^@(\S+)\s*([\s\S]*)$/.exec(args);
    if (!match) return { provider: configured.provider, model: configured.model, prompt: args };
    const word = match[1]!.toLowerCase();
    let rest = match[2]!.trim();
    if ((PROVIDERS as string[]).includes(word)) {
      const provider = word as ProviderId;
      const next = /^(\S+)\s+([\s\S]+)$/.exec(rest);
      let model = defaultModel(provider, configured.provider, config.model);
      if (next && isKnownModel(next[1]!, []) && providerForModel(next[1]!) === provider) {
        model = next[1]!;
        rest = next[2]!.trim();
      }
      return rest ? { provider, model, prompt: rest } : { error: 'The session needs a prompt after the provider.' };
    }
    if (isKnownModel(word, [])) return rest ? { provider: providerForModel(word), model: word, prompt: rest } : { error: 'The session needs a prompt after the model.' };
    return { provider: configured.provider, model: configured.model, prompt: args };
  }
}

function defaultModel(provider: ProviderId, configuredProvider: ProviderId, configuredModel: string): string {
  if (provider === configuredProvider) return configuredModel;
  if (provider === 'claude') return 'sonnet';
  if (provider === 'codex') return CODEX_FALLBACK_MODELS[0]!;
  return GEMINI_ALIASES[0]!;
}

function chatKey(chat: ChatRef): string {
  return `${chat.transport}:${chat.chatId}:${chat.topicId ?? ''}`;
}

function sameChat(session: NamedSession, chat: ChatRef): boolean {
  return session.chat_id === chat.chatId && (session.topic_id ?? null) === chat.topicId;
}

function title(provider: string): string {
  return provider.charAt(0).toUpperCase() + provider.slice(1);
}

function plain(text: string): Reply {
  return { text, format: 'plain', buttons: [] };
}
