/** Matrix → transport → agent → fake CLI → segments back, through the real supervisor and matrix-js-sdk. */
import assert from 'node:assert/strict';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { startFakeMatrix, MX_BOT, MX_PASSWORD, MX_USER, type FakeMatrix } from '../helpers/fake-matrix.js';
import { FAKE_CLI_DIR, startRig, transcriptResult, USER_ID, writeClaudeTranscript, type Rig } from '../helpers/rig.js';
import { spawnDuctor } from '../helpers/spawn-ductor.js';
import { tmpHome } from '../helpers/tmp-home.js';
import { waitFor } from '../helpers/wait-for.js';

function matrixConfig(mx: FakeMatrix, rooms: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    transport: 'matrix',
    telegram_token: '',
    matrix: { homeserver: mx.url, user_id: MX_BOT, password: MX_PASSWORD, allowed_rooms: rooms, allowed_users: [MX_USER] },
    ...extra,
  };
}

test('a message in an allowed room streams into segments and ends with the transcript’s final text', async (t) => {
  const mx = await startFakeMatrix(t);
  const room = mx.createRoom({ members: [MX_USER, '@bob:fake.local'] });
  const rig = await startRig(t, { config: matrixConfig(mx, [room]), env: { FAKE_CLI_TRANSCRIPT: 'claude-local-longtext', FAKE_CLI_DELAY_MS: '30' } });
  const expected = await transcriptResult('claude', 'claude-local-longtext');
  const lastLine = expected.trim().split('\n').at(-1)!;
  await waitFor(() => mx.callsTo(/\/sync$/).length >= 2, { timeoutMs: 20_000, message: 'the client syncs' });
  mx.pushText(room, MX_USER, 'write me something long');
  await waitFor(() => mx.texts(room).some((text) => text.trim().endsWith(lastLine)), { timeoutMs: 30_000, message: 'final text in the room' });
  const texts = mx.texts(room);
  assert.ok(texts.length >= 2, `the answer came as several segments (${texts.length})`);
  const shown = texts.join('\n');
  for (const section of expected.match(/^#* *Section \d+/gm) ?? []) assert.ok(shown.includes(section.replace(/^#* */, '')), section);
  assert.equal(mx.callsTo(/\/send\/m\.room\.message\//).filter((c) => (c.body as { 'm.new_content'?: unknown })['m.new_content']).length, 0, 'no edits');
  const sessions = await readFile(join(rig.home, 'sessions.json'), 'utf8');
  assert.match(sessions, /"mx:/, 'the session key carries the transport');
  // The first password login was stored for the next start, owner-only.
  const credentials = join(rig.home, 'matrix_store', 'credentials.json');
  assert.equal((await stat(credentials)).mode & 0o777, 0o600);
  assert.ok(!rig.ductor.output().includes(MX_PASSWORD), 'the password is never logged');
});

const starts = async (rig: Rig) => (await rig.cliRuns()).filter((r) => r.event === 'start');
const synced = (mx: FakeMatrix, n = 2) => waitFor(() => mx.callsTo(/\/sync$/).length >= n, { timeoutMs: 20_000, message: 'the client syncs' });

test('a disallowed room and a disallowed user reach no CLI; invitations outside the allowlists are declined', async (t) => {
  const mx = await startFakeMatrix(t);
  const allowed = mx.createRoom({ members: [MX_USER, '@bob:fake.local'] });
  const foreign = mx.createRoom({ members: [MX_USER, '@bob:fake.local'] });
  const rig = await startRig(t, { config: matrixConfig(mx, [allowed]) });
  await synced(mx);
  mx.pushText(foreign, MX_USER, 'hello from a room nobody allowed');
  mx.pushText(allowed, '@mallory:fake.local', 'hello from a stranger');
  const strangers = mx.createRoom({ members: ['@mallory:fake.local'], botJoined: false });
  mx.invite(strangers, '@mallory:fake.local');
  const friends = mx.createRoom({ members: [MX_USER], botJoined: false });
  mx.invite(friends, MX_USER);
  mx.pushText(allowed, MX_USER, 'hello from alice');
  await waitFor(() => mx.texts(allowed).length > 0, { timeoutMs: 20_000, message: 'alice is answered' });
  await waitFor(() => mx.membership(strangers, MX_BOT) === 'leave' && mx.membership(friends, MX_BOT) === 'join', { timeoutMs: 20_000, message: 'invites handled' });
  const runs = await starts(rig);
  assert.equal(runs.length, 1, 'only the allowed user in the allowed room ran the CLI');
  assert.deepEqual(mx.texts(foreign), []);
  const stdin = (await rig.cliRuns()).map((r) => r.stdin ?? '').join('\n');
  assert.ok(!stdin.includes('stranger') && !stdin.includes('nobody allowed'));
});

test('with group_mention_only a non-DM room answers mentions from anyone and ignores the rest; !commands reach the agent as /commands', async (t) => {
  const mx = await startFakeMatrix(t);
  const room = mx.createRoom({ members: [MX_USER, '@bob:fake.local'] });
  const rig = await startRig(t, { config: matrixConfig(mx, [room], { group_mention_only: true }) });
  await synced(mx);
  mx.pushText(room, MX_USER, 'talking among ourselves');
  mx.pushText(room, '@bob:fake.local', 'ductor: please answer bob', { 'm.mentions': { user_ids: [MX_BOT] } });
  await waitFor(() => mx.texts(room).length > 0, { timeoutMs: 20_000, message: 'the mention is answered' });
  const runs = await starts(rig);
  assert.equal(runs.length, 1, 'the unaddressed message ran nothing');
  mx.pushText(room, MX_USER, '!status ductor');
  await waitFor(() => mx.texts(room).some((text) => /session|model|provider/i.test(text) && !text.includes('Hello')), { timeoutMs: 20_000, message: `!status answered by the agent: ${JSON.stringify(mx.texts(room))}` });
  assert.equal((await starts(rig)).length, 1, 'a command runs no CLI');
});

test('a redelivered event (same event id in a later sync) runs once', async (t) => {
  const mx = await startFakeMatrix(t);
  const room = mx.createRoom({ members: [MX_USER, '@bob:fake.local'] });
  const rig = await startRig(t, { config: matrixConfig(mx, [room]) });
  await synced(mx);
  const eventId = mx.pushText(room, MX_USER, 'first question');
  await waitFor(async () => (await starts(rig)).length === 1 && mx.texts(room).length > 0, { timeoutMs: 20_000, message: 'first' });
  mx.redeliver(eventId);
  mx.pushText(room, MX_USER, 'second question');
  await waitFor(async () => (await rig.cliRuns()).some((r) => (r.argv ?? []).includes('second question')) && mx.texts(room).length >= 2, { timeoutMs: 20_000, message: 'second' });
  await waitFor(async () => (await starts(rig)).length >= 2, { timeoutMs: 20_000 });
  const stdin = (await rig.cliRuns()).filter((r) => r.event === 'stdin' || r.event === 'start').map((r) => `${r.stdin ?? ''} ${(r.argv ?? []).join(' ')}`);
  assert.equal(stdin.filter((s) => s.includes('first question')).length, 1, 'the redelivered event ran once');
  assert.equal((await starts(rig)).length, 2);
});

test('Telegram and Matrix run at once for the main agent with separate sessions', async (t) => {
  const mx = await startFakeMatrix(t);
  const room = mx.createRoom({ members: [MX_USER, '@bob:fake.local'] });
  const config = matrixConfig(mx, [room], { transport: 'telegram', transports: ['telegram', 'matrix'] });
  delete config.telegram_token;
  const rig = await startRig(t, { config });
  await synced(mx);
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'hello telegram' });
  mx.pushText(room, MX_USER, 'hello matrix');
  await waitFor(() => mx.texts(room).length > 0, { timeoutMs: 20_000, message: 'Matrix answered' });
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.kind === 'text' && !m.visibleText.includes('queue')), { timeoutMs: 20_000, message: 'Telegram answered' });
  const sessions = await waitFor(async () => {
    const raw = await readFile(join(rig.home, 'sessions.json'), 'utf8').catch(() => '');
    return raw.includes('"tg:') && raw.includes('"mx:') ? raw : null;
  }, { timeoutMs: 20_000, message: 'both sessions stored' });
  assert.ok(sessions);
  assert.equal((await starts(rig)).length, 2, 'one CLI run per transport');
});

test('the first start logs in with the password and stores the token; the next start uses the token and skips old events', async (t) => {
  const mx = await startFakeMatrix(t);
  const room = mx.createRoom({ members: [MX_USER, '@bob:fake.local'] });
  const rig = await startRig(t, { config: matrixConfig(mx, [room]) });
  await synced(mx);
  mx.pushText(room, MX_USER, 'before the restart');
  await waitFor(() => mx.texts(room).length > 0, { timeoutMs: 20_000 });
  assert.equal(mx.loginCalls().length, 1);
  const stored = JSON.parse(await readFile(join(rig.home, 'matrix_store', 'credentials.json'), 'utf8')) as { access_token: string; device_id: string };
  rig.ductor.child.kill('SIGTERM');
  await rig.ductor.waitForExit();
  const syncsBefore = mx.callsTo(/\/sync$/).length;
  await spawnDuctor(t, rig.home, { PATH: `${FAKE_CLI_DIR}:${process.env.PATH ?? ''}`, FAKE_CLI_RECORD: rig.cliRecord, FAKE_CLI_DELAY_MS: '5' });
  await waitFor(() => mx.callsTo(/\/sync$/).length >= syncsBefore + 2, { timeoutMs: 20_000, message: 'the second start syncs' });
  assert.equal(mx.loginCalls().length, 1, 'no second password login');
  const afterRestart = mx.calls().slice(mx.calls().findIndex((c, i) => i >= syncsBefore && c.path.endsWith('/sync')));
  assert.ok(afterRestart.every((c) => c.path.endsWith('/versions') || c.auth === stored.access_token), 'the stored token is used');
  mx.pushText(room, MX_USER, 'after the restart');
  await waitFor(async () => (await starts(rig)).length === 2 && mx.texts(room).length >= 2, { timeoutMs: 20_000 });
  const stdin = (await rig.cliRuns()).map((r) => `${r.stdin ?? ''} ${(r.argv ?? []).join(' ')}`);
  assert.equal(stdin.filter((s) => s.includes('before the restart')).length, 1, 'the initial sync after the restart did not run the old message again');
});

test('a file comes in from mxc:// into the workspace, a <file:…> answer goes out as m.file/m.image, and reaction buttons press', async (t) => {
  const mx = await startFakeMatrix(t);
  const room = mx.createRoom({ members: [MX_USER, '@bob:fake.local'] });
  const scratch = await tmpHome(t, 'ductor-transcript-');
  const transcript = join(scratch, 'files.jsonl');
  const rig = await startRig(t, { config: matrixConfig(mx, [room], { streaming: { enabled: false } }), env: { FAKE_CLI_TRANSCRIPT: transcript } });
  const out = join(rig.home, 'workspace', 'output_to_user');
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'report.bin'), Buffer.from('report-bytes'));
  await writeFile(join(out, 'chart.png'), Buffer.from('png-bytes'));
  await writeClaudeTranscript(scratch, 'files', [`Here you go. [button:Yes] [button:No]`, `<file:${join(out, 'report.bin')}>`, `<file:${join(out, 'chart.png')}>`].join('\n'));
  await synced(mx);
  const url = mx.addMedia(Buffer.from('%PDF-fake'), 'spec.pdf', 'application/pdf');
  mx.pushContent(room, MX_USER, 'm.room.message', { msgtype: 'm.file', body: 'spec.pdf', url, info: { mimetype: 'application/pdf', size: 9 } });
  await waitFor(async () => (await rig.cliRuns()).some((r) => `${r.stdin ?? ''}${(r.argv ?? []).join(' ')}`.includes('spec.pdf')), { timeoutMs: 20_000, message: 'the file reached the prompt' });
  await waitFor(() => mx.sent(room).filter((e) => e.content.msgtype === 'm.file' || e.content.msgtype === 'm.image').length === 2, { timeoutMs: 20_000, message: 'both files sent' });
  const sentFiles = mx.sent(room).filter((e) => e.content.msgtype === 'm.file' || e.content.msgtype === 'm.image');
  const report = sentFiles.find((e) => e.content.body === 'report.bin')!;
  assert.equal(report.content.msgtype, 'm.file');
  assert.equal(mx.media(String(report.content.url))?.data.toString(), 'report-bytes');
  assert.equal(sentFiles.find((e) => e.content.body === 'chart.png')?.content.msgtype, 'm.image');
  const withButtons = mx.sent(room).find((e) => String(e.content.body).includes('Here you go.'))!;
  assert.match(String(withButtons.content.body), /1️⃣ Yes\n2️⃣ No/);
  await waitFor(() => mx.sent(room, 'm.reaction').length === 2, { timeoutMs: 20_000, message: 'the bot offered the reactions' });
  const runsBefore = (await starts(rig)).length;
  mx.react(room, MX_USER, withButtons.event_id, '2️⃣');
  await waitFor(async () => (await starts(rig)).slice(runsBefore).some((r) => (r.argv ?? []).at(-1) === 'No'), { timeoutMs: 20_000, message: 'the reaction pressed "No"' });
});

