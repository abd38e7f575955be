/**
 * Matrix as a ChatNetwork: a streaming answer goes out as finished segments (each recorded in
 * `run/streams.json`, so a restarted transport sends only the rest), buttons become numbered
 * emoji reactions, an earlier message is edited with an `m.replace` event, and the queue
 * indicator is redacted (a dropped message says so anew). One room = one chat.
 */
import { basename } from 'node:path';
import { readFile } from 'node:fs/promises';
import type { Config } from '../../../shared/config/schema.js';
import type { Logger } from '../../../shared/log/logger.js';
import { catalogue } from '../../../shared/i18n/index.js';
import type { Button, ChatRef } from '../../../shared/rpc/conversation-schemas.js';
import { extractButtons } from '../button-markers.js';
import type { ChatNetwork, EditOutcome, LiveTurn, OutgoingText, TurnStart } from '../chat-network.js';
import { isRasterImage } from '../file-send.js';
import { markdownToTelegramHtml } from '../markdown-to-html.js';
import type { StreamEntry } from '../stream-state.js';
import { matrixNumericId, type RoomDirectory } from './ids.js';
import { ResumedSegments, SegmentTurn } from './segment-turns.js';
import type { MatrixSession } from './matrix-client.js';
import { SegmentBuffer, splitForMatrix } from './segments.js';

/** Matrix allows ~64 KiB events; shorter messages read better in every client. */
const MESSAGE_MAX_CHARS = 8_000;
/** Reaction keys standing in for buttons, in order. */
export const BUTTON_KEYS = ['1️⃣', '2️⃣', '3️⃣', '4️⃣', '5️⃣', '6️⃣', '7️⃣', '8️⃣', '9️⃣', '🔟'] as const;
/** How many bot messages with reaction buttons are remembered. */
const BUTTON_MESSAGES_KEPT = 200;
/** How many event ids are remembered for their numeric message ids. */
const EVENT_IDS_KEPT = 5_000;

export type MatrixIndicator = { roomId: string; eventId: string };

export type MatrixNetworkOptions = {
  session: () => MatrixSession | null;
  rooms: RoomDirectory;
  config: () => Config;
  log: Logger;
};

/** A message ready to go out: the reply relation is already resolved to an event id. */
type Outgoing = Pick<OutgoingText, 'text' | 'format' | 'buttons' | 'kind'> & { roomId: string; replyEventId: string | null };

export class MatrixNetwork implements ChatNetwork<MatrixIndicator> {
  private readonly eventIds = new Map<number, { eventId: string; msgtype: string }>();
  private readonly buttons = new Map<string, Button[]>();

  constructor(private readonly options: MatrixNetworkOptions) {}

  openTurn(start: TurnStart): LiveTurn {
    const streaming = this.options.config().streaming;
    // With streaming off nothing is cut: the final answer goes out whole.
    const min = streaming.enabled ? Math.max(streaming.min_chars, 1) : Number.MAX_SAFE_INTEGER;
    const buffer = new SegmentBuffer(min, Math.min(streaming.max_chars, MESSAGE_MAX_CHARS));
    return new SegmentTurn({ network: this, start, roomId: this.roomOf(start.chat), buffer, replyEventId: this.eventOf(start.replyTo) });
  }

  resumeTurn(start: TurnStart, stored: StreamEntry): LiveTurn | undefined {
    if ((stored.shownChars === undefined || stored.shownDigest === undefined) && !stored.pending) return undefined;
    return new ResumedSegments({ network: this, start, roomId: this.roomOf(start.chat), stored });
  }

  async showQueued(_inboundId: string, chat: ChatRef): Promise<MatrixIndicator | null> {
    const roomId = this.roomOf(chat);
    return { roomId, eventId: await this.sendPlain(roomId, this.text().queuedIndicator, 'notice') };
  }

