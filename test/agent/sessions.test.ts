/** Chat sessions: keys, freshness rules, provider buckets, legacy migration, corrupt files. */
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { lastDailyBoundary, staleReason, type FreshnessPolicy } from '../../src/workers/agent/sessions/freshness.js';
import { parseStorageKey, storageKey } from '../../src/workers/agent/sessions/session-key.js';
import { SessionManager, type Target } from '../../src/workers/agent/sessions/session-manager.js';
import { tmpHome } from '../helpers/tmp-home.js';

const policy: FreshnessPolicy = { idleTimeoutMinutes: 60, dailyResetEnabled: false, dailyResetHour: 4, maxSessionMessages: null, timeZone: 'UTC' };
const opus: Target = { provider: 'claude', model: 'opus', reasoningEffort: 'medium' };
const codex: Target = { provider: 'codex', model: 'gpt-5.2-codex', reasoningEffort: 'medium' };
const chat = { transport: 'tg' as const, chatId: 42, topicId: null };
const topic = { transport: 'tg' as const, chatId: -100123, topicId: 7 };

test('storage keys round-trip and legacy keys parse as Telegram', () => {
  assert.equal(storageKey(chat), 'tg:42');
  assert.equal(storageKey(topic), 'tg:-100123:7');
  assert.deepEqual(parseStorageKey('tg:-100123:7'), topic);
  assert.deepEqual(parseStorageKey('42'), chat);
  assert.deepEqual(parseStorageKey('-100123:7'), topic);
  assert.deepEqual(parseStorageKey('telegram:42'), chat);
  assert.equal(parseStorageKey('tg:abc'), null);
});

test('freshness: idle, message cap, corrupt timestamp, daily boundary', () => {
  const now = new Date('2026-03-10T12:00:00Z');
  assert.equal(staleReason('2026-03-10T11:30:00Z', 0, policy, now), null);
  assert.equal(staleReason('2026-03-10T10:59:00Z', 0, policy, now), 'idle');
  assert.equal(staleReason('not a date', 0, policy, now), 'corrupt-timestamp');
  assert.equal(staleReason('2026-03-10T11:59:00Z', 5, { ...policy, maxSessionMessages: 5 }, now), 'max-messages');
  const daily = { ...policy, idleTimeoutMinutes: 0, dailyResetEnabled: true, dailyResetHour: 4, timeZone: 'Europe/Berlin' };
  // 04:00 in Berlin on 10 March is 03:00 UTC.
  assert.equal(lastDailyBoundary(now, 4, 'Europe/Berlin').toISOString(), '2026-03-10T03:00:00.000Z');
  assert.equal(staleReason('2026-03-10T02:59:00Z', 0, daily, now), 'daily-reset');
  assert.equal(staleReason('2026-03-10T03:01:00Z', 0, daily, now), null);
  // Before today's boundary, the boundary is yesterday's.
  assert.equal(lastDailyBoundary(new Date('2026-03-10T02:00:00Z'), 4, 'Europe/Berlin').toISOString(), '2026-03-09T03:00:00.000Z');
});

test('a new chat starts a new session; the captured id resumes; topics are separate', async (t) => {
  const home = await tmpHome(t);
  const sessions = new SessionManager(join(home, 'sessions.json'), () => undefined);
  const first = await sessions.resolve(chat, opus, policy, null);
  assert.equal(first.isNew, true);
  await sessions.captureSessionId(chat, 'claude', 'sess-1');
  await sessions.recordTurn(chat, 'claude', { sessionId: 'sess-1', costUsd: 0.5, tokens: 100, countsAsMessage: true });
  const again = await new SessionManager(join(home, 'sessions.json'), () => undefined).resolve(chat, opus, policy, null);
  assert.equal(again.isNew, false);
  assert.equal(again.bucket.session_id, 'sess-1');
  assert.equal(again.bucket.message_count, 1);
  const inTopic = await sessions.resolve(topic, opus, policy, null);
  assert.equal(inTopic.isNew, true, 'a topic never resumes the chat session');
});

