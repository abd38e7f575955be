/** Matrix ids on the bus: deterministic numbers for rooms and users, inbound ids that name the account. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matrixInboundId, matrixNumericId } from '../../src/workers/transport/matrix/ids.js';

test('two accounts in one room get different inbound ids for the same event', () => {
  const chatId = matrixNumericId('!room:example.org');
  const main = matrixInboundId('@main:example.org', chatId, '$event1');
  const helper = matrixInboundId('@helper:example.org', chatId, '$event1');
  assert.notEqual(main, helper);
  assert.equal(main, matrixInboundId('@main:example.org', chatId, '$event1'), 'stable across restarts');
  assert.match(main, /^mx:\d+:\d+:\$event1$/);
});
