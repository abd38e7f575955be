/**
 * Encrypted Matrix rooms through the real supervisor: a second matrix-js-sdk client with its own
 * Rust crypto (in memory) plays the user against the fake homeserver. The fake carries the whole
 * key exchange (device keys, one-time keys, to-device room keys, device-list changes); it does not
 * carry cross-signing or key backup, which ductor does not use (devices are not verified).
 */
import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { createClient, RoomEvent, type MatrixClient, type MatrixEvent } from 'matrix-js-sdk';
import { logger as sdkRootLogger, type Logger } from 'matrix-js-sdk/lib/logger.js';
import { startFakeMatrix, MX_BOT, MX_PASSWORD, MX_USER, type FakeMatrix } from '../helpers/fake-matrix.js';
import { FAKE_CLI_DIR, startRig, transcriptResult, type Rig } from '../helpers/rig.js';
import { spawnDuctor } from '../helpers/spawn-ductor.js';
import { waitFor } from '../helpers/wait-for.js';

function matrixConfig(mx: FakeMatrix, rooms: string[]): Record<string, unknown> {
  return {
    transport: 'matrix',
    telegram_token: '',
    matrix: { homeserver: mx.url, user_id: MX_BOT, password: MX_PASSWORD, allowed_rooms: rooms, allowed_users: [MX_USER] },
  };
}

// Parts of the SDK log through its root logger whatever a client is given (the crypto's
// decryption attempts, the send queue): silent here, so the test output shows only results.
(sdkRootLogger as unknown as { setLevel?: (level: string, persist?: boolean) => void }).setLevel?.('silent', false);

// The user's SDK client leaves timers behind after stopClient (a 6-hour capabilities poll, a
// 5-minute key-request timer of the Rust crypto, the timeouts of long polls it had open), which
// kept this test process alive for five minutes after its tests. Timers made in this process
// still fire while it runs; unref'd, they no longer hold it open once the tests are done.
const refTimeout = globalThis.setTimeout;
globalThis.setTimeout = ((...args: Parameters<typeof refTimeout>) => refTimeout(...args).unref()) as typeof setTimeout;

/** The user's client would log every sync and decryption attempt; only its errors are shown. */
const quietLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (...msg: unknown[]) => console.error('[user client]', ...msg),
  getChild: () => quietLogger,
};

type User = { client: MatrixClient; token: string; botTexts: string[]; botEvents: MatrixEvent[] };

/** Alice's own client: logs in, starts an in-memory Rust crypto, and collects the bot's messages decrypted. */
async function userClient(t: TestContext, mx: FakeMatrix): Promise<User> {
  const response = await fetch(`${mx.url}/_matrix/client/v3/login`, {
    method: 'POST',
    body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user: MX_USER }, password: MX_PASSWORD }),
  });
  const login = (await response.json()) as { access_token: string; device_id: string };
  const client = createClient({ baseUrl: mx.url, userId: MX_USER, accessToken: login.access_token, deviceId: login.device_id, logger: quietLogger });
  await client.initRustCrypto({ useIndexedDB: false });
  const user: User = { client, token: login.access_token, botTexts: [], botEvents: [] };
  client.on(RoomEvent.Timeline, (event, _room, toStart) => {
    if (toStart || event.getSender() !== MX_BOT) return;
    user.botEvents.push(event);
    void client.decryptEventIfNeeded(event).then(() => {
      if (event.getType() === 'm.room.message') user.botTexts.push(String(event.getContent().body ?? ''));
    });
  });
  t.after(() => client.stopClient());
  await client.startClient({ initialSyncLimit: 20, lazyLoadMembers: false, threadSupport: false });
  await waitFor(() => client.isInitialSyncComplete(), { timeoutMs: 20_000, message: 'alice’s client synced' });
  // The bot encrypts only to devices it knows of: alice's keys are on the server and the bot has
  // synced since (the sync tells it alice's device list changed).
  await waitFor(() => mx.keys.deviceKeys(MX_USER, login.device_id), { timeoutMs: 20_000, message: 'alice’s device keys uploaded' });
  const syncs = mx.callsTo(/\/sync$/).filter((c) => c.auth !== login.access_token).length;
  await waitFor(() => mx.callsTo(/\/sync$/).filter((c) => c.auth !== login.access_token).length >= syncs + 1, { timeoutMs: 20_000, message: 'the bot synced after alice’s keys' });
  return user;
}

const transportLog = (rig: Rig) => readFile(join(rig.home, 'logs', 'transport.log'), 'utf8');

async function botDevice(rig: Rig): Promise<string> {
  const stored = JSON.parse(await readFile(join(rig.home, 'matrix_store', 'credentials.json'), 'utf8')) as { device_id: string };
  return stored.device_id;
}

