/**
 * One Telegram bot (one agent's token): polling with the offset advanced only after the agent
 * journaled each message, the queue indicators, one live stream editor per running turn, and
 * confirmed, deduplicated delivery of final answers.
 */
import { encodeCallback } from '../../shared/callbacks/callback-data.js';
import { setTimeout as sleep } from 'node:timers/promises';
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
import { sendFiles } from './file-send.js';
import { downloadMedia, megabytes } from './media-intake.js';
import { groupMediaUpdates, type MediaRef } from './media-refs.js';
import { FileBrowser } from './showfiles.js';
import { consumeRestartSentinel, consumeUpgradeSentinelAndReport, handleLocally } from './transport-commands.js';
import type { DeliveryLog } from './delivery-log.js';
import { classifyUpdate, type AccessPolicy } from './ingress.js';
import { AgentDownHold } from './agent-down-hold.js';
import { Outboxes, type ChatOutbox } from './outbox.js';
import { UpdatePoller } from './polling.js';
import { sendFormatted } from './send-formatted.js';
import { StreamEditor } from './stream-editor.js';
import { ResumedStream } from './stream-resume.js';
import type { StreamStates } from './stream-state.js';
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

/** A "queued" notice; `messageId` null while it is being sent, `outcome` what happened meanwhile. */
type QueuedNotice = { chatId: number; messageId: number | null; outcome: 'started' | 'cancelled' | 'discarded' | null };

