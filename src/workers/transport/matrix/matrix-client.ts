/**
 * The only module that uses matrix-js-sdk (through matrix-sdk.ts). It is loaded with a dynamic import the first time a
 * Matrix account starts, so a Telegram-only ductor never loads the SDK (or its WebAssembly).
 * Everything the rest of ductor needs goes through the small `MatrixSession` surface below.
 *
 * E2EE: the SDK's Rust crypto runs with its keys in crypto-store.ts (kept under the account's
 * state folder, so a restart keeps the device's keys). Encrypted events reach the runner
 * decrypted; answers into encrypted rooms go out encrypted (the SDK encrypts sends there).
 * Devices are not verified: keys are shared with every device of the room's members.
 */
import { importBundle } from '../../../shared/esm-import.js';
import type { Logger } from '../../../shared/log/logger.js';
import { sdkLogger } from './sdk-logger.js';
import { UndecryptableReports } from './undecryptable.js';

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
  /** Stops syncing and writes the crypto keys a last time. */
  stop(): Promise<void>;
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

export type SessionOptions = {
  credentials: MatrixCredentials;
  log: Logger;
  /** The account's Matrix state folder; the crypto keys are kept there. */
  storeDir: string;
  /** The notice sent (once per room) when a message there cannot be decrypted. */
  undecryptableNotice: (reason: string) => string;
};

