/**
 * One Telegram bot (one agent's token): polling with the offset advanced only after the agent
 * journaled each message, the queue indicators, one live stream editor per running turn, and
 * confirmed, deduplicated delivery of final answers.
 */
import type { Config } from '../../shared/config/schema.js';
import type { Logger } from '../../shared/log/logger.js';
import { catalogue } from '../../shared/i18n/index.js';
import { mainPaths, subAgentHome } from '../../shared/paths.js';
import type { Button, ChatRef, Delivery, Inbound, StreamEvent as BusStreamEvent } from '../../shared/rpc/conversation-schemas.js';
import { RPC_TARGET_UNAVAILABLE } from '../../shared/rpc/errors.js';
import type { RpcPeer } from '../../shared/rpc/peer.js';
import { agentTarget } from '../../shared/rpc/targets.js';
import { botCommands } from './bot-commands.js';
import { ChatActivity } from './chat-activity.js';
import { downloadMedia, megabytes } from './media-intake.js';
import { groupMediaUpdates, type MediaRef } from './media-refs.js';
import { FileBrowser } from './showfiles.js';
import { consumeRestartSentinel, consumeUpgradeSentinelAndReport, handleLocally } from './transport-commands.js';
import type { DeliveryLog } from './delivery-log.js';
import { classifyUpdate, type AccessPolicy } from './ingress.js';
import { AgentDownHold } from './agent-down-hold.js';
import { Outboxes, type ChatOutbox } from './outbox.js';
import { UpdatePoller } from './polling.js';
import type { StreamStates } from './stream-state.js';
import { ChatRunner, type QueueUpdate } from './chat-runner.js';
import { retryWithBackoff } from './retry-backoff.js';
import { TelegramNetwork, type TelegramIndicator } from './telegram-network.js';
import { StatusReactions } from './status-reactions.js';
import { AnsweredButtons, isAnswerButton, markAnswered } from './button-answer.js';
import { allowlistKey, AUDIT_EVERY_MS, auditGroups } from './group-audit.js';
import { detectStartup } from './startup-notice.js';
import { TelegramBot, type Message, type Update } from './telegram-bot.js';
import { UpdateQuarantine } from './update-quarantine.js';
import { join } from 'node:path';

const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query', 'my_chat_member'];
/** How long the agent may take to journal and acknowledge a message (ms). */
const ACK_TIMEOUT_MS = 15_000;

export type BotRunnerOptions = {
  agent: string;
  config: () => Config;
  peer: RpcPeer;
  deliveries: DeliveryLog;
  /** Which messages hold each running turn's stream, for a restarted transport to resume. */
  streams: StreamStates;
  log: Logger;
  /** The main home: media spool, chat_activity.json, restart sentinel, the agent home for /showfiles. */
  home: string;
};

export class BotRunner {
  private readonly bot: TelegramBot;
  private readonly outboxes: Outboxes;
  private readonly chat: ChatRunner<TelegramIndicator>;
  private readonly stopper = new AbortController();
  private botId: number | null = null;
  private botUsername: string | null = null;
  private polling: Promise<unknown> | null = null;
  // Files, media, bot-owned commands ---------------------------------------------------
  private readonly activity: ChatActivity;
  private readonly browser: FileBrowser;
  private menuLanguage: string | null = null;
  private readonly reactions: StatusReactions;
  private readonly answered = new AnsweredButtons();
  private auditTimer: NodeJS.Timeout | null = null;
  private auditedKey: string | null = null;

  constructor(private readonly options: BotRunnerOptions) {
    const config = options.config();
    this.bot = new TelegramBot({ token: config.telegram_token, apiRoot: config.telegram_api_root, log: options.log });
    this.outboxes = new Outboxes({ sender: this.bot, log: options.log });
    this.activity = new ChatActivity(mainPaths(options.home).chatActivityFile);
    this.reactions = new StatusReactions({ sender: this.bot, scene: () => options.config().scene, log: options.log });
    this.browser = new FileBrowser(options.agent === 'main' ? options.home : subAgentHome(options.home, options.agent));
    const network = new TelegramNetwork({
      bot: this.bot, outboxFor: (chat) => this.outboxFor(chat), reactions: this.reactions,
      config: options.config, log: options.log, signal: this.stopper.signal,
    });
    this.chat = new ChatRunner({ agent: options.agent, network, deliveries: options.deliveries, streams: options.streams, log: options.log });
  }

  get agent(): string {
    return this.options.agent;
  }

