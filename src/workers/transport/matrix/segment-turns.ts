/**
 * The live view of a Matrix turn: finished segments sent as the answer streams in (SegmentTurn),
 * or, after a transport restart, what an earlier run recorded of them (ResumedSegments).
 */
import type { ChatRef, StreamEvent } from '../../../shared/rpc/conversation-schemas.js';
import { extractButtons } from '../button-markers.js';
import type { LiveTurn, OutgoingText, ShownRecord, TurnStart } from '../chat-network.js';
import type { StreamEntry } from '../stream-state.js';
import { matrixNumericId } from './ids.js';
import type { MatrixNetwork } from './matrix-network.js';
import { remainderAfter, type SegmentBuffer, shownMark } from './segments.js';

type Mark = { chars: number; digest: string };

/**
 * A turn streamed by this run: finished segments go out as they are cut. Each is recorded before
 * its send (with a transaction id derived from the turn, so a restarted transport can send it
 * again without a second copy) and once sent.
 */
export class SegmentTurn implements LiveTurn {
  readonly chat: ChatRef;
  readonly replyTo: number | null;
  private sending: Promise<unknown> = Promise.resolve();
  private readonly sent: string[] = [];
  private shown: Mark = shownMark('');
  private segments = 0;
  /** Only the first message of an answer carries the reply relation. */
  private replyEventId: string | null;

  constructor(private readonly o: { network: MatrixNetwork; start: TurnStart; roomId: string; buffer: SegmentBuffer; replyEventId: string | null }) {
    this.chat = o.start.chat;
    this.replyTo = o.start.replyTo;
    this.replyEventId = o.replyEventId;
  }

  push(events: readonly StreamEvent[]): void {
    for (const event of events) {
      if (event.kind !== 'text') continue;
      for (const segment of this.o.buffer.pushSegments(event.text)) {
        const text = extractButtons(segment.text).text;
        if (text === '') continue;
        const reply = this.replyEventId;
        this.replyEventId = null;
        const mark = shownMark(segment.shown);
        const txnId = `ductor-${this.o.start.turnId}-${this.segments++}`;
        this.sending = this.sending.then(async () => {
          await this.o.start.record({ ...this.record(), pending: { txnId, text, shownChars: mark.chars, shownDigest: mark.digest } });
          this.sent.push(await this.o.network.sendMarkdown(this.o.roomId, text, reply, txnId));
          this.shown = mark;
          await this.o.start.record(this.record());
        }).catch((error: unknown) => this.o.network.logWarn(error, 'Matrix segment not sent'));
      }
    }
  }

  async finish(message: OutgoingText): Promise<number[]> {
    await this.sending;
    return this.o.network.sendOutgoing({ ...message, text: this.o.buffer.remainder(message.text), roomId: this.o.roomId, replyEventId: this.replyEventId });
  }

  async abort(): Promise<void> {
    await this.sending;
  }

  private record(): ShownRecord {
    return { messageIds: this.sent.map((id) => matrixNumericId(id)), eventIds: [...this.sent], shownChars: this.shown.chars, shownDigest: this.shown.digest };
  }
}

/**
 * A turn whose segments an earlier run of the transport sent. The text streamed while the
 * transport was down is lost, so nothing more is cut here: a segment the earlier run was sending
 * is sent again with its transaction id (the homeserver answers with the first copy if it got it),
 * and the final answer sends only what the segments did not show.
 */
export class ResumedSegments implements LiveTurn {
  readonly chat: ChatRef;
  readonly replyTo: number | null;
  private settled: Promise<Mark> | null = null;

  constructor(private readonly o: { network: MatrixNetwork; start: TurnStart; roomId: string; stored: StreamEntry }) {
    this.chat = o.start.chat;
    this.replyTo = o.start.replyTo;
  }

  push(): void {
    void this.settle().catch((error: unknown) => this.o.network.logWarn(error, 'Matrix segment not sent'));
  }

  async finish(message: OutgoingText): Promise<number[]> {
    const shown = await this.settle();
    const text = remainderAfter(message.text, shown.chars, shown.digest);
    return this.o.network.sendOutgoing({ ...message, text, roomId: this.o.roomId, replyEventId: null });
  }

  async abort(): Promise<void> {
    await this.settle().catch(() => undefined);
  }

  /** What the segments showed, once the segment the earlier run was sending is surely in the room. */
  private settle(): Promise<Mark> {
    this.settled ??= (async () => {
      const { stored } = this.o;
      const recorded: Mark = { chars: stored.shownChars ?? 0, digest: stored.shownDigest ?? '' };
      if (!stored.pending) return recorded;
      const eventId = await this.o.network.sendMarkdown(this.o.roomId, stored.pending.text, null, stored.pending.txnId);
      const eventIds = [...(stored.eventIds ?? []), eventId];
      const shown = { chars: stored.pending.shownChars, digest: stored.pending.shownDigest };
      await this.o.start.record({ messageIds: eventIds.map((id) => matrixNumericId(id)), eventIds, shownChars: shown.chars, shownDigest: shown.digest });
      return shown;
    })();
    return this.settled;
  }
}
