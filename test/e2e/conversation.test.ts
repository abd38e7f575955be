/** Telegram → transport → agent → fake CLI → live edits back, through the real supervisor. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { rootCertificates } from 'node:tls';
import { isProcessAlive } from '../../src/shared/process-alive.js';
import { WORKER_ARENA_MAX, WORKER_MMAP_THRESHOLD_BYTES } from '../../src/shared/worker/process-env.js';
import { startRig, transcriptResult, USER_ID } from '../helpers/rig.js';
import { waitFor } from '../helpers/wait-for.js';

test('a private message streams into Telegram and ends with the transcript’s final text', async (t) => {
  const rig = await startRig(t, { env: { FAKE_CLI_TRANSCRIPT: 'claude-local-longtext', FAKE_CLI_DELAY_MS: '30' } });
  const expected = await transcriptResult('claude', 'claude-local-longtext');
  const lastLine = expected.trim().split('\n').at(-1)!;
  const { messageId } = rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'write me something long' });
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.visibleText.trim().endsWith(lastLine)), { timeoutMs: 20_000, message: 'final text visible' });
  const runs = await rig.cliRuns();
  const start = runs.find((r) => r.event === 'start');
  assert.ok(start?.argv?.includes('--output-format'), 'claude ran in stream-json mode');
  assert.ok(start?.argv?.includes('stream-json'));
  const visible = rig.tg.visible(USER_ID).filter((m) => m.kind === 'text');
  assert.equal(visible[0]?.replyTo, messageId, 'the answer replies to the user’s message');
  const shown = visible.map((m) => m.visibleText).join('\n');
  // Every section of the long reply arrived, split over several messages of at most 4096 characters.
  const sections = expected.match(/^#* *Section \d+/gm) ?? [];
  assert.ok(sections.length > 10);
  for (const section of sections) assert.ok(shown.includes(section.replace(/^#* */, '')), section);
  assert.ok(visible.length >= 2 && visible.every((m) => m.text.length <= 4096));
  assert.ok(rig.tg.callsOf('sendChatAction').length > 0, 'typing was shown');
});

test('an unlisted user reaches no CLI and gets no answer', async (t) => {
  const rig = await startRig(t);
  rig.tg.pushMessage({ chatId: 777, userId: 777, text: 'let me in' });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'hello' });
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.kind === 'text' && !m.visibleText.includes('queue')), { timeoutMs: 15_000 });
  assert.deepEqual(rig.tg.sent(777), []);
  const starts = (await rig.cliRuns()).filter((r) => r.event === 'start');
  assert.equal(starts.length, 1, 'only the allowed user’s message ran the CLI');
  assert.ok(!starts[0]!.stdin?.includes('let me in'));
});

test('an unlisted group reaches no CLI and the bot leaves it', async (t) => {
  const rig = await startRig(t);
  rig.tg.pushMessage({ chatId: -100999, userId: USER_ID, text: 'hi group', chatType: 'supergroup' });
  await waitFor(() => rig.tg.callsOf('leaveChat').length === 1, { timeoutMs: 15_000 });
  assert.equal(rig.tg.callsOf('leaveChat')[0]!.params.chat_id, -100999);
  assert.equal((await rig.cliRuns()).filter((r) => r.event === 'start').length, 0);
});

test('/stop kills the running CLI, and queued messages are discarded', async (t) => {
  const rig = await startRig(t, { env: { FAKE_CLI_MODE: 'hang' } });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'run forever' });
  const cliPid = await waitFor(async () => (await rig.cliRuns()).find((r) => r.event === 'start')?.pid, { timeoutMs: 15_000 });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'second, queued' });
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.visibleText.includes('[Message in queue...]')), { timeoutMs: 15_000 });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: '/stop' });
  await waitFor(() => !isProcessAlive(cliPid), { timeoutMs: 15_000, message: 'the CLI process is gone' });
  await waitFor(() => rig.tg.sent(USER_ID).some((m) => m.visibleText.includes('[Message discarded.]')), { timeoutMs: 15_000 });
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.visibleText.includes('Stopped')), { timeoutMs: 15_000 });
  assert.equal((await rig.cliRuns()).filter((r) => r.event === 'start').length, 1, 'the discarded message never ran');
});

test('a queued message can be cancelled with its button', async (t) => {
  const rig = await startRig(t, { env: { FAKE_CLI_DELAY_MS: '400' } });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'first' });
  await waitFor(async () => (await rig.cliRuns()).some((r) => r.event === 'start'), { timeoutMs: 15_000 });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'second' });
  const indicator = await waitFor(() => rig.tg.visible(USER_ID).find((m) => m.visibleText.includes('[Message in queue...]')), { timeoutMs: 15_000 });
  const markup = indicator.replyMarkup as { inline_keyboard: { callback_data: string }[][] };
  rig.tg.pushCallbackQuery({ chatId: USER_ID, userId: USER_ID, messageId: indicator.messageId, data: markup.inline_keyboard[0]![0]!.callback_data });
  await waitFor(() => rig.tg.sent(USER_ID).some((m) => m.visibleText.includes('[Message cancelled.]')), { timeoutMs: 15_000 });
  await waitFor(async () => (await rig.cliRuns()).some((r) => r.event === 'exit'), { timeoutMs: 20_000 });
  assert.equal((await rig.cliRuns()).filter((r) => r.event === 'start').length, 1, 'the cancelled message never ran');
});