  /** Learns the bot's identity, registers the command menu and starts polling. */
  start(): void {
    this.polling = this.run().catch((error: unknown) => this.options.log.error({ err: error, agent: this.agent }, 'bot stopped on an error'));
  }

  async stop(): Promise<void> {
    this.stopper.abort();
    if (this.auditTimer) clearInterval(this.auditTimer);
    void this.chat.abortAll();
    await Promise.race([this.outboxes.idle(), new Promise((r) => setTimeout(r, 2_000).unref())]);
    this.outboxes.close();
    await this.polling;
  }

  private async run(): Promise<void> {
    const signal = this.stopper.signal;
    const me = await this.withRetry(() => this.bot.getMe(signal), 'getMe');
    if (!me) return;
    this.botId = me.id;
    this.botUsername = me.username ?? null;
    await this.syncCommands();
    await this.auditGroups();
    this.auditTimer = setInterval(() => void this.auditGroups(true), AUDIT_EVERY_MS);
    this.auditTimer.unref();
    let sentinel = false;
    const tell = (chatId: number, text: string) => {
      sentinel = true;
      return this.outboxes.for(chatId, chatId < 0 ? 'group' : 'private').send({ text });
    };
    await consumeRestartSentinel(this.options.home, this.agent, tell, this.options.log);
    if (this.agent === 'main') await consumeUpgradeSentinelAndReport(this.options.home, tell, this.options.log);
    if (this.agent === 'main') await this.announceOnline(sentinel);
    const quarantine = new UpdateQuarantine({
      home: this.options.home, transport: 'tg', agent: this.agent, log: this.options.log,
      language: () => this.options.config().language, notify: (text) => this.notifyPrimary(text),
    });
    const poller = new UpdatePoller({
      source: this.bot,
      allowedUpdates: ALLOWED_UPDATES,
      botLabel: `@${this.botUsername ?? this.agent}`,
      log: this.options.log,
      handleUpdates: async (updates) => {
        for (const unit of groupMediaUpdates(updates)) await (unit.length === 1 ? this.handleUpdate(unit[0]!) : this.handleMediaGroup(unit));
      },
      onQuarantine: (poison) => quarantine.record({ id: poison.updateId, reason: poison.reason, update: poison.update }),
      onFatal: (error) => this.options.log.error({ agent: this.agent, code: error.errorCode }, error.message),
    });
    await poller.run(signal);
    quarantine.close();
  }

  /** getMe with backoff on network trouble; a rejected token ends the bot with a clear log line. */
  private withRetry<T>(call: () => Promise<T>, what: string): Promise<T | null> {
    return retryWithBackoff({
      call, what, signal: this.stopper.signal, log: this.options.log,
      final: (error) => {
        const code = (error as { errorCode?: number }).errorCode;
        return code === 401 || code === 404
          ? { fields: { agent: this.agent }, message: `Telegram rejected the bot token of agent "${this.agent}" (${what}). Check telegram_token and run \`ductor restart\`.` }
          : null;
      },
    });
  }

  private policy(): AccessPolicy {
    const config = this.options.config();
    return {
      allowedUserIds: config.allowed_user_ids,
      allowedGroupIds: config.allowed_group_ids,
      allowedChannelIds: config.allowed_channel_ids,
      groupMentionOnly: config.group_mention_only,
      botId: this.botId,
      botUsername: this.botUsername,
    };
  }

