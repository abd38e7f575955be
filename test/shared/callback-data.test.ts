import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CALLBACK_DATA_MAX_BYTES, CALLBACK_TAGS, decodeCallback, encodeCallback, type CallbackKind } from '../../src/shared/callbacks/callback-data.js';
import { CallbackRouter } from '../../src/shared/callbacks/callback-router.js';

test('every kind survives encode then decode', () => {
  for (const kind of Object.keys(CALLBACK_TAGS) as CallbackKind[]) {
    assert.deepEqual(decodeCallback(encodeCallback(kind, 'some payload')), { kind, payload: 'some payload' });
  }
});

test('the wire forms are those buttons already shown in chats carry', () => {
  assert.equal(encodeCallback('retry', 'tg:5:7'), 'rt:tg:5:7');
  assert.equal(encodeCallback('showFile', '3'), 'sf!3');
  assert.equal(encodeCallback('showFolder', '3'), 'sf:3');
  assert.deepEqual(decodeCallback('sf!docs/a.txt'), { kind: 'showFile', payload: 'docs/a.txt' });
  assert.deepEqual(decodeCallback('crn:t:0:job'), { kind: 'cron', payload: 't:0:job' });
});

test('data without a tag is read as an answer button label', () => {
  assert.deepEqual(decodeCallback('Yes please'), { kind: 'answerButton', payload: 'Yes please' });
});

test('long payloads are cut to 64 bytes without splitting a character', () => {
  const data = encodeCallback('answerButton', 'ü'.repeat(100));
  assert.ok(Buffer.byteLength(data) <= CALLBACK_DATA_MAX_BYTES);
  assert.equal(Buffer.byteLength(data), 64);
  assert.ok(!data.includes('\uFFFD'));
  const emoji = encodeCallback('model', '😀'.repeat(40));
  assert.ok(Buffer.byteLength(emoji) <= 64);
  assert.equal([...emoji.slice(3)].every((c) => c === '😀'), true);
});

test('the router runs the handler of the pressed kind, and none for kinds it does not serve', async () => {
  const router = new CallbackRouter<{ chat: number }, string>()
    .on('retry', (payload, ctx) => `retry ${payload} in ${ctx.chat}`)
    .on('model', async (payload) => `model ${payload}`);
  assert.equal(await router.dispatch('rt:abc', { chat: 1 }), 'retry abc in 1');
  assert.equal(await router.dispatch('ms:opus', { chat: 1 }), 'model opus');
  assert.equal(await router.dispatch('mq:x', { chat: 1 }), undefined);
  assert.equal(router.handles('ms:opus'), true);
  assert.equal(router.handles('sf!1'), false);
  assert.throws(() => router.on('retry', () => ''), /already registered/);
});
