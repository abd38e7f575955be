/**
 * Telegram as a ChatNetwork: one message edited as the answer streams in (StreamEditor), resumed
 * from its recorded message ids after a restart (ResumedStream), inline keyboards, an editable
 * queue indicator with a Cancel button, and status reactions on the user's message.
 */
import { encodeCallback } from '../../shared/callbacks/callback-data.js';
import type { Config } from '../../shared/config/schema.js';
import type { Logger } from '../../shared/log/logger.js';
import { catalogue } from '../../shared/i18n/index.js';
import type { Button, ChatRef, Delivery, StreamEvent } from '../../shared/rpc/conversation-schemas.js';
import type { ChatNetwork, EditOutcome, LiveTurn, OutgoingText, TurnStart } from './chat-network.js';
import { sendFiles } from './file-send.js';
import type { ChatOutbox } from './outbox.js';
import { sendFormatted } from './send-formatted.js';
import { StreamEditor } from './stream-editor.js';
import { ResumedStream } from './stream-resume.js';
import type { StreamEntry } from './stream-state.js';
import type { StatusReactions } from './status-reactions.js';
import type { TelegramBot } from './telegram-bot.js';

export type TelegramIndicator = { chatId: number; messageId: number };

export type TelegramNetworkOptions = {
  bot: TelegramBot;
  outboxFor: (chat: ChatRef) => ChatOutbox;
  reactions: StatusReactions;
  config: () => Config;
  log: Logger;
  signal: AbortSignal;
};

type Editor = Pick<StreamEditor, 'push' | 'abort' | 'done'>;

export class TelegramNetwork implements ChatNetwork<TelegramIndicator> {
  constructor(private readonly options: TelegramNetworkOptions) {}

  openTurn(start: TurnStart): LiveTurn {
    const { chat, replyTo } = start;
    const editor = new StreamEditor({
      outbox: this.options.outboxFor(chat),
      sender: this.options.bot,
      chatId: chat.chatId,
      threadId: chat.topicId ?? undefined,
      replyToMessageId: replyTo ?? undefined,
      settings: this.options.config().streaming,
      log: this.options.log,
      onMessageIds: (ids) => void start.record({ messageIds: ids }),
    });
    if (replyTo !== null) this.options.reactions.thinking({ chatId: chat.chatId, messageId: replyTo });
    return new TelegramTurn(this, editor, start);
  }

  resumeTurn(start: TurnStart, stored: StreamEntry): LiveTurn {
    const editor = new ResumedStream({
      outbox: this.options.outboxFor(start.chat),
      sender: this.options.bot,
      chatId: start.chat.chatId,
      threadId: start.chat.topicId ?? undefined,
      replyToMessageId: start.replyTo ?? undefined,
      messageIds: stored.messageIds,
      log: this.options.log,
      onMessageIds: (ids) => void start.record({ messageIds: ids }),
    });
    return new TelegramTurn(this, editor, start);
  }

  async showQueued(inboundId: string, chat: ChatRef, replyTo: number | null): Promise<TelegramIndicator | null> {
    const text = this.text();
    const messageId = await this.options.outboxFor(chat).send({
      text: `<i>${text.queuedIndicator}</i>`,
      parseMode: 'HTML',
      plainText: text.queuedIndicator,
      threadId: chat.topicId ?? undefined,
      replyToMessageId: replyTo ?? undefined,
      replyMarkup: { inline_keyboard: [[{ text: text.cancelQueuedButton, callback_data: encodeCallback('cancelQueued', inboundId) }]] },
    });
    return { chatId: chat.chatId, messageId };
  }

  settleQueued(indicator: TelegramIndicator, chat: ChatRef, outcome: 'started' | 'cancelled' | 'discarded'): void {
    const outbox = this.options.outboxFor(chat);
    if (outcome === 'started') {
      void outbox.delete(indicator.messageId).catch(() => undefined);
      return;
    }
    const text = `<i>${outcome === 'cancelled' ? this.text().queuedCancelled : this.text().queuedDiscarded}</i>`;
    void outbox.edit({ messageId: indicator.messageId, text, parseMode: 'HTML', replyMarkup: { inline_keyboard: [] } }).catch(() => undefined);
  }