  /** Resolves only once the update is safely with the agent (or deliberately dropped). */
  private async handleUpdate(update: Update): Promise<void> {
    const receivedAt = Date.now();
    const decision = classifyUpdate(update, this.policy());
    const log = this.options.log;
    if (decision.kind === 'inbound') log.debug({ inbound: decision.inbound.id, at: receivedAt }, 'update received');
    switch (decision.kind) {
      case 'drop':
        log.debug({ updateId: update.update_id, reason: decision.reason }, 'update dropped');
        return;
      case 'leave':
        log.warn({ chatId: decision.chatId }, 'leaving a group that is not in allowed_group_ids');
        await this.bot.sendMessage({ chatId: decision.chatId, text: this.text().groupNotAllowed }).catch(() => undefined);
        await this.bot.leaveChat(decision.chatId).catch((error: unknown) => log.warn({ err: error }, 'leaveChat failed'));
        await this.trackLeft(decision.chatId, decision.title);
        return;
      case 'queue-cancel': {
        await this.bot.answerCallbackQuery(decision.callbackId).catch(() => undefined);
        await this.options.peer.request('cancelQueued', { inboundId: decision.inboundId, chat: decision.chat }, { target: agentTarget(this.agent), timeoutMs: ACK_TIMEOUT_MS });
        return;
      }
      case 'inbound': {
        if (decision.inbound.kind === 'callback') await this.bot.answerCallbackQuery(decision.inbound.id.slice(3)).catch(() => undefined);
        if (decision.inbound.kind === 'callback' && decision.inbound.messageId !== null && isAnswerButton(decision.inbound.text)) {
          // A model's [button:…]: one press runs one turn; the message shows the choice.
          if (!this.answered.claim(decision.inbound.chat.chatId, decision.inbound.messageId)) return;
          const pressed = (update as { callback_query?: { message?: Message } }).callback_query?.message;
          await markAnswered(this.outboxFor(decision.inbound.chat), decision.inbound.messageId, pressed?.text, decision.inbound.text);
        }
        const inbound = await this.prepareInbound(decision.inbound, decision.media, update);
        if (!inbound) return;
        // A slow agent fails the batch (fetched again later); a stopped one holds it until it starts.
        const ack = await this.sendInbound(inbound);
        if (inbound.kind === 'message' && inbound.messageId !== null) this.reactions.seen({ chatId: inbound.chat.chatId, messageId: inbound.messageId });
        if (ack.queuedBehind > 0 && inbound.kind === 'message') await this.chat.queued(inbound.id, inbound.chat, inbound.messageId);
        return;
      }
    }
  }

  /** The agent started, cancelled or discarded queued messages. */
  queueUpdate(update: QueueUpdate): void {
    this.chat.queueUpdate(update);
  }

  stream(turnId: string, chat: ChatRef, replyTo: number | null, events: BusStreamEvent[]): void {
    this.chat.stream(turnId, chat, replyTo, events);
  }

  /** Sends a delivery once: a repeated delivery id returns the first sending's message ids. */
  deliver(delivery: Delivery): Promise<{ messageIds: number[]; duplicate: boolean }> {
    return this.chat.deliver(delivery);
  }

  // media intake, bot-owned commands, chat tracking, translated command menu ------------

  private text() {
    return catalogue(this.options.config().language);
  }

  /** Registers the command menu in the configured language; again only when the language changed. */
  async syncCommands(): Promise<void> {
    const language = this.options.config().language;
    if (language === this.menuLanguage || this.botId === null) return;
    try {
      await this.bot.setMyCommands(botCommands(language), this.stopper.signal);
      this.menuLanguage = language;
    } catch (error) {
      this.options.log.warn({ err: error }, 'setMyCommands failed');
    }
  }

  /** An album: its messages become one inbound (the first message's id, every file, the caption). */
  private async handleMediaGroup(updates: Update[]): Promise<void> {
    const decisions = updates.map((u) => classifyUpdate(u, this.policy()));
    const inbounds = decisions.filter((d) => d.kind === 'inbound');
    const first = inbounds[0];
    if (!first) {
      for (const update of updates) await this.handleUpdate(update);
      return;
    }
    const text = inbounds.map((d) => d.inbound.text).filter((t) => t.trim() !== '').join('\n\n');
    const merged: Update = { update_id: updates[0]!.update_id } as Update;
    const media = inbounds.flatMap((d) => d.media);
    const inbound = await this.prepareInbound({ ...first.inbound, text }, media, merged);
    if (!inbound) return;
    await this.sendInbound(inbound);
  }

  private downHold: AgentDownHold | null = null;

  private sendInbound(inbound: Inbound) {
    this.downHold ??= new AgentDownHold({
      agent: this.agent, log: this.options.log, signal: this.stopper.signal,
      tell: (chat, replyTo) => this.outboxFor(chat).send({ text: this.text().agentNotRunning(this.agent), threadId: chat.topicId ?? undefined, replyToMessageId: replyTo ?? undefined }),
    });
    return this.downHold.send(inbound.chat, inbound.messageId, () => this.options.peer.request('inbound', inbound, { target: agentTarget(this.agent), timeoutMs: ACK_TIMEOUT_MS }));
  }

