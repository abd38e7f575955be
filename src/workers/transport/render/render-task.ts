/**
 * The tinypool task that turns a whole reply into Telegram-ready chunks: buttons extracted,
 * Markdown → HTML, split at the message limit. Plain data in, plain data out.
 */
import { extractButtons, type InlineKeyboard } from '../button-markers.js';
import { markdownToTelegramHtml } from '../markdown-to-html.js';
import { splitTelegramHtml } from '../split-message.js';

export type RenderInput = { markdown: string; maxLength: number };
export type RenderOutput = { chunks: string[]; keyboard: InlineKeyboard | undefined };

export function renderReply({ markdown, maxLength }: RenderInput): RenderOutput {
  const { text, keyboard } = extractButtons(markdown);
  return { chunks: splitTelegramHtml(markdownToTelegramHtml(text), maxLength), keyboard };
}

export default renderReply;