test('an encrypted room: the user’s encrypted message is answered encrypted, and after a restart the device keeps its keys and a second exchange works', async (t) => {
  const mx = await startFakeMatrix(t);
  const room = mx.createRoom({ members: [MX_USER], encrypted: true });
  const rig = await startRig(t, { config: matrixConfig(mx, [room]) });
  const answer = (await transcriptResult('claude', 'claude-local-hello')).trim().split('\n')[0]!;

  // The bot's device publishes its identity keys before anyone can encrypt to it.
  await waitFor(async () => mx.keys.deviceKeys(MX_BOT, await botDevice(rig).catch(() => '')), { timeoutMs: 30_000, message: 'the bot uploaded its device keys' });
  const device = await botDevice(rig);
  const identity = mx.keys.deviceKeys(MX_BOT, device)!.keys;
  const alice = await userClient(t, mx);

  await alice.client.sendTextMessage(room, 'hello through the encryption');
  const sent = mx.calls().filter((c) => c.method === 'PUT' && /\/rooms\/[^/]+\/send\/m\.room\.encrypted\//.test(c.path));
  assert.ok(sent.length >= 1, 'alice’s message went out encrypted');
  await waitFor(() => alice.botTexts.some((text) => text.includes(answer)), { timeoutMs: 30_000, message: `alice decrypted the answer (${JSON.stringify(alice.botTexts)})` });
  const prompts = (await rig.cliRuns()).map((r) => `${r.stdin ?? ''} ${(r.argv ?? []).join(' ')}`);
  assert.ok(prompts.some((p) => p.includes('hello through the encryption')), 'the CLI got the decrypted text');
  assert.deepEqual(mx.texts(room), [], 'the bot sent no plaintext message into the encrypted room');
  assert.ok(mx.sent(room, 'm.room.encrypted').length >= 1, 'the answer went out encrypted');

  // The keys live under the home, owner-only.
  const storeDir = join(rig.home, 'matrix_store');
  const storeFile = join(storeDir, 'crypto_store.bin');
  assert.equal((await stat(storeFile)).mode & 0o777, 0o600);
  assert.equal((await stat(storeDir)).mode & 0o777, 0o700);

  rig.ductor.child.kill('SIGTERM');
  await rig.ductor.waitForExit();
  const uploadsBefore = mx.keys.uploads.length;
  const syncsBefore = mx.callsTo(/\/sync$/).length;
  await spawnDuctor(t, rig.home, { PATH: `${FAKE_CLI_DIR}:${process.env.PATH ?? ''}`, FAKE_CLI_RECORD: rig.cliRecord, FAKE_CLI_DELAY_MS: '5' });
  await waitFor(() => mx.callsTo(/\/sync$/).length >= syncsBefore + 2, { timeoutMs: 30_000, message: 'the restarted ductor syncs' });
  assert.equal(await botDevice(rig), device, 'the same device');
  // Each start logs its device's identity key: the second start loaded the stored keys.
  const ready = (await transportLog(rig)).split('\n').filter((line) => line.includes('encryption ready')).map((line) => JSON.parse(line) as { ed25519: string; restored: boolean });
  assert.equal(ready.length, 2, 'two starts');
  assert.equal(ready[1]!.restored, true, 'the restart loaded the key store');
  assert.equal(ready[1]!.ed25519, ready[0]!.ed25519, 'the same identity key after the restart');
  assert.equal(ready[0]!.ed25519, identity[`ed25519:${device}`]);

  const answersBefore = alice.botTexts.length;
  await alice.client.sendTextMessage(room, 'a second encrypted question');
  await waitFor(() => alice.botTexts.slice(answersBefore).some((text) => text.includes(answer)), { timeoutMs: 30_000, message: `alice decrypted the second answer (${JSON.stringify(alice.botTexts)})` });
  const prompts2 = (await rig.cliRuns()).map((r) => `${r.stdin ?? ''} ${(r.argv ?? []).join(' ')}`);
  assert.ok(prompts2.some((p) => p.includes('a second encrypted question')), 'the restarted ductor decrypted the second message');
  // By now the restarted client has done its key uploads, if it had any to do.
  assert.deepEqual(mx.keys.deviceKeys(MX_BOT, device)!.keys, identity, 'the same identity keys on /keys/query');
  const newDeviceKeys = mx.keys.uploads.slice(uploadsBefore).filter((u) => u.userId === MX_BOT && u.deviceKeys);
  assert.deepEqual(newDeviceKeys, [], 'no new device keys uploaded after the restart');
  assert.ok(!mx.calls().some((c) => c.path.endsWith('/keys/upload') && c.status >= 400), 'no key upload was refused');
  // The SDK's and the Rust crypto's own logging (every sync, every key request) stays out of the
  // terminal and the journal; ductor's log says what matters.
  const sdkChatter = rig.ductor.output().split('\n').filter((line) => /RustBackupManager|matrix_sdk_crypto|initial sync request|FetchHttpApi|\[Perf\]/.test(line));
  assert.deepEqual(sdkChatter.slice(0, 5), [], 'no SDK log lines on ductor’s output');
});

test('messages ductor cannot decrypt are reported once in the room and in the log; a message whose key comes late is answered then', async (t) => {
  const mx = await startFakeMatrix(t);
  const room = mx.createRoom({ members: [MX_USER], encrypted: true });
  const rig = await startRig(t, { config: matrixConfig(mx, [room]) });
  const answer = (await transcriptResult('claude', 'claude-local-hello')).trim().split('\n')[0]!;
  await waitFor(async () => mx.keys.deviceKeys(MX_BOT, await botDevice(rig).catch(() => '')), { timeoutMs: 30_000, message: 'the bot uploaded its device keys' });
  const alice = await userClient(t, mx);

  // A real message whose room key reaches the bot only later (its to-device messages are held).
  mx.keys.hold(MX_BOT);
  const late = await alice.client.sendTextMessage(room, 'a readable one, its key late');
  await waitFor(() => alice.botTexts.some((text) => text.startsWith('🔒')), { timeoutMs: 30_000, message: `the room is told (${JSON.stringify(alice.botTexts)})` });
  // Two more it can never read: well-formed Megolm messages of a session nobody shared.
  const b64 = (bytes: number[]) => Buffer.from(bytes).toString('base64').replace(/=+$/, '');
  const megolm = (index: number) => b64([3, 0x08, index, 0x12, 16, ...new Array<number>(16).fill(7), ...new Array<number>(64).fill(1)]);
  const bogus = { algorithm: 'm.megolm.v1.aes-sha2', sender_key: b64(new Array<number>(32).fill(5)), session_id: b64(new Array<number>(32).fill(9)), device_id: 'ALICEDEV' };
  mx.pushContent(room, MX_USER, 'm.room.encrypted', { ...bogus, ciphertext: megolm(0) });
  mx.pushContent(room, MX_USER, 'm.room.encrypted', { ...bogus, ciphertext: megolm(1) });
  const position = mx.position();
  await waitFor(() => mx.callsTo(/\/sync$/).some((c) => c.auth !== alice.token && Number(c.query.get('since') ?? -1) >= position), { timeoutMs: 30_000, message: 'the bot synced them' });
  assert.equal((await rig.cliRuns()).filter((r) => r.event === 'start').length, 0, 'nothing ran while no key was there');

  mx.keys.release(MX_BOT);
  await waitFor(() => alice.botTexts.some((text) => text.includes(answer)), { timeoutMs: 30_000, message: 'the late message is answered once its key arrived' });
  const prompts = (await rig.cliRuns()).filter((r) => r.event === 'start').map((r) => `${r.stdin ?? ''} ${(r.argv ?? []).join(' ')}`);
  assert.equal(prompts.length, 1, 'only the message that could be decrypted ran the CLI');
  assert.ok(prompts[0]!.includes('a readable one, its key late'));
  assert.equal(alice.botTexts.filter((text) => text.startsWith('🔒')).length, 1, 'one notice for the room, not one per message');
  const log = await transportLog(rig);
  const logged = log.split('\n').filter((line) => line.includes('could not be decrypted'));
  assert.equal(logged.length, 1, 'logged once for the room');
  assert.match(logged[0]!, /MEGOLM_UNKNOWN_INBOUND_SESSION_ID/, 'the log names the reason');
  assert.ok(log.split('\n').some((line) => line.includes('decrypted after its key arrived late') && line.includes(late.event_id)), 'the log says the late message was decrypted');
});

test('a corrupt crypto store file is kept aside and reported, and the log says how to reset the device whose keys it held', async (t) => {
  const mx = await startFakeMatrix(t);
  const room = mx.createRoom({ members: [MX_USER], encrypted: true });
  const rig = await startRig(t, { config: matrixConfig(mx, [room]) });
  await waitFor(async () => mx.keys.deviceKeys(MX_BOT, await botDevice(rig).catch(() => '')), { timeoutMs: 30_000, message: 'the bot uploaded its device keys' });
  rig.ductor.child.kill('SIGTERM');
  await rig.ductor.waitForExit();
  const storeDir = join(rig.home, 'matrix_store');
  await writeFile(join(storeDir, 'crypto_store.bin'), 'not a crypto store');
  await spawnDuctor(t, rig.home, { PATH: `${FAKE_CLI_DIR}:${process.env.PATH ?? ''}`, FAKE_CLI_RECORD: rig.cliRecord, FAKE_CLI_DELAY_MS: '5' });
  const aside = await waitFor(async () => {
    const names = (await readdir(storeDir)).filter((n) => n.startsWith('crypto_store.bin.corrupt-'));
    return names.length > 0 ? names : null;
  }, { timeoutMs: 30_000, message: 'the bad file is kept aside' });
  assert.equal(aside.length, 1);
  assert.equal(await readFile(join(storeDir, aside[0]!), 'utf8'), 'not a crypto store', 'the bad file is kept as it was');
  const reset = await waitFor(async () => (await transportLog(rig)).split('\n').find((line) => line.includes('holds other encryption keys')) ?? null, { timeoutMs: 30_000, message: 'the log says the device needs a reset' });
  assert.match(reset, /credentials\.json/);
  const reported = (await transportLog(rig)).split('\n').find((line) => line.includes('kept aside'));
  assert.ok(reported?.includes(aside[0]!), `the log names where the file went: ${reported}`);
});
