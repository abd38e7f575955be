/**
 * Matrix segments across a transport restart, at the moment no e2e test can hit reliably: a
 * segment recorded as being sent when the process died. The restarted transport sends it again with
 * the same transaction id (a homeserver answers that with the first event), then only the rest.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigSchema } from '../../src/shared/config/schema.js';
import { silentLogger } from '../../src/shared/log/logger.js';
import type { ChatRef } from '../../src/shared/rpc/conversation-schemas.js';
import { ChatRunner } from '../../src/workers/transport/chat-runner.js';
import { DeliveryLog } from '../../src/workers/transport/delivery-log.js';
import { RoomDirectory } from '../../src/workers/transport/matrix/ids.js';
import type { MatrixSession } from '../../src/workers/transport/matrix/matrix-client.js';
import { MatrixNetwork } from '../../src/workers/transport/matrix/matrix-network.js';
import { StreamStates } from '../../src/workers/transport/stream-state.js';
import { waitFor } from '../helpers/wait-for.js';

const ROOM = '!room:fake.local';

/** Sends into one room and, as a homeserver does, answers a repeated transaction id with the first event. */
function fakeSession(crashOnSend?: () => boolean) {
  const room: Array<{ eventId: string; content: Record<string, unknown> }> = [];
  const txns = new Map<string, string>();
  const session = {
    userId: '@ductor:fake.local',
    joinedRoomIds: () => [ROOM],
    async send(_roomId: string, _type: string, content: Record<string, unknown>, txnId?: string) {
      const known = txnId ? txns.get(txnId) : undefined;
      if (known) return known;
      const eventId = `$e${room.length}`;
      room.push({ eventId, content });
      if (txnId) txns.set(txnId, eventId);
      // The process dies right after the homeserver took the event, before the answer arrives.
      if (crashOnSend?.()) return new Promise<string>(() => undefined);
      return eventId;
    },
  } as unknown as MatrixSession;
  return { session, bodies: () => room.map((e) => String(e.content.body)) };
}

async function transport(dir: string, session: MatrixSession) {
  const config = ConfigSchema.parse({ streaming: { enabled: true, min_chars: 10, max_chars: 2000 } });
  const rooms = new RoomDirectory();
  const network = new MatrixNetwork({ session: () => session, rooms, config: () => config, log: silentLogger() });
  const deliveries = new DeliveryLog(join(dir, 'deliveries.json'), () => assert.fail('not corrupt'));
  const streams = new StreamStates(join(dir, 'streams.json'), () => assert.fail('not corrupt'));
  await deliveries.load();
  await streams.load();
  const chat: ChatRef = network.chatOf(ROOM);
  return { chat, streams, runner: new ChatRunner({ agent: 'main', network, deliveries, streams, log: silentLogger() }) };
}

test('a segment in flight at the crash is sent again with its transaction id: it is in the room once, and the final sends only the rest', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ductor-mx-network-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  let sends = 0;
  const homeserver = fakeSession(() => ++sends === 2);
  const first = await transport(dir, homeserver.session);
  first.runner.stream('turn-1', first.chat, null, [{ kind: 'text', text: 'Part one of it.\n\n' }, { kind: 'text', text: 'Part two of it.\n\n' }, { kind: 'text', text: 'Part' }]);
  // The second segment reached the room; its answer never came back (the process "died").
  await waitFor(() => homeserver.bodies().length === 2);
  await waitFor(async () => {
    const reread = new StreamStates(join(dir, 'streams.json'), () => assert.fail('not corrupt'));
    await reread.load();
    return reread.get('main', 'turn-1')?.pending?.text === 'Part two of it.';
  }, { message: 'the segment in flight is recorded' });

  const restarted = await transport(dir, homeserver.session);
  const final = 'Part one of it.\n\nPart two of it.\n\nPart three, the end.';
  await restarted.runner.deliver({ deliveryId: 'turn-1:final', chat: restarted.chat, replyTo: null, text: final, format: 'markdown', kind: 'answer', buttons: [], turnId: 'turn-1', files: [] });
  assert.deepEqual(homeserver.bodies(), ['Part one of it.', 'Part two of it.', 'Part three, the end.']);
  assert.equal(restarted.streams.get('main', 'turn-1'), undefined, 'the record goes once the answer is delivered');
});