  settleQueued(indicator: MatrixIndicator, _chat: ChatRef, outcome: 'started' | 'cancelled' | 'discarded'): void {
    // No edits of the queue notice: it is redacted, and a dropped message says so anew.
    void this.options.session()?.redact(indicator.roomId, indicator.eventId).catch(() => undefined);
    if (outcome !== 'started') void this.sendPlain(indicator.roomId, outcome === 'cancelled' ? this.text().queuedCancelled : this.text().queuedDiscarded, 'notice').catch(() => undefined);
  }

  async sendText(message: OutgoingText): Promise<number[]> {
    return this.sendOutgoing({ ...message, roomId: this.roomOf(message.chat), replyEventId: this.eventOf(message.replyTo) });
  }

  /** Shows the new text in place of the old with an `m.replace` edit; buttons stay answerable (a late answer hears it expired). */
  async editText(edit: { chat: ChatRef; messageId: number; text: string; buttons: Button[][] }): Promise<EditOutcome> {
    const known = this.eventIds.get(edit.messageId);
    // A message from before a restart, or an edit that brings new buttons: a new message instead.
    if (!known || edit.buttons.some((row) => row.length > 0)) return 'gone';
    const content = { msgtype: known.msgtype, body: edit.text };
    await this.session().send(this.roomOf(edit.chat), 'm.room.message', {
      ...content,
      body: `* ${edit.text}`,
      'm.new_content': content,
      'm.relates_to': { rel_type: 'm.replace', event_id: known.eventId },
    });
    return 'edited';
  }

  async sendFiles(target: { chat: ChatRef; files: readonly string[] }): Promise<number[]> {
    const roomId = this.roomOf(target.chat);
    const ids: number[] = [];
    for (const file of target.files) ids.push(this.numberOf(await this.sendFile(roomId, file)));
    return ids;
  }

  /** The first allowed room (by id) is the agent's primary chat on Matrix. */
  primaryChat(): ChatRef | null {
    const first = this.options.config().matrix.allowed_rooms.find((r) => r.startsWith('!'));
    return first && this.options.session() ? this.chatOf(first) : null;
  }

  // Used by the runner's intake -------------------------------------------------------------

  /** The buttons a reaction on this bot message can press. */
  buttonsOf(eventId: string): Button[] | undefined {
    return this.buttons.get(eventId);
  }

  chatOf(roomId: string): ChatRef {
    return { transport: 'mx', chatId: this.options.rooms.chatIdOf(roomId), topicId: null };
  }

  roomOf(chat: ChatRef): string {
    const roomId = this.options.rooms.roomOf(chat.chatId, () => this.options.session()?.joinedRoomIds() ?? []);
    if (!roomId) throw new Error(`no Matrix room is known for chat ${chat.chatId}`);
    return roomId;
  }

  numberOf(eventId: string, msgtype = 'm.text'): number {
    const id = matrixNumericId(eventId);
    this.eventIds.set(id, { eventId, msgtype: this.eventIds.get(id)?.msgtype ?? msgtype });
    if (this.eventIds.size > EVENT_IDS_KEPT) this.eventIds.delete(this.eventIds.keys().next().value!);
    return id;
  }

  eventOf(messageId: number | null): string | null {
    return messageId === null ? null : this.eventIds.get(messageId)?.eventId ?? null;
  }

  async sendPlain(roomId: string, text: string, msgtype: 'text' | 'notice', replyEventId: string | null = null): Promise<string> {
    const eventId = await this.session().send(roomId, 'm.room.message', { msgtype: `m.${msgtype}`, body: text, ...replyRelation(replyEventId) });
    this.numberOf(eventId, `m.${msgtype}`);
    return eventId;
  }