test('a Matrix event the agent can never take is quarantined and reported; the events around it are answered', async (t) => {
  const mx = await startFakeMatrix(t);
  const room = mx.createRoom({ members: [MX_USER, '@bob:fake.local'] });
  const rig = await startRig(t, { config: matrixConfig(mx, [room]) });
  await synced(mx);
  mx.pushText(room, MX_USER, 'before the poison');
  const poison = mx.pushText(room, MX_USER, 'p'.repeat(200_001));
  mx.pushText(room, MX_USER, 'after the poison');
  await waitFor(async () => (await starts(rig)).length === 2, { timeoutMs: 30_000, message: 'both good events ran' });
  const ran = (await starts(rig)).map((r) => `${r.stdin ?? ''} ${(r.argv ?? []).join(' ')}`);
  assert.ok(ran[0]!.includes('before the poison') && ran[1]!.includes('after the poison'));
  const file = join(rig.home, 'run', 'quarantine.jsonl');
  const entry = await waitFor(async () => {
    const line = (await readFile(file, 'utf8').catch(() => '')).trim().split('\n')[0];
    return line ? (JSON.parse(line) as { id: string; transport: string; reason: string }) : null;
  }, { timeoutMs: 20_000, message: 'the poison event is in the quarantine file' });
  assert.equal(entry.id, poison);
  assert.equal(entry.transport, 'mx');
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  await waitFor(() => mx.texts(room).some((text) => text.includes('set aside')), { timeoutMs: 20_000, message: 'the room is told' });
});