  /**
   * Before an inbound goes to the agent: bot-owned commands are answered here, the chat is
   * tracked, and media is downloaded into the spool. Null: nothing more to do.
   */
  private async prepareInbound(inbound: Inbound, media: MediaRef[], update: Update): Promise<Inbound | null> {
    const message = (update as { message?: Message }).message;
    if (message && message.chat.type !== 'private') await this.trackActive(message.chat);
    const outbox = this.outboxFor(inbound.chat);
    const local = await handleLocally({
      agent: this.agent, home: this.options.home, language: this.options.config().language, bot: this.bot, outbox,
      peer: this.options.peer, activity: this.activity, browser: this.browser, log: this.options.log,
    }, inbound);
    if (local?.kind === 'handled') return null;
    if (local?.kind === 'forward') return local.inbound;
    if (media.length === 0) return inbound;
    const spool = join(mainPaths(this.options.home).runDir, 'spool', this.agent);
    const result = await downloadMedia(this.bot, media, spool, this.stopper.signal);
    if (result.ok) return { ...inbound, attachments: result.attachments };
    const text = this.text();
    const notice = result.reason === 'too-big' ? text.downloadTooBig(megabytes(result.sizeBytes), megabytes(result.limitBytes)) : text.downloadFailed;
    if (result.reason === 'failed') this.options.log.warn({ err: result.error }, 'media download failed');
    await outbox.send({ text: notice, threadId: inbound.chat.topicId ?? undefined, replyToMessageId: inbound.messageId ?? undefined }).catch(() => undefined);
    return null;
  }

  private readonly activeChats = new Set<number>();

  private async trackActive(chat: { id: number; title?: string; type: string }): Promise<void> {
    if (this.activeChats.has(chat.id)) return;
    this.activeChats.add(chat.id);
    await this.activity.record(this.agent, chat, 'active').catch((error: unknown) => this.options.log.warn({ err: error }, 'chat_activity.json not updated'));
  }

  private async trackLeft(chatId: number, title: string): Promise<void> {
    this.activeChats.delete(chatId);
    const chat = { id: chatId, title, type: 'group' };
    await this.activity.record(this.agent, chat, 'rejected')
      .then(() => this.activity.record(this.agent, chat, 'auto_left'))
      .catch((error: unknown) => this.options.log.warn({ err: error }, 'chat_activity.json not updated'));
  }

  /**
   * Leaves tracked groups and channels that are no longer allowed: at start, every 24 h
   * (`force`), and after a reload that changed an allowlist (called with the new config).
   */
  async auditGroups(force = false): Promise<void> {
    if (this.botId === null) return;
    const config = this.options.config();
    const allowlists = { allowedGroupIds: config.allowed_group_ids, allowedChannelIds: config.allowed_channel_ids };
    const key = allowlistKey(allowlists);
    if (!force && key === this.auditedKey) return;
    this.auditedKey = key;
    try {
      const left = await auditGroups({
        agent: this.agent,
        activity: this.activity,
        allowlists: () => allowlists,
        leave: async (chat) => {
          await this.bot.sendMessage({ chatId: chat.id, text: this.text().groupNotAllowed }).catch(() => undefined);
          await this.bot.leaveChat(chat.id).catch((error: unknown) => this.options.log.warn({ err: error }, 'leaveChat failed'));
          this.activeChats.delete(chat.id);
          await this.activity.record(this.agent, chat, 'auto_left');
        },
      });
      if (left.length > 0) this.options.log.warn({ chats: left }, 'left groups that are no longer allowed');
    } catch (error) {
      this.options.log.warn({ err: error }, 'group audit failed');
    }
  }

  /** First start (also right after the setup wizard) and after a reboot: tell the allowed users the bot is there. */
  private async announceOnline(sentinelSent: boolean): Promise<void> {
    const kind = await detectStartup(this.options.home, this.agent).catch((error: unknown) => {
      this.options.log.warn({ err: error }, 'startup.json not updated');
      return 'service_restart' as const;
    });
    if (sentinelSent || kind === 'service_restart') return;
    const text = kind === 'first_start' ? this.text().onlineFirst(this.agent) : this.text().onlineAfterReboot(this.agent);
    for (const userId of this.options.config().allowed_user_ids) {
      await this.outboxes.for(userId, 'private').send({ text }).catch((error: unknown) => this.options.log.warn({ err: error, userId }, 'online notice not sent'));
    }
  }

  /** Sends an operational notice to the agent's primary chat (first allowed user). */
  notifyPrimary(text: string, buttons: Button[][] = []): Promise<number> {
    return this.chat.notifyPrimary(text, buttons);
  }

  private outboxFor(chat: ChatRef): ChatOutbox {
    return this.outboxes.for(chat.chatId, chat.chatId < 0 ? 'group' : 'private');
  }
}
