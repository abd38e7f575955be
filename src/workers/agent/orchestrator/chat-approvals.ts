/**
 * Tool approvals in the chat: a claude `approval_request` becomes a message with Allow once /
 * Allow for this session / Deny (buttons; a typed "allow", "allow session" or "deny" answers too,
 * for transports without buttons). The chosen answer, or the expiry, replaces the message's text.
 * An answer after the request ended says it expired.
 */
import { encodeCallback } from '../../../shared/callbacks/callback-data.js';
import type { ApprovalDecision, NormalizedEvent } from '../providers/events.js';
import { noticeDelivery, type ChatRef, type Delivery } from '../../../shared/rpc/conversation-schemas.js';
import { texts } from './texts.js';

/** Answers a pending request of a running turn; false when it is unknown or already answered. */
export type AnswerApproval = (requestId: string, decision: ApprovalDecision) => boolean;

export type ChatApprovalsDeps = {
  send: (delivery: Delivery) => Promise<unknown>;
  answer: AnswerApproval;
  /** The configured expiry (approval_timeout_seconds), told to the user. */
  timeoutMs: () => number;
};

type Entry = {
  requestId: string;
  key: string;
  chat: ChatRef;
  toolName: string;
  summary: string;
  deliveryId: string;
  state: 'pending' | 'answered' | 'expired';
};

/** Answered or expired requests remembered for a late answer ("expired"). */
const REMEMBERED = 200;
const DECISION_CODES: Record<string, ApprovalDecision> = { a: 'allow', s: 'allow_session', d: 'deny' };
const TYPED: Array<[RegExp, ApprovalDecision]> = [
  [/^(allow|yes|approve)\s+(for\s+this\s+)?session$|^always$/i, 'allow_session'],
  [/^(allow|yes|approve)(\s+once)?$/i, 'allow'],
  [/^(deny|no|reject)$/i, 'deny'],
];

export class ChatApprovals {
  private readonly entries = new Map<string, Entry>();
  private counter = 0;

  constructor(private readonly deps: ChatApprovalsDeps) {}

  /** A running turn asks: post the question with its buttons. */
  request(chat: ChatRef, replyTo: number | null, event: Extract<NormalizedEvent, { type: 'approval_request' }>): Promise<unknown> {
    const key = (++this.counter).toString(36) + Date.now().toString(36).slice(-4);
    const entry: Entry = { requestId: event.requestId, key, chat, toolName: event.toolName, summary: event.summary, deliveryId: `approval:${event.requestId}`, state: 'pending' };
    this.remember(entry);
    const data = (code: string) => encodeCallback('approval', `${key}:${code}`);
    return this.deps.send(
      noticeDelivery({
        deliveryId: entry.deliveryId,
        chat,
        replyTo,
        text: texts.approvalAsk(event.toolName, event.summary, durationLabel(this.deps.timeoutMs())),
        buttons: [[{ label: texts.approvalAllowOnce, data: data('a') }, { label: texts.approvalAllowSession, data: data('s') }], [{ label: texts.approvalDeny, data: data('d') }]],
      }),
    );
  }

  /** The request ended; one that timed out shows so in its message. */
  resolved(event: Extract<NormalizedEvent, { type: 'approval_resolved' }>): Promise<unknown> {
    const entry = [...this.entries.values()].find((e) => e.requestId === event.requestId);
    if (entry === undefined || entry.state !== 'pending' || !event.byTimeout) return Promise.resolve();
    entry.state = 'expired';
    return this.replace(entry, texts.approvalTimedOut(entry.toolName, entry.summary));
  }

  /** An approval button's payload (`<key>:<a|s|d>`) → the answer it gives; null when malformed. */
  static parseCallback(payload: string): { key: string; decision: ApprovalDecision } | null {
    const match = /^([a-z0-9]+):([asd])$/.exec(payload);
    const decision = match ? DECISION_CODES[match[2]!] : undefined;
    return match && decision ? { key: match[1]!, decision } : null;
  }

  /** A typed answer ("allow", "allow session", "deny") while this chat has a request open. */
  typedAnswer(chat: ChatRef, text: string): ApprovalDecision | null {
    if (this.pendingIn(chat) === undefined) return null;
    const trimmed = text.trim();
    return TYPED.find(([pattern]) => pattern.test(trimmed))?.[1] ?? null;
  }

  /**
   * Answers the request `key` (a button), or the chat's oldest open one (a typed answer). Returns
   * the reply to send, or null when the approval message itself shows the choice.
   */
  async answer(chat: ChatRef, key: string | null, decision: ApprovalDecision): Promise<string | null> {
    const entry = key === null ? this.pendingIn(chat) : this.entries.get(key);
    if (entry === undefined || entry.chat.chatId !== chat.chatId || entry.chat.topicId !== chat.topicId || entry.state !== 'pending') return texts.approvalExpired;
    if (!this.deps.answer(entry.requestId, decision)) {
      entry.state = 'expired';
      return texts.approvalExpired;
    }
    entry.state = 'answered';
    const label = decision === 'allow' ? texts.approvalAllowOnce : decision === 'allow_session' ? texts.approvalAllowSession : texts.approvalDeny;
    await this.replace(entry, texts.approvalChosen(entry.toolName, entry.summary, label));
    return null;
  }

  private pendingIn(chat: ChatRef): Entry | undefined {
    return [...this.entries.values()].find((e) => e.state === 'pending' && e.chat.chatId === chat.chatId && e.chat.topicId === chat.topicId && e.chat.transport === chat.transport);
  }

  private replace(entry: Entry, text: string): Promise<unknown> {
    return this.deps.send({ ...noticeDelivery({ deliveryId: `${entry.deliveryId}:${entry.state}`, chat: entry.chat, text }), replaces: entry.deliveryId });
  }

  private remember(entry: Entry): void {
    this.entries.set(entry.key, entry);
    if (this.entries.size <= REMEMBERED) return;
    const oldest = [...this.entries.values()].find((e) => e.state !== 'pending');
    if (oldest) this.entries.delete(oldest.key);
  }
}

function durationLabel(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}
