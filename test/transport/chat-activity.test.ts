import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ChatActivity } from '../../src/workers/transport/chat-activity.js';
import { tmpHome } from '../helpers/tmp-home.js';

test('groups recorded at once by several bots are all kept (read-modify-writes take turns)', async (t) => {
  const home = await tmpHome(t);
  const activity = new ChatActivity(join(home, 'chat_activity.json'));
  await Promise.all(Array.from({ length: 25 }, (_, i) => activity.record(i % 2 ? 'main' : 'helper', { id: -1000 - i, title: `g${i}`, type: 'group' }, 'active')));
  const seen = [...(await activity.list('main')), ...(await activity.list('helper'))].map((c) => c.chat_id).sort((a, b) => b - a);
  assert.deepEqual(seen, Array.from({ length: 25 }, (_, i) => -1000 - i));
});
