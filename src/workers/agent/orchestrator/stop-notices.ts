/**
 * Who answers for a stopped turn. `/stop` (or a stop word) is answered under the command, not
 * under the turn's message; `/new` during a turn is answered once, by the stopped turn's final
 * message carrying the "new session" text, instead of "Stopped" plus a second message.
 */
import type { ChatRef } from '../../../shared/rpc/conversation-schemas.js';

export type StopNotice = { replyTo: number | null; text: string | null };

export class StopNotices {
  private readonly pending = new Map<string, StopNotice>();

  /** Called just before the chat's running turn is aborted. */
  set(chat: ChatRef, notice: StopNotice): void {
    this.pending.set(keyOf(chat), notice);
  }

  /** The aborted turn takes its notice (once); undefined when it was stopped another way. */
  take(chat: ChatRef): StopNotice | undefined {
    const notice = this.pending.get(keyOf(chat));
    this.pending.delete(keyOf(chat));
    return notice;
  }

  /** Nothing was running after all: forget the notice. */
  clear(chat: ChatRef): void {
    this.pending.delete(keyOf(chat));
  }
}

function keyOf(chat: ChatRef): string {
  return `${chat.transport}:${chat.chatId}:${chat.topicId ?? ''}`;
}