/** A turn's live messages: streamed by this run, or resumed from what an earlier run recorded. */
type Turn = { editor: Pick<StreamEditor, 'push' | 'abort' | 'done'>; chat: ChatRef; replyTo: number | null };

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
  private readonly turns = new Map<string, Turn>();
  private readonly indicators = new Map<string, QueuedNotice>();
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
    for (const turn of this.turns.values()) turn.editor.abort();
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
  private async withRetry<T>(call: () => Promise<T>, what: string): Promise<T | null> {
    let delayMs = 1_000;
    while (!this.stopper.signal.aborted) {
      try {
        return await call();
      } catch (error) {
        const code = (error as { errorCode?: number }).errorCode;
        if (code === 401 || code === 404) {
          this.options.log.error({ agent: this.agent }, `Telegram rejected the bot token of agent "${this.agent}" (${what}). Check telegram_token and run \`ductor restart\`.`);
          return null;
        }
        this.options.log.warn({ err: error, delayMs }, `${what} failed; retrying`);
        await sleep(delayMs, undefined, { signal: this.stopper.signal }).catch(() => undefined);
        delayMs = Math.min(delayMs * 2, 30_000);
      }
    }
    return null;
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
        if (ack.queuedBehind > 0 && inbound.kind === 'message') await this.showQueued(inbound.id, inbound.chat, inbound.messageId);
        return;
      }
    }
  }

  private async showQueued(inboundId: string, chat: ChatRef, replyTo: number | null): Promise<void> {
    // Entered before the send: the agent may start or drop the message before Telegram answers.
    const notice: QueuedNotice = { chatId: chat.chatId, messageId: null, outcome: null };
    this.indicators.set(inboundId, notice);
    const messageId = await this.outboxFor(chat).send({
      text: `<i>${this.text().queuedIndicator}</i>`,
      parseMode: 'HTML',
      plainText: this.text().queuedIndicator,
      threadId: chat.topicId ?? undefined,
      replyToMessageId: replyTo ?? undefined,
      replyMarkup: { inline_keyboard: [[{ text: this.text().cancelQueuedButton, callback_data: encodeCallback('cancelQueued', inboundId) }]] },
    }).catch((error: unknown) => {
      this.options.log.warn({ err: error }, 'could not show the queue indicator');
      return null;
    });
    if (notice.outcome !== null) {
      if (messageId !== null) this.settleQueued(chat, messageId, notice.outcome);
    } else if (messageId === null) this.indicators.delete(inboundId);
    else notice.messageId = messageId;
  }

  private settleQueued(chat: ChatRef, messageId: number, outcome: 'started' | 'cancelled' | 'discarded'): void {
    const outbox = this.outboxFor(chat);
    if (outcome === 'started') void outbox.delete(messageId).catch(() => undefined);
    else {
      const text = `<i>${outcome === 'cancelled' ? this.text().queuedCancelled : this.text().queuedDiscarded}</i>`;
      void outbox.edit({ messageId, text, parseMode: 'HTML', replyMarkup: { inline_keyboard: [] } }).catch(() => undefined);
    }
  }

  /** The agent started, cancelled or discarded queued messages. */
  queueUpdate(chat: ChatRef, inboundIds: string[], outcome: 'started' | 'cancelled' | 'discarded', turnId: string | null, replyTo: number | null): void {
    for (const id of inboundIds) {
      const indicator = this.indicators.get(id);
      if (!indicator) continue;
      this.indicators.delete(id);
      // Still on its way to Telegram: showQueued settles it once its message id is known.
      if (indicator.messageId === null) indicator.outcome = outcome;
      else this.settleQueued(chat, indicator.messageId, outcome);
    }
    if (outcome === 'started' && turnId) this.turnFor(turnId, chat, replyTo);
  }

  stream(turnId: string, chat: ChatRef, replyTo: number | null, events: BusStreamEvent[]): void {
    const { editor } = this.turnFor(turnId, chat, replyTo);
    const target = replyTo === null ? null : { chatId: chat.chatId, messageId: replyTo };
    for (const event of events) {
      if (target && event.kind === 'tool') this.reactions.tool(target, event.name);
      else if (target && event.kind === 'thinking') this.reactions.thinking(target);
      else if (target && event.kind === 'status') this.reactions.system(target);
      if (event.kind === 'text') editor.push({ type: 'text', delta: event.text });
      else if (event.kind === 'tool') editor.push({ type: 'tool', name: event.name });
      else if (event.kind === 'thinking') editor.push({ type: 'thinking' });
      else editor.push({ type: 'status', label: event.text });
    }
  }

  /** Sends a delivery once: a repeated delivery id returns the first sending's message ids. */
  async deliver(delivery: Delivery): Promise<{ messageIds: number[]; duplicate: boolean }> {
    try {
      return await this.deliverOnce(delivery);
    } finally {
      // Also when the sending failed: the agent's retry finds the stream again through
      // streams.json (as a restarted transport does), not a finished editor that fails again.
      if (delivery.turnId) this.turns.delete(delivery.turnId);
    }
  }

  private async deliverOnce(delivery: Delivery): Promise<{ messageIds: number[]; duplicate: boolean }> {
    const previous = this.options.deliveries.get(this.agent, delivery.deliveryId);
    if (previous) return { messageIds: previous, duplicate: true };
    const turn = delivery.turnId ? (this.turns.get(delivery.turnId) ?? this.resumedTurn(delivery.turnId, delivery.chat, delivery.replyTo)) : undefined;
    let messageIds: number[];
    const replaced = delivery.replaces ? this.options.deliveries.get(this.agent, delivery.replaces)?.[0] : delivery.editsMessage;
    const keyboard = delivery.buttons.length > 0 ? { inline_keyboard: delivery.buttons.map((row) => row.map((b) => ({ text: b.label, callback_data: b.data }))) } : undefined;
    if (replaced !== undefined && (await this.outboxFor(delivery.chat).edit({ messageId: replaced, text: delivery.text, ...(keyboard ? { replyMarkup: keyboard } : {}) })) !== 'gone') {
      // An approval's answer, a selector's next step: shown in that message itself.
      messageIds = [replaced];
    } else if (delivery.text.trim() === '' && delivery.files.length > 0) {
      // A file-only delivery (a /showfiles download, an answer that is just a file): no text.
      if (turn) {
        turn.editor.abort();
        await turn.editor.done().catch(() => undefined);
      }
      messageIds = [];
    } else if (turn && delivery.kind === 'answer' && delivery.buttons.length === 0) {
      turn.editor.push({ type: 'final', text: delivery.text });
      messageIds = (await turn.editor.done()).answerMessageIds;
    } else {
      if (turn) {
        turn.editor.abort();
        await turn.editor.done().catch(() => undefined);
      }
      messageIds = await sendFormatted(this.outboxFor(delivery.chat), {
        text: delivery.text,
        format: delivery.format,
        buttons: delivery.buttons,
        threadId: delivery.chat.topicId ?? undefined,
        replyToMessageId: delivery.replyTo ?? undefined,
      });
    }
    if (delivery.turnId) this.turns.delete(delivery.turnId);
    if (turn && turn.replyTo !== null && delivery.kind !== 'notice') this.reactions.finished({ chatId: turn.chat.chatId, messageId: turn.replyTo }, delivery.kind);
    if (delivery.files.length > 0) {
      const target = { chatId: delivery.chat.chatId, threadId: delivery.chat.topicId ?? undefined, replyToMessageId: delivery.replyTo ?? undefined, language: this.options.config().language };
      messageIds.push(...(await sendFiles(this.bot, this.outboxFor(delivery.chat), target, delivery.files, this.options.log, this.stopper.signal)));
    }
    await this.options.deliveries.record(this.agent, delivery.deliveryId, messageIds);
    // Only now: a crash before the record redelivers, and the redelivery must find the stream again.
    if (delivery.turnId) await this.options.streams.remove(this.agent, delivery.turnId).catch((error: unknown) => this.options.log.warn({ err: error }, 'streams.json not updated'));
    return { messageIds, duplicate: false };
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
  async notifyPrimary(text: string, buttons: Button[][] = []): Promise<number> {
    const userId = this.options.config().allowed_user_ids[0];
    if (userId === undefined) return 0;
    await sendFormatted(this.outboxes.for(userId, 'private'), { text, format: 'plain', buttons });
    return 1;
  }

  private turnFor(turnId: string, chat: ChatRef, replyTo: number | null): Turn {
    let turn = this.turns.get(turnId) ?? this.resumedTurn(turnId, chat, replyTo);
    if (!turn) {
      const streaming = this.options.config().streaming;
      const editor = new StreamEditor({
        outbox: this.outboxFor(chat),
        sender: this.bot,
        chatId: chat.chatId,
        threadId: chat.topicId ?? undefined,
        replyToMessageId: replyTo ?? undefined,
        settings: streaming,
        log: this.options.log,
        onMessageIds: (ids) => this.recordStream(turnId, chat, ids),
      });
      turn = { editor, chat, replyTo };
      this.turns.set(turnId, turn);
      if (replyTo !== null) this.reactions.thinking({ chatId: chat.chatId, messageId: replyTo });
    }
    return turn;
  }

  /** A turn an earlier run of the transport streamed: its recorded messages become the answer's. */
  private resumedTurn(turnId: string, chat: ChatRef, replyTo: number | null): Turn | undefined {
    const stored = this.options.streams.get(this.agent, turnId);
    if (!stored || stored.chatId !== chat.chatId) return undefined;
    this.options.log.info({ turn: turnId.slice(0, 8), messages: stored.messageIds.length }, 'resuming a turn streamed before a restart');
    const editor = new ResumedStream({
      outbox: this.outboxFor(chat),
      sender: this.bot,
      chatId: chat.chatId,
      threadId: chat.topicId ?? undefined,
      replyToMessageId: replyTo ?? undefined,
      messageIds: stored.messageIds,
      log: this.options.log,
      onMessageIds: (ids) => this.recordStream(turnId, chat, ids),
    });
    const turn = { editor, chat, replyTo };
    this.turns.set(turnId, turn);
    return turn;
  }

  private recordStream(turnId: string, chat: ChatRef, messageIds: number[]): void {
    this.options.streams.set(this.agent, turnId, chat.chatId, messageIds)
      .catch((error: unknown) => this.options.log.warn({ err: error }, 'streams.json not updated'));
  }

  private outboxFor(chat: ChatRef): ChatOutbox {
    return this.outboxes.for(chat.chatId, chat.chatId < 0 ? 'group' : 'private');
  }
}
