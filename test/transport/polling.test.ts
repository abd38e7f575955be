import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { test } from 'node:test';
import { PollingFatalError, UpdatePoller, type PollingOptions } from '../../src/workers/transport/polling.js';
import { TelegramBot, type Update } from '../../src/workers/transport/telegram-bot.js';
import { FAKE_TOKEN, startFakeTelegram, type FakeTelegram } from '../helpers/fake-telegram.js';
import { waitFor } from '../helpers/wait-for.js';
import { RpcError } from '../../src/shared/errors.js';
import { RPC_TARGET_UNAVAILABLE } from '../../src/shared/rpc/errors.js';

function startPoller(t: { after(fn: () => unknown): void }, tg: FakeTelegram, options: Partial<PollingOptions> & Pick<PollingOptions, 'handleUpdates'>) {
  const controller = new AbortController();
  const poller = new UpdatePoller({
    source: new TelegramBot({ token: FAKE_TOKEN, apiRoot: tg.url }),
    allowedUpdates: ['message', 'callback_query'],
    timeoutSeconds: 1,
    backoffInitialMs: 20,
    backoffMaxMs: 100,
    ...options,
    botLabel: 'main',
  });
  const done = poller.run(controller.signal);
  t.after(async () => {
    controller.abort();
    await done;
  });
  return { poller, controller, done };
}

test('delivers updates and advances the offset only after the handler resolved', async (t) => {
  const tg = await startFakeTelegram(t);
  const seen: number[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const { poller } = startPoller(t, tg, {
    handleUpdates: async (updates) => {
      seen.push(...updates.map((u) => u.update_id));
      await gate;
    },
  });
  const { updateId } = tg.pushMessage({ chatId: 1, userId: 1, text: 'hello' });
  await waitFor(() => seen.includes(updateId));
  // While the handler is busy nothing is confirmed: the update is still pending at Telegram.
  assert.deepEqual(tg.pendingUpdates(), [updateId]);
  assert.equal(poller.stats.offset, undefined);
  release();
  await waitFor(() => poller.stats.offset === updateId + 1);
  await waitFor(() => tg.callsOf('getUpdates').some((c) => c.params.offset === updateId + 1));
  await waitFor(() => tg.pendingUpdates().length === 0);
  assert.deepEqual(tg.callsOf('getUpdates')[0]?.params.allowed_updates, ['message', 'callback_query']);
});

test('a handler that throws gets the same update again', async (t) => {
  const tg = await startFakeTelegram(t);
  const deliveries: number[] = [];
  let failuresLeft = 1;
  const { poller } = startPoller(t, tg, {
    handleUpdates: async (updates: Update[]) => {
      deliveries.push(...updates.map((u) => u.update_id));
      if (failuresLeft-- > 0) throw new Error('agent did not acknowledge');
    },
  });
  const { updateId } = tg.pushMessage({ chatId: 1, userId: 1, text: 'again' });
  await waitFor(() => poller.stats.offset === updateId + 1);
  assert.deepEqual(deliveries, [updateId, updateId]);
  assert.equal(poller.stats.handlerFailures, 1);
});

for (const [behaviour, code] of [['unauthorized', 401], ['conflict', 409]] as const) {
  test(`${code} stops polling and reports a fatal error that says what to do`, async (t) => {
    const tg = await startFakeTelegram(t);
    tg.setBehaviour(behaviour);
    const fatal: PollingFatalError[] = [];
    const { done } = startPoller(t, tg, { handleUpdates: async () => {}, onFatal: (e) => fatal.push(e) });
    const outcome = await done;
    assert.equal(outcome.reason, 'fatal');
    assert.equal(fatal.length, 1);
    assert.equal(fatal[0]?.errorCode, code);
    assert.match(fatal[0]?.message ?? '', code === 401 ? /telegram_token/ : /Another process is polling/);
    assert.ok(!(fatal[0]?.message ?? '').includes(FAKE_TOKEN));
    // Stopped for good: no retry hammers Telegram after a fatal answer.
    assert.equal(tg.callsOf('getUpdates').length, 1);
  });
}

test('429 on getUpdates waits and then polls again', async (t) => {
  const tg = await startFakeTelegram(t);
  tg.failNext('getUpdates', { code: 429, description: 'Too Many Requests: retry after 1', retryAfter: 1 });
  const seen: number[] = [];
  startPoller(t, tg, { handleUpdates: async (updates) => void seen.push(...updates.map((u) => u.update_id)) });
  const { updateId } = tg.pushMessage({ chatId: 1, userId: 1, text: 'later' });
  await waitFor(() => seen.includes(updateId));
  const polls = tg.callsOf('getUpdates');
  assert.equal(polls[0]?.status, 429);
  // The retry arrived after retry_after had passed (server arrival stamps; small timer tolerance, no upper bound).
  assert.ok((polls[1]?.at ?? 0) - (polls[0]?.at ?? 0) >= 950);
});

test('the watchdog aborts a getUpdates that stopped completing and polling recovers', async (t) => {
  const tg = await startFakeTelegram(t);
  tg.stallGetUpdates();
  const seen: number[] = [];
  const { poller } = startPoller(t, tg, {
    watchdogGraceMs: 200,
    handleUpdates: async (updates) => void seen.push(...updates.map((u) => u.update_id)),
  });
  await waitFor(() => tg.callsOf('getUpdates').length >= 1);
  const { updateId } = tg.pushMessage({ chatId: 1, userId: 1, text: 'after stall' });
  await waitFor(() => seen.includes(updateId), { timeoutMs: 8_000 });
  assert.equal(poller.stats.watchdogRestarts, 1);
  assert.equal(tg.callsOf('getUpdates')[0]?.status, 0, 'the first request never got an answer');
});

test('network errors back off and polling resumes; abort stops the loop promptly', async (t) => {
  const tg = await startFakeTelegram(t);
  tg.failNext('getUpdates', { code: 502, description: 'Bad Gateway', times: 2 });
  const seen: number[] = [];
  const { controller, done } = startPoller(t, tg, { handleUpdates: async (updates) => void seen.push(...updates.map((u) => u.update_id)) });
  const { updateId } = tg.pushMessage({ chatId: 1, userId: 1, text: 'through' });
  await waitFor(() => seen.includes(updateId));
  assert.deepEqual(tg.callsOf('getUpdates').slice(0, 2).map((c) => c.status), [502, 502]);
  controller.abort();
  assert.deepEqual(await done, { reason: 'aborted' });
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0, 'no abort listener is left behind');
});

