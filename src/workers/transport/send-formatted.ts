/** Sends a delivery's text as one or more messages: Markdown (→ HTML, plain fallback) or plain, with explicit buttons. */
import type { Button } from '../../shared/rpc/conversation-schemas.js';
import { htmlToPlainText, markdownToTelegramHtml } from './markdown-to-html.js';
import type { ChatOutbox } from './outbox.js';
import { sendRichText } from './rich-send.js';
import { splitPlainText, splitTelegramHtml } from './split-message.js';
import type { InlineKeyboardMarkup } from './telegram-bot.js';

export type FormattedMessage = {
  text: string;
  format: 'markdown' | 'plain';
  buttons: Button[][];
  threadId?: number;
  replyToMessageId?: number;
};

export function keyboardOf(buttons: Button[][]): InlineKeyboardMarkup | undefined {
  const rows = buttons.filter((row) => row.length > 0).map((row) => row.map((b) => (b.url ? { text: b.label, url: b.url } : { text: b.label, callback_data: b.data })));
  return rows.length > 0 ? { inline_keyboard: rows } : undefined;
}

/** Resolves with Telegram's message ids once every part is sent. */
export async function sendFormatted(outbox: ChatOutbox, message: FormattedMessage): Promise<number[]> {
  const keyboard = keyboardOf(message.buttons);
  if (message.format === 'markdown' && !keyboard) {
    return sendRichText({ outbox, markdown: message.text, threadId: message.threadId, replyToMessageId: message.replyToMessageId });
  }
  const chunks = message.format === 'markdown'
    ? splitTelegramHtml(markdownToTelegramHtml(message.text)).map((html) => ({ text: html, parseMode: 'HTML' as const, plainText: htmlToPlainText(html) }))
    : splitPlainText(message.text).map((text) => ({ text }));
  if (chunks.length === 0) chunks.push({ text: '…' });
  return Promise.all(
    chunks.map((chunk, index) =>
      outbox.send({
        ...chunk,
        threadId: message.threadId,
        replyToMessageId: index === 0 ? message.replyToMessageId : undefined,
        replyMarkup: index === chunks.length - 1 ? keyboard : undefined,
      }),
    ),
  );
}