  sendText(message: OutgoingText): Promise<number[]> {
    return sendFormatted(this.options.outboxFor(message.chat), {
      text: message.text,
      format: message.format,
      buttons: message.buttons,
      threadId: message.chat.topicId ?? undefined,
      replyToMessageId: message.replyTo ?? undefined,
    });
  }

  async editText(edit: { chat: ChatRef; messageId: number; text: string; buttons: Button[][] }): Promise<EditOutcome> {
    // Without a keyboard in the edit, Telegram removes the message's buttons: the choice is made.
    const keyboard = edit.buttons.length > 0 ? { inline_keyboard: edit.buttons.map((row) => row.map((b) => ({ text: b.label, callback_data: b.data }))) } : undefined;
    const outcome = await this.options.outboxFor(edit.chat).edit({ messageId: edit.messageId, text: edit.text, ...(keyboard ? { replyMarkup: keyboard } : {}) });
    return outcome === 'gone' ? 'gone' : 'edited';
  }

  sendFiles(target: { chat: ChatRef; replyTo: number | null; files: readonly string[] }): Promise<number[]> {
    const { chat } = target;
    const to = { chatId: chat.chatId, threadId: chat.topicId ?? undefined, replyToMessageId: target.replyTo ?? undefined, language: this.options.config().language };
    return sendFiles(this.options.bot, this.options.outboxFor(chat), to, target.files, this.options.log, this.options.signal);
  }

  primaryChat(): ChatRef | null {
    const userId = this.options.config().allowed_user_ids[0];
    return userId === undefined ? null : { transport: 'tg', chatId: userId, topicId: null };
  }

  /** Status reactions on the user's message while the turn runs. */
  reactTo(chat: ChatRef, replyTo: number, event: StreamEvent): void {
    const target = { chatId: chat.chatId, messageId: replyTo };
    if (event.kind === 'tool') this.options.reactions.tool(target, event.name);
    else if (event.kind === 'thinking') this.options.reactions.thinking(target);
    else if (event.kind === 'status') this.options.reactions.system(target);
  }

  finished(chat: ChatRef, replyTo: number, kind: Exclude<Delivery['kind'], 'notice'>): void {
    this.options.reactions.finished({ chatId: chat.chatId, messageId: replyTo }, kind);
  }

  private text() {
    return catalogue(this.options.config().language);
  }
}

/** A turn's live message(s): streamed by this run, or resumed from what an earlier run recorded. */
class TelegramTurn implements LiveTurn {
  readonly chat: ChatRef;
  readonly replyTo: number | null;

  constructor(private readonly network: TelegramNetwork, private readonly editor: Editor, start: TurnStart) {
    this.chat = start.chat;
    this.replyTo = start.replyTo;
  }

  push(events: readonly StreamEvent[]): void {
    for (const event of events) {
      if (this.replyTo !== null) this.network.reactTo(this.chat, this.replyTo, event);
      if (event.kind === 'text') this.editor.push({ type: 'text', delta: event.text });
      else if (event.kind === 'tool') this.editor.push({ type: 'tool', name: event.name });
      else if (event.kind === 'thinking') this.editor.push({ type: 'thinking' });
      else this.editor.push({ type: 'status', label: event.text });
    }
  }

  async finish(message: OutgoingText): Promise<number[]> {
    // An answer with buttons is a message of its own: the keyboard belongs under the whole answer.
    if (message.buttons.length > 0) {
      await this.abort();
      return this.network.sendText(message);
    }
    this.editor.push({ type: 'final', text: message.text });
    return (await this.editor.done()).answerMessageIds;
  }

  async abort(): Promise<void> {
    this.editor.abort();
    await this.editor.done().catch(() => undefined);
  }

  ended(kind: Delivery['kind']): void {
    if (this.replyTo !== null && kind !== 'notice') this.network.finished(this.chat, this.replyTo, kind);
  }
}
