/**
 * The messages the API has shown, by the number it gave them: which session saw each, and what
 * its buttons do. A client presses a button by message number and button id; the callback data
 * never leaves the server, so a client can press only what its own session was shown. A model's
 * `[button:…]` choice is answered once (the first press claims the message); the buttons of our
 * own keyboards (approvals, selectors, …) stay pressable after their message changed, so a late
 * press reaches the agent and is told the request expired instead of meeting silence.
 */
import { decodeCallback } from '../../../shared/callbacks/callback-data.js';
import type { Button } from '../../../shared/rpc/conversation-schemas.js';

/** A button as the client sees it: pressable by `id`, or a link that opens `url`. */
export type ApiButton = { id: string; label: string } | { label: string; url: string };

export type PressOutcome =
  | { kind: 'unknown' }
  | { kind: 'answered' }
  /** `answer`: the label of a model's choice, whose message now shows it (`text`). */
  | { kind: 'press'; data: string; answer: { label: string; text: string } | null };

type Shown = {
  session: string;
  /** Kept only while the message has buttons: an answer is appended to it. */
  text: string;
  labels: Map<string, string>;
  data: Map<string, string>;
  nextButton: number;
  answered: boolean;
};

/** Messages remembered; a press on an older one is refused as unknown. */
const REMEMBERED_MESSAGES = 1_000;

export class ShownMessages {
  private readonly messages = new Map<number, Shown>();
  private readonly byDelivery = new Map<string, number>();
  /** Seeded from the clock so numbers of a restarted server do not repeat ones clients still hold. */
  private nextMessage = Date.now();

  /** A new message of `session`: its number and its buttons as the client sees them. */
  show(session: string, deliveryId: string, text: string, buttons: Button[][]): { messageId: number; buttons: ApiButton[][] } {
    const messageId = this.nextMessage++;
    const shown: Shown = { session, text: '', labels: new Map(), data: new Map(), nextButton: 0, answered: false };
    this.messages.set(messageId, shown);
    this.byDelivery.set(deliveryId, messageId);
    while (this.messages.size > REMEMBERED_MESSAGES) this.messages.delete(this.messages.keys().next().value!);
    while (this.byDelivery.size > REMEMBERED_MESSAGES) this.byDelivery.delete(this.byDelivery.keys().next().value!);
    return { messageId, buttons: this.assign(shown, text, buttons) };
  }

  /** The message a delivery was shown as, when it is still remembered and belongs to `session`. */
  messageOf(session: string, ref: { deliveryId?: string; messageId?: number }): number | undefined {
    const messageId = ref.deliveryId !== undefined ? this.byDelivery.get(ref.deliveryId) : ref.messageId;
    return messageId !== undefined && this.messages.get(messageId)?.session === session ? messageId : undefined;
  }

  /**
   * New text and buttons for a shown message; its earlier buttons keep their ids and meaning.
   * `deliveryId`: the delivery shown this way, so a later one can replace it in turn.
   */
  update(messageId: number, text: string, buttons: Button[][], deliveryId?: string): ApiButton[][] {
    const shown = this.messages.get(messageId);
    if (!shown) return [];
    if (deliveryId !== undefined) this.byDelivery.set(deliveryId, messageId);
    return this.assign(shown, text, buttons);
  }

  /** What pressing `buttonId` of `messageId` means for a client of `session`. */
  press(session: string, messageId: number, buttonId: string): PressOutcome {
    const shown = this.messages.get(messageId);
    const data = shown?.session === session ? shown.data.get(buttonId) : undefined;
    if (!shown || data === undefined) return { kind: 'unknown' };
    if (decodeCallback(data).kind !== 'answerButton') return { kind: 'press', data, answer: null };
    if (shown.answered) return { kind: 'answered' };
    shown.answered = true;
    const label = shown.labels.get(buttonId)!;
    const text = `${shown.text}\n\n[USER ANSWER] ${label}`.trim();
    return { kind: 'press', data, answer: { label, text } };
  }

  /** Undoes a claim whose press did not reach the agent, so the choice can be pressed again. */
  release(messageId: number): void {
    const shown = this.messages.get(messageId);
    if (shown) shown.answered = false;
  }

  private assign(shown: Shown, text: string, buttons: Button[][]): ApiButton[][] {
    shown.text = buttons.length > 0 ? text : '';
    return buttons
      .filter((row) => row.length > 0)
      .map((row) => row.map((button): ApiButton => {
        if (button.url) return { label: button.label, url: button.url };
        const id = String(shown.nextButton++);
        shown.data.set(id, button.data);
        shown.labels.set(id, button.label);
        return { id, label: button.label };
      }));
  }
}