  async sendMarkdown(roomId: string, markdown: string, replyEventId: string | null = null, txnId?: string): Promise<string> {
    const eventId = await this.session().send(roomId, 'm.room.message', {
      msgtype: 'm.text',
      body: markdown,
      format: 'org.matrix.custom.html',
      // Telegram's HTML subset (b, i, code, pre, a, blockquote) is valid Matrix HTML as well.
      formatted_body: markdownToTelegramHtml(markdown),
      ...replyRelation(replyEventId),
    }, txnId);
    this.numberOf(eventId, 'm.text');
    return eventId;
  }

  /** A final message: `[button:…]` markers and buttons become numbered reactions; split to the limit. */
  async sendOutgoing(message: Outgoing): Promise<number[]> {
    const { roomId } = message;
    // `[button:Label]` markers in an answer become buttons, as on Telegram.
    const markers = message.format === 'markdown' ? extractButtons(message.text) : { text: message.text, keyboard: undefined };
    let text = markers.text;
    const markerButtons = (markers.keyboard?.inline_keyboard ?? []).flat().map((b) => ({ label: b.text, data: b.callback_data }));
    const flat = [...message.buttons.flat(), ...markerButtons].slice(0, BUTTON_KEYS.length);
    if (flat.length > 0) text = `${text}\n\n${flat.map((b, i) => `${BUTTON_KEYS[i]} ${b.label}`).join('\n')}`;
    const eventIds: string[] = [];
    if (text.trim() !== '') {
      for (const [index, part] of splitForMatrix(text, MESSAGE_MAX_CHARS).entries()) {
        const reply = index === 0 ? message.replyEventId : null;
        eventIds.push(await (message.format === 'markdown' ? this.sendMarkdown(roomId, part, reply) : this.sendPlain(roomId, part, message.kind === 'notice' ? 'notice' : 'text', reply)));
      }
    }
    const last = eventIds.at(-1);
    if (last && flat.length > 0) await this.offerButtons(roomId, last, flat);
    return eventIds.map((id) => this.numberOf(id));
  }

  text() {
    return catalogue(this.options.config().language);
  }

  logWarn(error: unknown, message: string): void {
    this.options.log.warn({ err: error }, message);
  }

  private session(): MatrixSession {
    const session = this.options.session();
    if (!session) throw new Error('Matrix client is not connected');
    return session;
  }

  private async offerButtons(roomId: string, eventId: string, buttons: Button[]): Promise<void> {
    this.buttons.set(eventId, buttons);
    if (this.buttons.size > BUTTON_MESSAGES_KEPT) this.buttons.delete(this.buttons.keys().next().value!);
    // The bot reacts first so each choice is one tap on an existing reaction.
    for (const [index] of buttons.entries()) {
      await this.session().send(roomId, 'm.reaction', { 'm.relates_to': { rel_type: 'm.annotation', event_id: eventId, key: BUTTON_KEYS[index] } })
        .catch((error: unknown) => this.options.log.debug({ err: error }, 'button reaction not sent'));
    }
  }

  private async sendFile(roomId: string, path: string): Promise<string> {
    const name = basename(path);
    let data: Buffer;
    try {
      data = await readFile(path);
    } catch {
      return this.sendPlain(roomId, this.text().fileNotFound(name), 'notice');
    }
    const image = isRasterImage(path);
    const mime = image ? `image/${name.split('.').pop()!.toLowerCase().replace('jpg', 'jpeg')}` : 'application/octet-stream';
    try {
      const url = await this.session().upload(data, name, mime);
      return await this.session().send(roomId, 'm.room.message', { msgtype: image ? 'm.image' : 'm.file', body: name, filename: name, url, info: { mimetype: mime, size: data.byteLength } });
    } catch (error) {
      this.options.log.warn({ err: error, file: name }, 'Matrix file upload failed');
      return this.sendPlain(roomId, this.text().fileSendFailed(name), 'notice');
    }
  }
}

function replyRelation(eventId: string | null): Record<string, unknown> {
  return eventId ? { 'm.relates_to': { 'm.in_reply_to': { event_id: eventId } } } : {};
}
