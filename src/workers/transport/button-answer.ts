/**
 * A `[button:…]` choice is answered once. The first press edits the message: the keyboard goes
 * and `[USER ANSWER] <label>` is appended, so the chat shows what was chosen; a second press (a
 * double tap, or a press on an old message) finds the message claimed and runs nothing.
 * Buttons of our own keyboards (`/model`, `/cron`, `/showfiles`, approvals, …) keep theirs.
 */
import { decodeCallback } from '../../shared/callbacks/callback-data.js';
import type { ChatOutbox } from './outbox.js';

/** Telegram's text limit, with room for the appended answer line. */
const MAX_EDIT_TEXT = 4096;

/** A model's `[button:…]`; the buttons of our own keyboards (commands, approvals, retry, …) are not. */
export function isAnswerButton(data: string): boolean {
  return decodeCallback(data).kind === 'answerButton';
}

export class AnsweredButtons {
  private readonly claimed = new Set<string>();

  /** True for the first press on this message; false for every later one. */
  claim(chatId: number, messageId: number): boolean {
    const key = `${chatId}:${messageId}`;
    if (this.claimed.has(key)) return false;
    this.claimed.add(key);
    // Old claims are dropped so the set stays small; a press days later is rare and harmless.
    if (this.claimed.size > 5_000) this.claimed.delete(this.claimed.values().next().value!);
    return true;
  }
}

/** Edits the pressed message to show the answer without a keyboard; only drops the keyboard when the text cannot take it. */
export async function markAnswered(outbox: ChatOutbox, messageId: number, shownText: string | undefined, label: string): Promise<void> {
  const text = `${shownText ?? ''}\n\n[USER ANSWER] ${label}`.trim();
  if (shownText !== undefined && text.length <= MAX_EDIT_TEXT) {
    const status = await outbox.edit({ messageId, text, replyMarkup: { inline_keyboard: [] } }).catch(() => 'failed' as const);
    if (status !== 'failed') return;
  }
  await outbox.edit({ messageId, text: shownText ?? label, replyMarkup: { inline_keyboard: [] } }).catch(() => undefined);
}
