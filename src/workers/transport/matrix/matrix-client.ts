/**
 * The only module that uses matrix-js-sdk (through matrix-sdk.ts). It is loaded with a dynamic import the first time a
 * Matrix account starts, so a Telegram-only ductor never loads the SDK (or its WebAssembly).
 * Everything the rest of ductor needs goes through the small `MatrixSession` surface below.
 *
 * E2EE: the SDK's Rust crypto does initialise headless on Node, but Node has no IndexedDB, so its
 * key store would live in memory only. With a persisted device id that would hand the homeserver
 * fresh identity keys for an already-known device on every restart, which servers refuse. So the
 * crypto is not started: ductor serves unencrypted rooms, and encrypted events are reported once.
 */
import { importBundle } from '../../../shared/esm-import.js';
import type { Logger } from '../../../shared/log/logger.js';

type Sdk = typeof import('./matrix-sdk.js');
let sdkPromise: Promise<Sdk> | null = null;

async function loadSdk(): Promise<Sdk> {
  sdkPromise ??= importBundle<Sdk>('matrix-sdk', () => import('./matrix-sdk.js')).catch((error: unknown) => {
    sdkPromise = null;
    throw new Error(`matrix-js-sdk could not be loaded (npm install matrix-js-sdk): ${(error as Error).message}`);
  });
  return sdkPromise;
}

export type MatrixCredentials = { homeserver: string; userId: string; accessToken: string; deviceId: string };

/** A timeline event as the transport sees it. */
export type TimelineEvent = {
  roomId: string;
  eventId: string;
  type: string;
  sender: string;
  ts: number;
  content: Record<string, unknown>;
};

export type RoomView = {
  /** A room with at most two members (the bot and one person) counts as a direct chat. */
  isDirect: boolean;
  aliases: string[];
  name: string;
};

export type SessionHandlers = {
  onEvent: (event: TimelineEvent) => void;
  onInvite: (roomId: string, inviter: string) => void;
  onSyncError: (error: unknown) => void;
};

export interface MatrixSession {
  readonly userId: string;
  start(handlers: SessionHandlers): Promise<void>;
  stop(): void;
  /** `txnId`: the same id sent again (after a restart) returns the first event instead of a second one. */
  send(roomId: string, type: string, content: Record<string, unknown>, txnId?: string): Promise<string>;
  redact(roomId: string, eventId: string): Promise<void>;
  upload(data: Uint8Array, name: string, mime: string): Promise<string>;
  download(mxcUrl: string, maxBytes: number): Promise<Uint8Array>;
  join(roomIdOrAlias: string): Promise<string>;
  leave(roomId: string): Promise<void>;
  room(roomId: string): RoomView | null;
  joinedRoomIds(): string[];
  /** The sender of an event the client has in memory (to recognise replies to the bot). */
  senderOf(roomId: string, eventId: string): string | null;
  displayName(): string | null;
}

/** Password login; the homeserver issues the access token and (new or given) device id. */
export async function passwordLogin(homeserver: string, userId: string, password: string, deviceId: string | undefined): Promise<MatrixCredentials> {
  const sdk = await loadSdk();
  const client = sdk.createClient({ baseUrl: homeserver });
  const response = await client.loginRequest({
    type: 'm.login.password',
    identifier: { type: 'm.id.user', user: userId },
    password,
    ...(deviceId ? { device_id: deviceId } : {}),
    initial_device_display_name: 'ductor',
  });
  return { homeserver, userId: response.user_id, accessToken: response.access_token, deviceId: response.device_id };
}

/** Checks a stored token; resolves false when the homeserver says it is no longer valid. */
export async function tokenValid(credentials: MatrixCredentials): Promise<boolean> {
  const sdk = await loadSdk();
  const client = sdk.createClient({ baseUrl: credentials.homeserver, accessToken: credentials.accessToken, userId: credentials.userId });
  try {
    await client.whoami();
    return true;
  } catch (error) {
    const status = (error as { httpStatus?: number }).httpStatus;
    if (status === 401 || status === 403) return false;
    throw error;
  }
}