test('switching provider keeps the other bucket, and /new resets only the active one', async (t) => {
  const home = await tmpHome(t);
  const sessions = new SessionManager(join(home, 'sessions.json'), () => undefined);
  await sessions.resolve(chat, opus, policy, null);
  await sessions.recordTurn(chat, 'claude', { sessionId: 'c-1', costUsd: 0, tokens: 0, countsAsMessage: true });
  await sessions.setTarget(chat, codex);
  const switched = await sessions.resolve(chat, opus, policy, null);
  assert.equal(switched.isNew, true);
  await sessions.recordTurn(chat, 'codex', { sessionId: 'x-1', costUsd: 0, tokens: 0, countsAsMessage: true });
  assert.equal(await sessions.resetActiveBucket(chat), 'codex');
  await sessions.setTarget(chat, opus);
  const back = await sessions.resolve(chat, opus, policy, null);
  assert.equal(back.bucket.session_id, 'c-1', 'the claude bucket survived');
  const record = await sessions.get(chat);
  assert.equal(record?.provider_sessions.codex, undefined);
});

test('legacy flat session fields migrate into the provider bucket', async (t) => {
  const home = await tmpHome(t);
  const file = join(home, 'sessions.json');
  const now = new Date().toISOString();
  await writeFile(file, JSON.stringify({ '42': { chat_id: 42, provider: 'claude', model: 'opus', created_at: now, last_active: now, session_id: 'old-1', message_count: 3 } }));
  const sessions = new SessionManager(file, () => undefined);
  const resolved = await sessions.resolve(chat, opus, policy, null);
  assert.equal(resolved.bucket.session_id, 'old-1');
  assert.equal(resolved.bucket.message_count, 3);
  const saved = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  assert.deepEqual(Object.keys(saved), ['tg:42']);
});

test('a corrupt sessions.json is moved aside and reported, and a fresh session starts', async (t) => {
  const home = await tmpHome(t);
  const file = join(home, 'sessions.json');
  await writeFile(file, '{"tg:42": {"chat_id": "forty-two"}}');
  const reports: string[] = [];
  const sessions = new SessionManager(file, (r) => reports.push(r.movedTo));
  const resolved = await sessions.resolve(chat, opus, policy, null);
  assert.equal(resolved.isNew, true);
  assert.equal(reports.length, 1);
  assert.ok((await readdir(home)).some((n) => n.startsWith('sessions.json.corrupt-')));
});

test('saves of many chats at once land in order: the file ends with every record; a turn can start before its record is written', async (t) => {
  const home = await tmpHome(t);
  const file = join(home, 'sessions.json');
  const sessions = new SessionManager(file, () => undefined);
  const chats = Array.from({ length: 30 }, (_, i) => ({ transport: 'tg' as const, chatId: 1000 + i, topicId: null }));
  // Concurrent resolves and captures, as turns of 30 chats do.
  await Promise.all(chats.map(async (c, i) => {
    const resolved = await sessions.resolveWhileSaving(c, opus, policy, null);
    await sessions.captureSessionId(c, 'claude', `sid-${i}`, resolved.epoch);
    await resolved.saved;
  }));
  const onDisk = JSON.parse(await readFile(file, 'utf8')) as Record<string, { provider_sessions: { claude?: { session_id: string } } }>;
  for (const [i, c] of chats.entries()) assert.equal(onDisk[storageKey(c)]?.provider_sessions.claude?.session_id, `sid-${i}`, storageKey(c));
});

test('an @model directive runs one turn on its target and leaves the session\'s model alone', async (t) => {
  const home = await tmpHome(t);
  const sessions = new SessionManager(join(home, 'sessions.json'), () => undefined);
  await sessions.resolve(chat, opus, policy, null);
  await sessions.recordTurn(chat, 'claude', { sessionId: 'c-1', costUsd: 0, tokens: 0, countsAsMessage: true });
  const oneShot = await sessions.resolve(chat, opus, policy, codex);
  assert.deepEqual(oneShot.target, codex, 'this turn runs codex');
  assert.equal(oneShot.isNew, true, 'in the codex bucket');
  await sessions.recordTurn(chat, 'codex', { sessionId: 'x-1', costUsd: 0, tokens: 0, countsAsMessage: true });
  const record = await new SessionManager(join(home, 'sessions.json'), () => undefined).get(chat);
  assert.equal(record?.model, 'opus', 'the stored model is unchanged');
  assert.equal(record?.provider, 'claude');
  const next = await sessions.resolve(chat, opus, policy, null);
  assert.deepEqual(next.target, opus, 'the next plain message runs the session\'s model again');
  assert.equal(next.bucket.session_id, 'c-1');
});
