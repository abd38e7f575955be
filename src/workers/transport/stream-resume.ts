/**
 * A turn whose live messages were sent by an earlier run of the transport (it was restarted in the
 * middle of the turn). What those messages show is not known here and the stream events sent while
 * the transport was down are lost, so nothing is edited live: the user keeps seeing what was
 * streamed until the final answer, which then replaces the text of those same messages (one more
 * message for each part beyond them, surplus ones deleted). The answer is never posted beside them.
 */
import type { ChatOutbox } from './outbox.js';
import { renderInPool } from './render/render-pool.js';
import { sendRichText } from './rich-send.js';
import type { StreamEvent, TurnOutcome } from './stream-editor.js';
import { htmlToPlainText } from './markdown-to-html.js';
import { TELEGRAM_TEXT_LIMIT, type ChatId, type TelegramSender, type TransportLog } from './telegram-bot.js';

/** Telegram shows "typing…" for about 5 s; renew a little before it fades. */
const TYPING_INTERVAL_MS = 4_000;

export interface ResumedStreamOptions {
  outbox: ChatOutbox;
  sender: Pick<TelegramSender, 'sendChatAction'>;
  chatId: ChatId;
  threadId?: number;
  replyToMessageId?: number;
  /** The turn's live messages, in order, as the earlier run recorded them. */
  messageIds: number[];
  log?: TransportLog;
  onMessageIds?: (ids: number[]) => void;
}

export class ResumedStream {
  readonly #o: ResumedStreamOptions;
  readonly #done: Promise<TurnOutcome>;
  #settle!: { resolve: (outcome: TurnOutcome) => void; reject: (error: unknown) => void };
  #finished = false;
  #lastTypingAt = 0;

  constructor(options: ResumedStreamOptions) {
    this.#o = options;
    this.#done = new Promise<TurnOutcome>((resolve, reject) => (this.#settle = { resolve, reject }));
    this.#done.catch(() => undefined);
  }

  done(): Promise<TurnOutcome> {
    return this.#done;
  }

  push(event: StreamEvent): void {
    if (this.#finished) return;
    if (event.type === 'final') {
      this.#finish(() => this.#deliverFinal(event.text));
      return;
    }
    if (event.type === 'error') {
      this.#finish(async () => {
        const id = await this.#o.outbox.send({ text: `⚠️ ${event.message}`, threadId: this.#o.threadId, replyToMessageId: this.#o.replyToMessageId });
        return { answerMessageIds: [id], deletedMessageIds: [], answered: true };
      });
      return;
    }
    this.#typing();
  }

  /** The turn ended without an answer: what the earlier run showed stays as it is. */
  abort(): void {
    this.#finish(async () => ({ answerMessageIds: [], deletedMessageIds: [], answered: false }));
  }

  #typing(): void {
    const now = Date.now();
    if (now - this.#lastTypingAt < TYPING_INTERVAL_MS) return;
    this.#lastTypingAt = now;
    this.#o.sender.sendChatAction(this.#o.chatId, 'typing', this.#o.threadId).catch((error: unknown) => {
      this.#o.log?.debug({ chatId: this.#o.chatId, err: String(error) }, 'typing indicator failed');
    });
  }

  #finish(work: () => Promise<TurnOutcome>): void {
    if (this.#finished) return;
    this.#finished = true;
    work().then(this.#settle.resolve, this.#settle.reject);
  }

  async #deliverFinal(markdown: string): Promise<TurnOutcome> {
    const { chunks, keyboard } = await renderInPool({ markdown, maxLength: TELEGRAM_TEXT_LIMIT });
    if (chunks.length === 0) chunks.push('…');
    const known = this.#o.messageIds;
    const ids: number[] = [];
    for (const [index, chunk] of chunks.entries()) {
      const request = { text: chunk, parseMode: 'HTML' as const, plainText: htmlToPlainText(chunk), replyMarkup: index === chunks.length - 1 ? keyboard : undefined };
      const messageId = known[index];
      if (messageId === undefined) {
        ids.push(await this.#o.outbox.send({ ...request, threadId: this.#o.threadId }));
        this.#o.onMessageIds?.([...ids]);
        continue;
      }
      const status = await this.#o.outbox.edit({ ...request, messageId });
      if (status === 'gone') return this.#sendAfresh(markdown, known);
      ids.push(messageId);
    }
    const surplus = known.slice(chunks.length);
    for (const id of surplus) await this.#o.outbox.delete(id).catch(() => false);
    return { answerMessageIds: ids, deletedMessageIds: surplus, answered: true };
  }

  /** A message of the stream was deleted by the user: the whole answer goes out anew, the rest of the stream goes. */
  async #sendAfresh(markdown: string, known: number[]): Promise<TurnOutcome> {
    for (const id of known) await this.#o.outbox.delete(id).catch(() => false);
    const ids = await sendRichText({ outbox: this.#o.outbox, markdown, threadId: this.#o.threadId, replyToMessageId: this.#o.replyToMessageId });
    return { answerMessageIds: ids, deletedMessageIds: known, answered: true };
  }
}