export async function openSession(options: SessionOptions): Promise<MatrixSession> {
  const { credentials, log } = options;
  const sdk = await loadSdk();
  const crypto = await startCryptoStore(sdk, options);
  const client = sdk.createClient({
    baseUrl: credentials.homeserver,
    userId: credentials.userId,
    accessToken: credentials.accessToken,
    deviceId: credentials.deviceId,
    timelineSupport: false,
    logger: sdkLogger(log),
    // Keys go to the homeserver only once they are on disk: keys the server holds but the file
    // lost would leave other devices encrypting to keys ductor no longer has.
    fetchFn: async (input, init) => {
      if (crypto && /\/keys\/upload$/.test(new URL(String(input instanceof Request ? input.url : input)).pathname)) await crypto.flush();
      return fetch(input, init);
    },
  });
  const me = credentials.userId;
  let cryptoRunning = false;
  if (crypto) {
    try {
      await client.initRustCrypto({ useIndexedDB: true, cryptoDatabasePrefix: crypto.prefix });
      await crypto.flush();
      cryptoRunning = true;
      const keys = await client.getCrypto()?.getOwnDeviceKeys();
      log.info({ deviceId: credentials.deviceId, ed25519: keys?.ed25519, restored: crypto.restored, file: crypto.file }, 'Matrix end-to-end encryption ready');
      if (!crypto.restored && keys) await checkServerKeys(sdk, client, credentials, keys.ed25519, log);
    } catch (error) {
      log.error({ err: error }, 'Matrix end-to-end encryption could not start; encrypted rooms stay unreadable');
      await crypto.close().catch(() => undefined);
    }
  }
  const undecryptable = new UndecryptableReports({ log, notice: options.undecryptableNotice, send: (roomId, content) => sendContent(client, roomId, 'm.room.message', content) });
  /** Timeline events are handed on in arrival order, each once its decryption has settled. */
  let handOn: Promise<void> = Promise.resolve();
  // One failing step must not stop the ones after it (a rejected chain would skip them all).
  const inOrder = (step: () => unknown) => {
    handOn = handOn.then(step).then(() => undefined, (error: unknown) => log.warn({ err: error }, 'a Matrix event could not be handed on'));
  };

  return {
    userId: me,
    async start(handlers) {
      const deliver = (event: MatrixEvent, roomId: string) => {
        handlers.onEvent({ roomId, eventId: event.getId()!, type: event.getType(), sender: event.getSender()!, ts: event.getTs(), content: event.getContent() });
      };
      client.on(sdk.RoomEvent.Timeline, (event, room, toStartOfTimeline) => {
        // Back-pagination brings old events; only events arriving live (or in a sync) matter.
        if (toStartOfTimeline || !room) return;
        const eventId = event.getId();
        const sender = event.getSender();
        if (!eventId || !sender || sender === me) return;
        const roomId = room.roomId;
        if (!event.isEncrypted()) {
          inOrder(() => deliver(event, roomId));
          return;
        }
        const decrypted = cryptoRunning ? client.decryptEventIfNeeded(event).catch(() => undefined) : Promise.resolve();
        inOrder(async () => {
          await decrypted;
          if (!event.isDecryptionFailure() && event.getType() !== 'm.room.encrypted') return deliver(event, roomId);
          const reason = cryptoRunning ? String(event.decryptionFailureReason ?? 'unknown') : 'encryption is not running';
          undecryptable.report(roomId, eventId, reason);
          // The key may still come (a late to-device message); the SDK then decrypts the event again.
          const retried = (again: MatrixEvent) => {
            if (again.isDecryptionFailure()) return;
            event.off(sdk.MatrixEventEvent.Decrypted, retried);
            log.info({ roomId, eventId }, 'a Matrix message decrypted after its key arrived late');
            inOrder(() => deliver(again, roomId));
          };
          event.on(sdk.MatrixEventEvent.Decrypted, retried);
        });
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
    async stop() {
      client.stopClient();
      client.removeAllListeners();
      await handOn;
      if (cryptoRunning) await crypto?.close().catch((error: unknown) => log.error({ err: error }, 'the Matrix crypto keys could not be written at stop'));
    },
    send(roomId, type, content, txnId) {
      return sendContent(client, roomId, type, content, txnId);
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
      const room = await client.joinRoom(roomIdOrAlias);
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

type Client = ReturnType<Sdk['createClient']>;
type MatrixEvent = InstanceType<Sdk['MatrixEvent']>;

/** Sends an event; in an encrypted room the SDK encrypts it (crypto running). */
async function sendContent(client: Client, roomId: string, type: string, content: Record<string, unknown>, txnId?: string): Promise<string> {
  // The SDK's typings bind content to event types; ductor builds standard content itself.
  const response = await (client.sendEvent as (room: string, type: string, content: unknown, txnId?: string) => Promise<{ event_id: string }>)(roomId, type, content, txnId);
  return response.event_id;
}

/** The account's crypto key store, or null (logged) when it cannot be opened. */
async function startCryptoStore(sdk: Sdk, options: SessionOptions) {
  const { log } = options;
  const globals = globalThis as unknown as { indexedDB: import('./idb-snapshot.js').IdbFactory; IDBDatabase: { prototype: import('./idb-snapshot.js').IdbDatabase } };
  try {
    return await sdk.CryptoStore.open({
      storeDir: options.storeDir,
      factory: globals.indexedDB,
      databaseClass: globals.IDBDatabase,
      onCorrupt: (report) => log.error(report, 'the Matrix crypto store could not be read and was kept aside; this device starts with new keys'),
      onFlushError: (error) => log.error({ err: error }, 'the Matrix crypto keys could not be written'),
    });
  } catch (error) {
    log.error({ err: error }, 'the Matrix crypto store could not be opened; encrypted rooms stay unreadable');
    return null;
  }
}

/**
 * Fresh keys for a device the homeserver already holds other keys for (the key store was lost or
 * kept aside): the homeserver refuses the new keys and other clients would distrust them, so
 * encrypted rooms cannot work until the account logs in as a new device. Says how.
 */
async function checkServerKeys(sdk: Sdk, client: Client, credentials: MatrixCredentials, ours: string, log: Logger): Promise<void> {
  const { userId, deviceId } = credentials;
  try {
    const response = await client.http.authedRequest<{ device_keys?: Record<string, Record<string, { keys?: Record<string, string> }>> }>(
      sdk.Method.Post, '/keys/query', undefined, { device_keys: { [userId]: [deviceId] } });
    const theirs = response.device_keys?.[userId]?.[deviceId]?.keys?.[`ed25519:${deviceId}`];
    if (theirs && theirs !== ours) {
      log.error({ deviceId }, 'the homeserver holds other encryption keys for this Matrix device (its key store was lost): encrypted rooms will not work; stop ductor, delete matrix_store/credentials.json and matrix_store/crypto_store.bin, and start it again to log in as a new device');
    }
  } catch (error) {
    log.warn({ err: error }, 'could not ask the homeserver for this Matrix device’s keys');
  }
}
