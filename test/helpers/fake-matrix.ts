// A fake Matrix homeserver on 127.0.0.1: the client-server endpoints matrix-js-sdk uses (login,
// whoami, sync with since tokens and long polls, joins, sends, redactions, reactions, media, and
// the end-to-end encryption endpoints in fake-matrix-keys.ts), every request recorded, and helpers
// to act as the people in the rooms. The bot and MX_USER can log in (the same password); each
// syncs its own view of the rooms.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeKeyServer } from './fake-matrix-keys.js';

export const MX_SERVER = 'fake.local';
export const MX_BOT = `@ductor:${MX_SERVER}`;
export const MX_PASSWORD = 'correct horse battery staple';
export const MX_USER = `@alice:${MX_SERVER}`;

export type MxEvent = {
  event_id: string;
  type: string;
  sender: string;
  origin_server_ts: number;
  content: Record<string, unknown>;
  state_key?: string;
  room_id: string;
};

export type MxCall = { method: string; path: string; query: URLSearchParams; auth: string | null; body: unknown; status: number };

type Entry = { seq: number; roomId: string; event: MxEvent; invite?: boolean };

export type FakeMatrix = Awaited<ReturnType<typeof startFakeMatrix>>;

export async function startFakeMatrix(t?: { after(fn: () => unknown): void }) {
  let seq = 0;
  const log: Entry[] = [];
  const calls: MxCall[] = [];
  const tokens = new Map<string, { userId: string; deviceId: string }>();
  const txns = new Map<string, string>();
  const media = new Map<string, { data: Buffer; mime: string; name: string }>();
  const aliases = new Map<string, string>();
  const rooms = new Map<string, { members: Map<string, string> }>();
  const waiters = new Set<() => void>();
  let eventCounter = 0;

  const newEventId = () => `$ev${++eventCounter}_${randomBytes(4).toString('hex')}`;
  const keys = new FakeKeyServer(() => {
    ++seq;
    for (const wake of [...waiters]) wake();
    return seq;
  });

  function append(roomId: string, event: Omit<MxEvent, 'event_id' | 'origin_server_ts' | 'room_id'> & { event_id?: string }, invite = false): MxEvent {
    const full: MxEvent = { origin_server_ts: Date.now(), ...event, event_id: event.event_id ?? newEventId(), room_id: roomId };
    if (full.type === 'm.room.member' && full.state_key) {
      const room = rooms.get(roomId) ?? { members: new Map<string, string>() };
      rooms.set(roomId, room);
      room.members.set(full.state_key, String(full.content.membership));
    }
    log.push({ seq: ++seq, roomId, event: full, invite });
    for (const wake of [...waiters]) wake();
    return full;
  }

  function membership(roomId: string, userId: string): string | undefined {
    return rooms.get(roomId)?.members.get(userId);
  }

  function strip(event: MxEvent): Omit<MxEvent, 'room_id'> {
    const { room_id: _roomId, ...rest } = event;
    return rest;
  }

  function syncBody(user: { userId: string; deviceId: string }, since: number | null): Record<string, unknown> {
    const join: Record<string, unknown> = {};
    const invite: Record<string, unknown> = {};
    const leave: Record<string, unknown> = {};
    for (const roomId of rooms.keys()) {
      const state = membership(roomId, user.userId);
      const entries = log.filter((e) => e.roomId === roomId && (since === null || e.seq > since));
      if (state === 'join') {
        if (since !== null && entries.length === 0) continue;
        const timeline = entries.filter((e) => !e.invite).map((e) => strip(e.event));
        const initialState = since === null
          ? [] // on an initial sync the timeline below carries every state event
          : [];
        join[roomId] = {
          timeline: { events: since === null ? log.filter((e) => e.roomId === roomId).map((e) => strip(e.event)) : timeline, limited: false, prev_batch: `p${seq}` },
          state: { events: initialState },
          ephemeral: { events: [] },
          account_data: { events: [] },
          unread_notifications: { highlight_count: 0, notification_count: 0 },
        };
      } else if (state === 'invite') {
        if (since !== null && entries.length === 0) continue;
        const stateEvents = log.filter((e) => e.roomId === roomId && e.event.state_key !== undefined).map((e) => strip(e.event));
        invite[roomId] = { invite_state: { events: stateEvents } };
      } else if (state === 'leave' && since !== null && entries.some((e) => e.event.state_key === user.userId)) {
        leave[roomId] = { timeline: { events: entries.map((e) => strip(e.event)) }, state: { events: [] } };
      }
    }
    return {
      next_batch: String(seq),
      rooms: { join, invite, leave },
      account_data: { events: [] },
      presence: { events: [] },
      to_device: { events: keys.toDeviceFor(user.userId, user.deviceId, since, seq) },
      device_lists: { changed: keys.changedSince(since), left: [] },
      device_one_time_keys_count: keys.counts(user.userId, user.deviceId),
      device_unused_fallback_key_types: keys.unusedFallbackTypes(user.userId, user.deviceId),
    };
  }

  async function readBody(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  function send(res: ServerResponse, status: number, body: unknown, call: MxCall): void {
    call.status = status;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  function resolveRoom(idOrAlias: string): string | undefined {
    return idOrAlias.startsWith('#') ? aliases.get(idOrAlias) : rooms.has(idOrAlias) ? idOrAlias : undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname);
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    const isUpload = path.startsWith('/_matrix/media/') && path.includes('/upload');
    let body: unknown = null;
    if (!isUpload && raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        body = raw.toString('utf8');
      }
    }
    const header = req.headers.authorization;
    const auth = header?.startsWith('Bearer ') ? header.slice(7) : url.searchParams.get('access_token');
    const call: MxCall = { method, path, query: url.searchParams, auth, body, status: 0 };
    calls.push(call);
    const b = (body ?? {}) as Record<string, unknown>;

    if (path === '/_matrix/client/versions') return send(res, 200, { versions: ['v1.1', 'v1.5', 'v1.11'], unstable_features: {} }, call);
    if (path === '/_matrix/client/v3/login' && method === 'GET') return send(res, 200, { flows: [{ type: 'm.login.password' }] }, call);
    if (path === '/_matrix/client/v3/login' && method === 'POST') {
      const identifier = b.identifier as { user?: string } | undefined;
      const user = identifier?.user ?? (b.user as string | undefined);
      const userId = user === MX_BOT || user === 'ductor' ? MX_BOT : user === MX_USER || user === 'alice' ? MX_USER : null;
      if (!userId || b.password !== MX_PASSWORD) return send(res, 403, { errcode: 'M_FORBIDDEN', error: 'Invalid username or password' }, call);
      const token = `syt_${randomBytes(12).toString('hex')}`;
      const deviceId = typeof b.device_id === 'string' ? b.device_id : `DEV${randomBytes(3).toString('hex').toUpperCase()}`;
      tokens.set(token, { userId, deviceId });
      return send(res, 200, { user_id: userId, access_token: token, device_id: deviceId, home_server: MX_SERVER }, call);
    }
    const mediaDownload = /^\/_matrix\/(?:media\/v3|client\/v1\/media)\/download\/([^/]+)\/([^/]+)/.exec(path);
    if (mediaDownload && method === 'GET') {
      // The authenticated v1 endpoint needs a token; the legacy v3 one is public.
      if (path.startsWith('/_matrix/client/v1/') && !(auth && tokens.has(auth))) return send(res, 401, { errcode: 'M_MISSING_TOKEN', error: 'no token' }, call);
      const item = media.get(`mxc://${mediaDownload[1]}/${mediaDownload[2]}`);
      if (!item) return send(res, 404, { errcode: 'M_NOT_FOUND', error: 'no such media' }, call);
      call.status = 200;
      res.writeHead(200, { 'content-type': item.mime, 'content-length': String(item.data.length) });
      res.end(item.data);
      return;
    }
    const caller = auth ? tokens.get(auth) : undefined;
    if (!auth || !caller) return send(res, 401, { errcode: 'M_UNKNOWN_TOKEN', error: 'Unknown access token', soft_logout: false }, call);
    const me = caller.userId;

    if (path === '/_matrix/client/v3/account/whoami') return send(res, 200, { user_id: me, device_id: caller.deviceId }, call);
    if (path === '/_matrix/client/v3/keys/upload' && method === 'POST') {
      const uploaded = keys.upload(me, caller.deviceId, b);
      if ('error' in uploaded) return send(res, 400, { errcode: 'M_INVALID_PARAM', error: uploaded.error }, call);
      return send(res, 200, { one_time_key_counts: uploaded.counts }, call);
    }
    if (path === '/_matrix/client/v3/keys/query' && method === 'POST') return send(res, 200, keys.query(b), call);
    if (path === '/_matrix/client/v3/keys/claim' && method === 'POST') return send(res, 200, keys.claim(b), call);
    const toDevice = /^\/_matrix\/client\/v3\/sendToDevice\/([^/]+)\/([^/]+)$/.exec(path);
    if (toDevice && method === 'PUT') {
      const key = `${auth}/toDevice/${toDevice[2]}`;
      if (!txns.has(key)) {
        txns.set(key, '');
        keys.send(me, toDevice[1]!, b);
      }
      return send(res, 200, {}, call);
    }
    // No server-side key backup: clients see that none exists.
    if (path === '/_matrix/client/v3/room_keys/version') return send(res, 404, { errcode: 'M_NOT_FOUND', error: 'No current backup version' }, call);
    if (path === '/_matrix/client/v3/capabilities') return send(res, 200, { capabilities: {} }, call);
    if (path.startsWith('/_matrix/client/v3/pushrules')) return send(res, 200, { global: { override: [], content: [], room: [], sender: [], underride: [] } }, call);
    if (/^\/_matrix\/client\/v3\/user\/[^/]+\/filter$/.test(path) && method === 'POST') return send(res, 200, { filter_id: '1' }, call);
    if (/^\/_matrix\/client\/v3\/user\/[^/]+\/filter\/[^/]+$/.test(path)) return send(res, 200, {}, call);
    if (path === '/_matrix/client/v3/sync') {
      const sinceParam = url.searchParams.get('since');
      const since = sinceParam === null ? null : Number(sinceParam);
      const timeoutMs = Math.min(Number(url.searchParams.get('timeout') ?? '0'), 30_000);
      if (since !== null && since >= seq && timeoutMs > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, timeoutMs);
          function done() {
            clearTimeout(timer);
            waiters.delete(done);
            resolve();
          }
          waiters.add(done);
          req.on('close', done);
        });
      }
      if (res.destroyed) return;
      return send(res, 200, syncBody(caller, since), call);
    }
    if (path === '/_matrix/client/v3/joined_rooms') return send(res, 200, { joined_rooms: [...rooms.keys()].filter((r) => membership(r, me) === 'join') }, call);
    const joinMatch = /^\/_matrix\/client\/v3\/(?:join\/([^/]+)|rooms\/([^/]+)\/join)$/.exec(path);
    if (joinMatch && method === 'POST') {
      const roomId = resolveRoom(joinMatch[1] ?? joinMatch[2] ?? '');
      if (!roomId) return send(res, 404, { errcode: 'M_NOT_FOUND', error: 'No known servers' }, call);
      if (membership(roomId, me) !== 'join') append(roomId, { type: 'm.room.member', state_key: me, sender: me, content: { membership: 'join' } });
      return send(res, 200, { room_id: roomId }, call);
    }
    const roomMatch = /^\/_matrix\/client\/v3\/rooms\/([^/]+)\/(.+)$/.exec(path);
    if (roomMatch) {
      const roomId = roomMatch[1]!;
      const rest = roomMatch[2]!;
      if (rest === 'leave' && method === 'POST') {
        append(roomId, { type: 'm.room.member', state_key: me, sender: me, content: { membership: 'leave' } });
        return send(res, 200, {}, call);
      }
      if (rest === 'invite' && method === 'POST') {
        append(roomId, { type: 'm.room.member', state_key: String(b.user_id), sender: me, content: { membership: 'invite' } });
        return send(res, 200, {}, call);
      }
      const sendMatch = /^send\/([^/]+)\/([^/]+)$/.exec(rest);
      if (sendMatch && method === 'PUT') {
        if (membership(roomId, me) !== 'join') return send(res, 403, { errcode: 'M_FORBIDDEN', error: 'not in room' }, call);
        const key = `${auth}/${sendMatch[2]}`;
        const known = txns.get(key);
        if (known) return send(res, 200, { event_id: known }, call);
        const event = append(roomId, { type: sendMatch[1]!, sender: me, content: b });
        txns.set(key, event.event_id);
        return send(res, 200, { event_id: event.event_id }, call);
      }
      const redactMatch = /^redact\/([^/]+)\/([^/]+)$/.exec(rest);
      if (redactMatch && method === 'PUT') {
        const event = append(roomId, { type: 'm.room.redaction', sender: me, content: { redacts: redactMatch[1] }, ...{ redacts: redactMatch[1] } } as never);
        return send(res, 200, { event_id: event.event_id }, call);
      }
      if (rest.startsWith('typing/') || rest.startsWith('receipt/') || rest === 'read_markers') return send(res, 200, {}, call);
      if (rest === 'members' && method === 'GET') {
        const chunk = log.filter((e) => e.roomId === roomId && e.event.type === 'm.room.member').map((e) => strip(e.event));
        const latest = new Map(chunk.map((e) => [e.state_key, e]));
        return send(res, 200, { chunk: [...latest.values()] }, call);
      }
    }
    if (/^\/_matrix\/media\/v3\/upload$/.test(path) && method === 'POST') {
      const id = randomBytes(8).toString('hex');
      const uri = `mxc://${MX_SERVER}/${id}`;
      media.set(uri, { data: raw, mime: String(req.headers['content-type'] ?? 'application/octet-stream'), name: url.searchParams.get('filename') ?? '' });
      return send(res, 200, { content_uri: uri }, call);
    }
    if (path.startsWith('/_matrix/client/v3/presence/') || path.startsWith('/_matrix/client/v3/user/')) return send(res, 200, {}, call);
    send(res, 404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' }, call);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errcode: 'M_UNKNOWN', error: String(error) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = async () => {
    for (const wake of [...waiters]) wake();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  t?.after(close);

  let roomCounter = 0;
  return {
    url,
    close,
    calls: () => calls,
    callsTo: (pattern: RegExp) => calls.filter((c) => pattern.test(c.path)),
    /**
     * A room with these members already joined; the bot joins too unless `botJoined` is false.
     * `encrypted` adds the m.room.encryption state event (Megolm), as clients do for private rooms.
     */
    createRoom(options: { members: string[]; botJoined?: boolean; alias?: string; encrypted?: boolean }): string {
      const roomId = `!room${++roomCounter}:${MX_SERVER}`;
      const creator = options.members[0] ?? MX_USER;
      append(roomId, { type: 'm.room.create', state_key: '', sender: creator, content: { creator, room_version: '10' } });
      if (options.encrypted) append(roomId, { type: 'm.room.encryption', state_key: '', sender: creator, content: { algorithm: 'm.megolm.v1.aes-sha2' } });
      for (const member of options.members) append(roomId, { type: 'm.room.member', state_key: member, sender: member, content: { membership: 'join' } });
      if (options.alias) {
        aliases.set(options.alias, roomId);
        append(roomId, { type: 'm.room.canonical_alias', state_key: '', sender: creator, content: { alias: options.alias } });
      }
      if (options.botJoined !== false) append(roomId, { type: 'm.room.member', state_key: MX_BOT, sender: MX_BOT, content: { membership: 'join' } });
      return roomId;
    },
    /** Someone invites the bot into a room of theirs. */
    invite(roomId: string, inviter: string): void {
      append(roomId, { type: 'm.room.member', state_key: MX_BOT, sender: inviter, content: { membership: 'invite' } }, true);
    },
    pushText(roomId: string, sender: string, text: string, extra: Record<string, unknown> = {}): string {
      return append(roomId, { type: 'm.room.message', sender, content: { msgtype: 'm.text', body: text, ...extra } }).event_id;
    },
    pushContent(roomId: string, sender: string, type: string, content: Record<string, unknown>): string {
      return append(roomId, { type, sender, content }).event_id;
    },
    /** The same event (same id) once more in a later sync, as a homeserver may redeliver it. */
    redeliver(eventId: string): void {
      const original = log.find((e) => e.event.event_id === eventId);
      if (!original) throw new Error(`no event ${eventId}`);
      append(original.roomId, { ...original.event });
    },
    react(roomId: string, sender: string, eventId: string, key: string): string {
      return append(roomId, { type: 'm.reaction', sender, content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: eventId, key } } }).event_id;
    },
    addMedia(data: Buffer, name: string, mime: string): string {
      const uri = `mxc://${MX_SERVER}/${randomBytes(8).toString('hex')}`;
      media.set(uri, { data, mime, name });
      return uri;
    },
    media: (uri: string) => media.get(uri),
    membership,
    /** Events the bot sent into a room (messages and reactions), oldest first. */
    sent(roomId: string, type = 'm.room.message'): MxEvent[] {
      return log.filter((e) => e.roomId === roomId && e.event.sender === MX_BOT && e.event.type === type).map((e) => e.event);
    },
    /** The bodies of the bot's text messages in a room. */
    texts(roomId: string): string[] {
      const redacted = new Set(log.filter((e) => e.event.type === 'm.room.redaction').map((e) => String(e.event.content.redacts)));
      return log.filter((e) => e.roomId === roomId && e.event.sender === MX_BOT && e.event.type === 'm.room.message' && !redacted.has(e.event.event_id))
        .map((e) => String(e.event.content.body ?? ''));
    },
    /** The stream position now: a sync whose `since` is at least this has seen everything before. */
    position: () => seq,
    loginCalls: () => calls.filter((c) => c.path === '/_matrix/client/v3/login' && c.method === 'POST'),
    /** The encryption keys the server holds (device keys, uploads). */
    keys,
  };
}
