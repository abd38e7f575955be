/**
 * What a chat network (Telegram, Matrix) does for the transport-neutral ChatRunner: the live view
 * of a running turn, the "queued" indicator, sending, editing and files. Everything the networks
 * share (turns by id, indicators by inbound id, delivery de-duplication, the resume record) lives
 * in the ChatRunner; an adapter only talks to its network.
 */
import type { Button, ChatRef, Delivery, StreamEvent } from '../../shared/rpc/conversation-schemas.js';
import type { StreamEntry } from './stream-state.js';

/** A final message in the network's own rendering (split to its limit, buttons as it offers them). */
export type OutgoingText = {
  chat: ChatRef;
  text: string;
  format: Delivery['format'];
  buttons: Button[][];
  replyTo: number | null;
  kind: Delivery['kind'];
};

/** What a turn's live view has shown so far, for a restarted transport to resume from. */
export type ShownRecord = Pick<StreamEntry, 'messageIds'> & Partial<Pick<StreamEntry, 'eventIds' | 'shownChars' | 'shownDigest' | 'pending'>>;

export interface LiveTurn {
  readonly chat: ChatRef;
  readonly replyTo: number | null;
  /** Live progress of the turn (text, tools, thinking, status). */
  push(events: readonly StreamEvent[]): void;
  /** The turn's final answer: the live view shows it (edited in, or the rest sent); the ids that hold it. */
  finish(message: OutgoingText): Promise<number[]>;
  /** Ends the live view without an answer of its own (an error, a file-only or an edited delivery). */
  abort(): Promise<void>;
  /** The turn's delivery went out (Telegram's status reactions settle). */
  ended?(kind: Delivery['kind']): void;
}

export type TurnStart = {
  turnId: string;
  chat: ChatRef;
  replyTo: number | null;
  /** Persists what the live view has shown; called in order, awaited before the next record. */
  record: (shown: ShownRecord) => Promise<void>;
};

/** The outcome of editing a message in place: `gone` (or a network that cannot) sends anew. */
export type EditOutcome = 'edited' | 'gone';

export interface ChatNetwork<Indicator> {
  /** A fresh live view for a turn that starts now. */
  openTurn(start: TurnStart): LiveTurn;
  /** A turn an earlier run of the transport streamed (`stored`); undefined when it cannot be resumed. */
  resumeTurn(start: TurnStart, stored: StreamEntry): LiveTurn | undefined;
  /** Shows a "queued" indicator under a message that waits behind others. */
  showQueued(inboundId: string, chat: ChatRef, replyTo: number | null): Promise<Indicator | null>;
  /** The queued message started (the indicator goes) or was dropped (it says so). */
  settleQueued(indicator: Indicator, chat: ChatRef, outcome: 'started' | 'cancelled' | 'discarded'): void;
  sendText(message: OutgoingText): Promise<number[]>;
  /**
   * Shows `text` in an earlier message (an approval's choice, a selector's next step); `gone` when
   * the message is no longer there or cannot be edited, and the text is sent as a new message.
   */
  editText(edit: { chat: ChatRef; messageId: number; text: string; buttons: Button[][] }): Promise<EditOutcome>;
  sendFiles(target: { chat: ChatRef; replyTo: number | null; files: readonly string[] }): Promise<number[]>;
  /** Where operational notices go (the agent's primary chat); null when not reachable now. */
  primaryChat(): ChatRef | null;
}