export async function openSession(credentials: MatrixCredentials, log: Logger): Promise<MatrixSession> {
  const sdk = await loadSdk();
  const client = sdk.createClient({
    baseUrl: credentials.homeserver,
    userId: credentials.userId,
    accessToken: credentials.accessToken,
    deviceId: credentials.deviceId,
    timelineSupport: false,
  });
  const me = credentials.userId;
  let warnedEncrypted = false;

  return {
    userId: me,
    async start(handlers) {
      client.on(sdk.RoomEvent.Timeline, (event, room, toStartOfTimeline) => {
        // Back-pagination brings old events; only events arriving live (or in a sync) matter.
        if (toStartOfTimeline || !room) return;
        const eventId = event.getId();
        const sender = event.getSender();
        if (!eventId || !sender || sender === me) return;
        if (event.getType() === 'm.room.encrypted' && !warnedEncrypted) {
          warnedEncrypted = true;
          log.warn({ roomId: room.roomId }, 'encrypted Matrix room: ductor serves unencrypted rooms only; disable encryption for the bot’s rooms');
        }
        handlers.onEvent({ roomId: room.roomId, eventId, type: event.getType(), sender, ts: event.getTs(), content: event.getContent() });
      });
      client.on(sdk.RoomMemberEvent.Membership, (event, member) => {
        if (member.userId !== me || member.membership !== 'invite') return;
        handlers.onInvite(member.roomId, event.getSender() ?? '');
      });
      client.on(sdk.ClientEvent.Sync, (state, _previous, data) => {
        if (state === sdk.SyncState.Error) handlers.onSyncError(data?.error);
      });
      await client.startClient({ initialSyncLimit: 20, lazyLoadMembers: false, threadSupport: false });
    },
    stop() {
      client.stopClient();
      client.removeAllListeners();
    },
    async send(roomId, type, content, txnId) {
      // The SDK's typings bind content to event types; ductor builds standard content itself.
      const response = await (client.sendEvent as (room: string, type: string, content: unknown, txnId?: string) => Promise<{ event_id: string }>)(roomId, type, content, txnId);
      return response.event_id;
    },
    async redact(roomId, eventId) {
      await client.redactEvent(roomId, eventId);
    },
    async upload(data, name, mime) {
      const response = await client.uploadContent(new Blob([data], { type: mime }), { name, type: mime, includeFilename: true });
      return response.content_uri;
    },
    async download(mxcUrl, maxBytes) {
      // Authenticated media (Matrix 1.11) first; older servers only serve the v3 endpoint.
      const authed = client.mxcUrlToHttp(mxcUrl, undefined, undefined, undefined, false, true, true);
      const legacy = client.mxcUrlToHttp(mxcUrl, undefined, undefined, undefined, false, true, false);
      for (const url of [authed, legacy]) {
        if (!url) continue;
        const response = await fetch(url, { headers: { Authorization: `Bearer ${credentials.accessToken}` } });
        if (response.status === 404 && url === authed) continue;
        if (!response.ok) throw new Error(`media download failed with HTTP ${response.status}`);
        const length = Number(response.headers.get('content-length') ?? '0');
        if (length > maxBytes) throw new TooBigError(length, maxBytes);
        const body = new Uint8Array(await response.arrayBuffer());
        if (body.byteLength > maxBytes) throw new TooBigError(body.byteLength, maxBytes);
        return body;
      }
      throw new Error(`not a usable media address: ${mxcUrl}`);
    },
    async join(roomIdOrAlias) {
      const room = await client.joinRoom(roomIdOrAlias, { syncRoom: false });
      return room.roomId;
    },
    async leave(roomId) {
      await client.leave(roomId);
    },
    room(roomId) {
      const room = client.getRoom(roomId);
      if (!room) return null;
      const canonical = room.getCanonicalAlias();
      const aliases = [...(canonical ? [canonical] : []), ...room.getAltAliases()];
      const members = room.getJoinedMemberCount() + room.getInvitedMemberCount();
      return { isDirect: members <= 2, aliases, name: room.name };
    },
    joinedRoomIds() {
      return client.getRooms().filter((r) => r.getMyMembership() === 'join').map((r) => r.roomId);
    },
    senderOf(roomId, eventId) {
      return client.getRoom(roomId)?.findEventById(eventId)?.getSender() ?? null;
    },
    displayName() {
      return client.getUser(me)?.displayName ?? null;
    },
  };
}

export class TooBigError extends Error {
  constructor(readonly sizeBytes: number, readonly limitBytes: number) {
    super(`media of ${sizeBytes} bytes is over the ${limitBytes} byte limit`);
  }
}
