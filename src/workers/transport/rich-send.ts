// Sends one complete reply: buttons extracted, Markdown to HTML, split at 4096, plain-text fallback per chunk.
import { htmlToPlainText } from './markdown-to-html.js';
import type { ChatOutbox } from './outbox.js';
import { renderInPool } from './render/render-pool.js';
import { TELEGRAM_TEXT_LIMIT } from './telegram-bot.js';

export interface RichSendOptions {
  outbox: ChatOutbox;
  /** The reply as the CLI wrote it (Markdown, maybe with `[button:…]` markers). */
  markdown: string;
  threadId?: number;
  /** The first chunk replies to this message (the user's). */
  replyToMessageId?: number;
  maxLength?: number;
}

/**
 * Queues every chunk at once (the outbox keeps their order and pacing) and resolves with their
 * message ids once Telegram has all of them. The keyboard goes on the last chunk.
 */
export async function sendRichText(options: RichSendOptions): Promise<number[]> {
  const { chunks, keyboard } = await renderInPool({ markdown: options.markdown, maxLength: options.maxLength ?? TELEGRAM_TEXT_LIMIT });
  if (chunks.length === 0 && keyboard) chunks.push('…');
  const sends = chunks.map((chunk, index) =>
    options.outbox.send({
      text: chunk,
      parseMode: 'HTML',
      plainText: htmlToPlainText(chunk),
      threadId: options.threadId,
      replyToMessageId: index === 0 ? options.replyToMessageId : undefined,
      replyMarkup: index === chunks.length - 1 ? keyboard : undefined,
    }),
  );
  return Promise.all(sends);
}