test('forum topics are separate sessions and every reply goes to its thread', async (t) => {
  const rig = await startRig(t, { config: { allowed_group_ids: [-100500] } });
  rig.tg.pushMessage({ chatId: -100500, userId: USER_ID, text: 'in topic 7', chatType: 'supergroup', threadId: 7 });
  await waitFor(() => rig.tg.visible(-100500).some((m) => m.threadId === 7 && m.kind === 'text'), { timeoutMs: 15_000 });
  rig.tg.pushMessage({ chatId: -100500, userId: USER_ID, text: 'in topic 9', chatType: 'supergroup', threadId: 9 });
  await waitFor(() => rig.tg.visible(-100500).some((m) => m.threadId === 9 && m.kind === 'text'), { timeoutMs: 15_000 });
  const starts = (await rig.cliRuns()).filter((r) => r.event === 'start');
  assert.equal(starts.length, 2);
  assert.ok(starts.every((s) => !s.argv?.includes('--resume')), 'topic 9 did not resume topic 7’s session');
  assert.ok(rig.tg.sent(-100500).every((m) => m.threadId === 7 || m.threadId === 9));
});

test('a reply over 32k characters is rendered in the transport’s thread pool and arrives whole', async (t) => {
  // The production transport loads tinypool at run time through the launcher (esm-import.ts).
  const { tmpHome } = await import('../helpers/tmp-home.js');
  const { writeClaudeTranscript } = await import('../helpers/rig.js');
  const { join } = await import('node:path');
  const scratch = await tmpHome(t, 'ductor-transcript-');
  const paragraphs = Array.from({ length: 700 }, (_, i) => `Paragraph ${i} of the **long** report, with \`code\` & <tags>.`);
  await writeClaudeTranscript(scratch, 'huge', paragraphs.join('\n\n'));
  const rig = await startRig(t, { env: { FAKE_CLI_TRANSCRIPT: join(scratch, 'huge.jsonl') }, config: { streaming: { enabled: false } } });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'the full report please' });
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.visibleText.includes('Paragraph 699 ')), { timeoutMs: 30_000, message: 'last paragraph visible' });
  const visible = rig.tg.visible(USER_ID).filter((m) => m.kind === 'text');
  const shown = visible.map((m) => m.visibleText).join('\n');
  for (const index of [0, 250, 500, 699]) assert.ok(shown.includes(`Paragraph ${index} of the long report, with code & <tags>.`), `paragraph ${index}`);
  assert.ok(visible.length >= 9 && visible.every((m) => m.text.length <= 4096));
});

test('settings for the workers’ own processes stay out of the CLI: NODE_EXTRA_CA_CERTS only where TLS is spoken, the malloc threshold and arena limit', async (t) => {
  // Node reads the CA file into every process at start; only the transport needs it in its own process.
  const caFile = join(await mkdtemp(join(tmpdir(), 'ductor-ca-')), 'extra.pem');
  await writeFile(caFile, `${rootCertificates[0]}\n`);
  t.after(() => rm(dirname(caFile), { recursive: true, force: true }));
  const rig = await startRig(t, { env: { NODE_EXTRA_CA_CERTS: caFile, MALLOC_MMAP_THRESHOLD_: undefined, MALLOC_ARENA_MAX: undefined } });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'hello' });
  await waitFor(async () => (await rig.cliRuns()).some((r) => r.event === 'exit'), { timeoutMs: 15_000, message: 'the CLI ran' });
  const start = (await rig.cliRuns()).find((r) => r.event === 'start');
  assert.equal(start?.extraCaCerts, caFile, 'the CLI got NODE_EXTRA_CA_CERTS');
  assert.equal(start?.mallocMmapThreshold, null, 'the CLI did not inherit the workers’ malloc threshold');
  assert.equal(start?.mallocArenaMax, null, 'nor their arena limit');
  const status = await rig.ductor.status();
  const startEnv = (id: string) => readFileSync(`/proc/${status.workers.find((w) => w.id === id)!.pid}/environ`, 'latin1').split('\0');
  assert.ok(startEnv('transport').includes(`NODE_EXTRA_CA_CERTS=${caFile}`), 'the transport loads the extra CAs');
  for (const id of ['scheduler', 'agent:main']) {
    assert.ok(!startEnv(id).some((v) => v.startsWith('NODE_EXTRA_CA_CERTS=')), `${id} started without loading them`);
  }
  for (const id of ['transport', 'scheduler', 'agent:main']) {
    assert.ok(startEnv(id).includes(`MALLOC_MMAP_THRESHOLD_=${WORKER_MMAP_THRESHOLD_BYTES}`), `${id} runs with the fixed malloc threshold`);
    assert.ok(startEnv(id).includes(`MALLOC_ARENA_MAX=${WORKER_ARENA_MAX}`), `${id} runs with two malloc arenas`);
  }
});