// Poison updates ----------------------------------------------------------------------------------

type SetAside = { updateId: number; reason: string; update: unknown };

/** Updates that cannot be read as what they claim to be; each once stalled the bot for good. */
const MALFORMED: Array<[string, Record<string, unknown>]> = [
  ['a message with no chat', { message: { message_id: 1, date: 0, from: { id: 1, is_bot: false, first_name: 'U' }, text: 'hi' } }],
  ['text as a number', { message: { message_id: 2, date: 0, chat: { id: 1, type: 'private' }, from: { id: 1, is_bot: false, first_name: 'U' }, text: 42 } }],
  ['text as an object', { message: { message_id: 3, date: 0, chat: { id: 1, type: 'private' }, from: { id: 1, is_bot: false, first_name: 'U' }, text: { a: 1 } } }],
  ['chat.id as a string', { message: { message_id: 4, date: 0, chat: { id: '1', type: 'private' }, from: { id: 1, is_bot: false, first_name: 'U' }, text: 'hi' } }],
  ['text over 200,000 characters', { message: { message_id: 5, date: 0, chat: { id: 1, type: 'private' }, from: { id: 1, is_bot: false, first_name: 'U' }, text: 'x'.repeat(200_001) } }],
  ['a photo without its fields', { message: { message_id: 6, date: 0, chat: { id: 1, type: 'private' }, from: { id: 1, is_bot: false, first_name: 'U' }, photo: [{}] } }],
];

for (const [what, body] of MALFORMED) {
  test(`an update with ${what} is set aside once; the updates before and after it are handled`, async (t) => {
    const tg = await startFakeTelegram(t);
    const seen: number[] = [];
    const setAside: SetAside[] = [];
    const { poller } = startPoller(t, tg, {
      handleUpdates: async (updates) => {
        // What bot-runner does with the parts it reads; a malformed update throws here.
        for (const u of updates) {
          const m = (u as { message?: { chat: { id: number }; text?: string } }).message;
          if (m) void m.chat.id, void (m.text ?? '').trim();
          seen.push(u.update_id);
        }
      },
      onQuarantine: (entry) => void setAside.push(entry),
    });
    const before = tg.pushMessage({ chatId: 1, userId: 1, text: 'before' }).updateId;
    const poison = tg.pushUpdate(body);
    const after = tg.pushMessage({ chatId: 1, userId: 1, text: 'after' }).updateId;
    await waitFor(() => poller.stats.offset === after + 1, { message: 'the offset moved past every update' });
    assert.deepEqual(seen, [before, after], 'the handler saw the good updates and never the poison one');
    assert.equal(setAside.length, 1);
    assert.equal(setAside[0]?.updateId, poison);
    assert.ok((setAside[0]?.reason ?? '').length > 0, 'the reason is named');
    await waitFor(() => tg.pendingUpdates().length === 0);
  });
}

test('an update whose handling keeps failing is set aside after a bounded number of attempts', async (t) => {
  const tg = await startFakeTelegram(t);
  const handled: number[] = [];
  const attempts = new Map<number, number>();
  const setAside: SetAside[] = [];
  let poison = -1;
  const { poller } = startPoller(t, tg, {
    maxAttempts: 3,
    handleUpdates: async (updates) => {
      for (const u of updates) {
        attempts.set(u.update_id, (attempts.get(u.update_id) ?? 0) + 1);
        // Well-formed, but the agent refuses it every time (a bug, a limit): not a transient failure.
        if (u.update_id === poison) throw new TypeError('cannot read what this update holds');
        handled.push(u.update_id);
      }
    },
    onQuarantine: (entry) => void setAside.push(entry),
  });
  const before = tg.pushMessage({ chatId: 1, userId: 1, text: 'before' }).updateId;
  poison = tg.pushMessage({ chatId: 1, userId: 1, text: 'poison' }).updateId;
  const after = tg.pushMessage({ chatId: 1, userId: 1, text: 'after' }).updateId;
  await waitFor(() => poller.stats.offset === after + 1, { message: 'the offset moved past every update' });
  assert.deepEqual([...new Set(handled)], [before, after]);
  assert.deepEqual(setAside.map((e) => e.updateId), [poison]);
  assert.match(setAside[0]!.reason, /cannot read what this update holds/);
  // The first batch attempt, then three attempts of the poison update alone.
  assert.equal(attempts.get(poison), 4);
  await waitFor(() => tg.pendingUpdates().length === 0);
});

test('an agent that is down never gets an update set aside: the batch waits for it', async (t) => {
  const tg = await startFakeTelegram(t);
  const handled: number[] = [];
  const setAside: SetAside[] = [];
  let downFor = 8;
  const { poller } = startPoller(t, tg, {
    maxAttempts: 2,
    handleUpdates: async (updates) => {
      for (const u of updates) {
        if (downFor > 0) {
          downFor--;
          throw new RpcError('inbound', 'agent:main', RPC_TARGET_UNAVAILABLE, 'agent:main is not running');
        }
        handled.push(u.update_id);
      }
    },
    onQuarantine: (entry) => void setAside.push(entry),
  });
  const first = tg.pushMessage({ chatId: 1, userId: 1, text: 'one' }).updateId;
  const second = tg.pushMessage({ chatId: 1, userId: 1, text: 'two' }).updateId;
  await waitFor(() => poller.stats.offset === second + 1, { message: 'both delivered once the agent was back' });
  assert.deepEqual(handled, [first, second]);
  assert.deepEqual(setAside, []);
});

test('an update already set aside is not set aside again when its batch comes back after a transient failure', async (t) => {
  const tg = await startFakeTelegram(t);
  const handled: number[] = [];
  const setAside: SetAside[] = [];
  let downFor = 2;
  const { poller } = startPoller(t, tg, {
    handleUpdates: async (updates) => {
      if (downFor-- > 0) throw new RpcError('inbound', 'agent:main', RPC_TARGET_UNAVAILABLE, 'agent:main is restarting');
      handled.push(...updates.map((u) => u.update_id));
    },
    onQuarantine: (entry) => void setAside.push(entry),
  });
  const poison = tg.pushUpdate({ message: { message_id: 1, date: 0, text: 'no chat' } });
  const good = tg.pushMessage({ chatId: 1, userId: 1, text: 'good' }).updateId;
  await waitFor(() => poller.stats.offset === good + 1, { message: 'the offset moved past both' });
  assert.deepEqual(handled, [good]);
  assert.deepEqual(setAside.map((e) => e.updateId), [poison]);
  assert.equal(poller.stats.quarantined, 1);
});
