/** The WebSocket API: a real ws client with tweetnacl against the running ductor. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ApiClient, type ApiButton } from '../helpers/api-client.js';
import { isProcessAlive } from '../../src/shared/process-alive.js';
import { startRig, transcriptResult, writeClaudeTranscript, type Rig } from '../helpers/rig.js';
import { DUCTOR_BIN } from '../helpers/spawn-ductor.js';
import { tmpHome, writeConfig } from '../helpers/tmp-home.js';
import { waitFor } from '../helpers/wait-for.js';
import { freePort } from '../helpers/free-port.js';

const TOKEN = 'test-api-token-0123456789abcdef';

async function startApiRig(t: import('node:test').TestContext, env: NodeJS.ProcessEnv = {}, config: Record<string, unknown> = {}): Promise<{ rig: Rig; port: number }> {
  const port = await freePort();
  const rig = await startRig(t, { config: { file_access: 'workspace', api: { enabled: true, port, token: TOKEN }, ...config }, env });
  return { rig, port };
}

function authed(port: number): Promise<ApiClient> {
  return ApiClient.connect(port, TOKEN);
}

test('a wrong token is refused and the socket closed; a tampered frame is refused and reaches no CLI', async (t) => {
  const { rig, port } = await startApiRig(t);
  const wrong = new ApiClient(port);
  await wrong.auth('not-the-token');
  await waitFor(() => wrong.closeCode !== null, { timeoutMs: 10_000, message: 'closed after a wrong token' });
  assert.equal(wrong.closeCode, 4001);
  assert.deepEqual(wrong.frames.map((f) => [f.type, f.code]), [['error', 'auth_failed']]);

  const client = await authed(port);
  assert.equal(client.frames[0]!.chat_id, 1001, 'the session defaults to the first allowed user');
  const frame = Buffer.from(client.seal({ type: 'message', text: 'tampered hello' }), 'base64');
  frame[frame.length - 1]! ^= 0x01;
  client.ws.send(frame.toString('base64'));
  await waitFor(() => client.closeCode !== null, { timeoutMs: 10_000, message: 'closed after a tampered frame' });
  assert.equal(client.closeCode, 4003);
  t.after(() => client.ws.terminate());
  // A fresh, honest client's message runs; the tampered one never did.
  const honest = await authed(port);
  t.after(() => honest.ws.terminate());
  honest.send({ type: 'message', text: 'honest hello' });
  await waitFor(() => honest.of('result').length > 0, { timeoutMs: 20_000, message: 'honest result' });
  const runs = JSON.stringify(await rig.cliRuns());
  assert.ok(runs.includes('honest hello'));
  assert.ok(!runs.includes('tampered hello'));
});

test('a turn streams back decrypted and ends with the transcript’s final text', async (t) => {
  const { rig, port } = await startApiRig(t, { FAKE_CLI_TRANSCRIPT: 'claude-local-longtext', FAKE_CLI_DELAY_MS: '30' });
  const expected = await transcriptResult('claude', 'claude-local-longtext');
  const client = await authed(port);
  t.after(() => client.ws.terminate());
  client.send({ type: 'message', text: 'write me something long' });
  await waitFor(() => client.of('result').length > 0, { timeoutMs: 30_000, message: 'result frame' });
  const result = client.of('result')[0]!;
  assert.equal(result.text, expected);
  assert.equal(result.kind, 'answer');
  const streamed = client.of('text_delta').map((f) => f.data as string).join('');
  const types = client.frames.map((f) => f.type);
  assert.ok(types.indexOf('text_delta') > 0 && types.indexOf('text_delta') < types.indexOf('result'), `streamed before the result: ${JSON.stringify(types)}`);
  assert.equal(streamed.trim(), expected.trim());
  assert.equal(result.stream_fallback, false);
  assert.equal(rig.tg.sent().filter((m) => m.kind === 'text').length, 0, 'nothing went to Telegram');
  // A second connection in another channel is a session of its own.
  const other = new ApiClient(port);
  t.after(() => other.ws.terminate());
  await other.auth(TOKEN, { chat_id: 1001, channel_id: 7 });
  await waitFor(() => other.serverKey !== null, { timeoutMs: 10_000 });
  other.send({ type: 'message', text: 'in channel seven' });
  await waitFor(() => other.of('result').length > 0, { timeoutMs: 30_000, message: 'channel 7 result' });
  assert.equal(client.of('result').length, 1, 'the first session saw nothing of the second');
});

test('/files serves only inside the file_access root; /upload lands in api_files and the prompt names it', async (t) => {
  const { rig, port } = await startApiRig(t);
  const base = `http://127.0.0.1:${port}`;
  const auth = { authorization: `Bearer ${TOKEN}` };
  assert.equal((await fetch(`${base}/health`)).status, 401);
  assert.equal((await fetch(`${base}/health`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
  assert.equal((await fetch(`${base}/health`, { headers: auth })).status, 200);
  const inside = join(rig.home, 'workspace', 'output_to_user', 'report.txt');
  await mkdir(join(rig.home, 'workspace', 'output_to_user'), { recursive: true });
  await writeFile(inside, 'the report bytes');
  const ok = await fetch(`${base}/files?path=${encodeURIComponent(inside)}`, { headers: auth });
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), 'the report bytes');
  assert.equal((await fetch(`${base}/files?path=${encodeURIComponent(join(rig.home, 'config', 'config.json'))}`, { headers: auth })).status, 403);
  assert.equal((await fetch(`${base}/files?path=${encodeURIComponent('../config/config.json')}`, { headers: auth })).status, 403);
  assert.equal((await fetch(`${base}/files?path=${encodeURIComponent(join(rig.home, 'workspace', 'missing.txt'))}`, { headers: auth })).status, 404);
  assert.equal((await fetch(`${base}/files`, { headers: auth })).status, 400);
  assert.equal((await fetch(`${base}/files?path=${encodeURIComponent(inside)}`)).status, 401);

  const form = new FormData();
  form.append('caption', 'please summarise');
  form.append('file', new Blob(['a,b\n1,2\n']), 'data/../table.csv');
  const upload = await fetch(`${base}/upload`, { method: 'POST', headers: auth, body: form });
  assert.equal(upload.status, 200);
  const saved = (await upload.json()) as { path: string; name: string; prompt: string };
  assert.ok(saved.path.startsWith(join(rig.home, 'workspace', 'api_files')), saved.path);
  assert.equal(await readFile(saved.path, 'utf8'), 'a,b\n1,2\n');
  assert.ok(!saved.name.includes('/'));
  assert.match(saved.prompt, /User message: please summarise/);
  const client = await authed(port);
  t.after(() => client.ws.terminate());
  client.send({ type: 'message', text: saved.prompt });
  await waitFor(() => client.of('result').length > 0, { timeoutMs: 20_000, message: 'result after upload' });
  const runs = JSON.stringify(await rig.cliRuns());
  assert.ok(runs.includes(`api_files/${saved.path.split('/api_files/')[1]}`), 'the agent’s prompt names the uploaded file');

  const big = new FormData();
  big.append('file', new Blob([new Uint8Array(50 * 1024 * 1024 + 1)]), 'big.bin');
  assert.equal((await fetch(`${base}/upload`, { method: 'POST', headers: auth, body: big })).status, 413);
});

test('ductor api enable writes the api block with a token, disable turns it off', async (t) => {
  const home = await tmpHome(t);
  await writeConfig(home, { telegram_token: '123:abc', allowed_user_ids: [1] });
  const run = async (sub: string): Promise<{ code: number | null; stdout: string }> => {
    const child = spawn(process.execPath, [DUCTOR_BIN, 'api', sub], { env: { ...process.env, DUCTOR_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const [code] = (await once(child, 'close')) as [number | null];
    return { code, stdout };
  };
  const config = async () => (JSON.parse(await readFile(join(home, 'config', 'config.json'), 'utf8')) as { api: Record<string, unknown> }).api;
  const enabled = await run('enable');
  assert.equal(enabled.code, 0);
  const api = await config();
  assert.equal(api.enabled, true);
  assert.equal(api.host, '127.0.0.1');
  assert.equal(api.port, 8741);
  assert.match(api.token as string, /^[A-Za-z0-9_-]{40,}$/);
  assert.match(enabled.stdout, /ws:\/\/127\.0\.0\.1:8741\/ws/);
  assert.equal((await run('enable')).code, 0);
  assert.equal((await config()).token, api.token, 'a second enable keeps the token');
  assert.equal((await run('disable')).code, 0);
  assert.equal((await config()).enabled, false);
  assert.equal((await run('bogus')).code, 1);
});

test('abort kills the running CLI and answers abort_ok', async (t) => {
  const { rig, port } = await startApiRig(t, { FAKE_CLI_MODE: 'hang' });
  const client = await authed(port);
  t.after(() => client.ws.terminate());
  client.send({ type: 'message', text: 'run forever' });
  const cliPid = await waitFor(async () => (await rig.cliRuns()).find((r) => r.event === 'start')?.pid, { timeoutMs: 15_000 });
  client.send({ type: 'abort' });
  await waitFor(() => client.of('abort_ok').length > 0, { timeoutMs: 15_000, message: 'abort_ok' });
  assert.equal(client.of('abort_ok')[0]!.killed, 1);
  await waitFor(() => !isProcessAlive(cliPid), { timeoutMs: 15_000, message: 'the CLI process is gone' });
  await waitFor(() => client.of('result').some((f) => f.kind === 'aborted'), { timeoutMs: 15_000, message: 'aborted result' });
});

test('[button:…] markers arrive as buttons; one press runs one turn with the label and the message shows the answer', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ductor-api-buttons-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const transcript = await writeClaudeTranscript(dir, 'choice', 'Which one?\n\n[button:Alpha] [button:Beta]');
  const { rig, port } = await startApiRig(t, { FAKE_CLI_TRANSCRIPT: transcript });
  const client = await authed(port);
  t.after(() => client.ws.terminate());
  client.send({ type: 'message', text: 'ask me' });
  const question = await waitFor(() => client.of('result')[0], { timeoutMs: 20_000, message: 'the question' });
  assert.equal(question.text, 'Which one?', 'the markers are not in the text');
  assert.equal(question.stream_fallback, true, 'the streamed text had the markers: the client replaces it');
  const buttons = (question.buttons as ApiButton[][]).flat();
  assert.deepEqual(buttons.map((b) => b.label), ['Alpha', 'Beta']);
  assert.equal(typeof question.message_id, 'number');
  const alpha = buttons.find((b) => b.label === 'Alpha')!;

  // A socket that did not authenticate cannot press: the press is not an auth frame.
  const stranger = new ApiClient(port);
  t.after(() => stranger.ws.terminate());
  await stranger.opened;
  stranger.ws.send(JSON.stringify({ type: 'press', message_id: question.message_id, button_id: alpha.id }));
  await waitFor(() => stranger.closeCode !== null, { timeoutMs: 10_000, message: 'the stranger is closed' });
  assert.equal(stranger.closeCode, 4001);
  // A client of another session cannot press this chat's buttons; an unknown button is refused.
  const other = new ApiClient(port);
  t.after(() => other.ws.terminate());
  await other.auth(TOKEN, { chat_id: 1001, channel_id: 9 });
  await waitFor(() => other.serverKey !== null, { timeoutMs: 10_000 });
  other.send({ type: 'press', message_id: question.message_id, button_id: alpha.id });
  client.send({ type: 'press', message_id: question.message_id, button_id: 'no-such-button' });
  await waitFor(() => other.of('error').length > 0 && client.of('error').length > 0, { timeoutMs: 10_000, message: 'both presses refused' });
  assert.equal(other.of('error')[0]!.code, 'unknown_button');
  assert.equal(client.of('error')[0]!.code, 'unknown_button');

  client.send({ type: 'press', message_id: question.message_id, button_id: alpha.id });
  client.send({ type: 'press', message_id: question.message_id, button_id: alpha.id });
  const update = await waitFor(() => client.of('message_update')[0], { timeoutMs: 20_000, message: 'the message shows the answer' });
  assert.equal(update.message_id, question.message_id);
  assert.equal(update.text, 'Which one?\n\n[USER ANSWER] Alpha');
  assert.deepEqual(update.buttons, []);
  await waitFor(() => client.of('press_ok').length === 1 && client.of('error').some((f) => f.code === 'already_answered'), { timeoutMs: 10_000, message: 'one press taken, the second refused' });
  await waitFor(() => client.of('result').length >= 2, { timeoutMs: 20_000, message: 'the answer turn' });
  const runs = await rig.cliRuns();
  assert.equal(runs.filter((r) => r.event === 'start').length, 2, 'the question turn and one answer turn');
  assert.ok(JSON.stringify(runs).includes('Alpha'), 'the label went to the CLI as the message');
  assert.equal(other.of('result').length, 0, 'the other session saw nothing');
});

test('command buttons run their command, a selector’s next step replaces its message, link buttons carry their url', async (t) => {
  const { rig, port } = await startApiRig(t, {}, { update_source: 'npm:my-ductor-build' });
  const client = await authed(port);
  t.after(() => client.ws.terminate());
  client.send({ type: 'message', text: '/info' });
  const info = await waitFor(() => client.of('result')[0], { timeoutMs: 20_000, message: '/info' });
  assert.deepEqual((info.buttons as ApiButton[][]).flat(), [
    { label: '📜 Changelog', url: 'https://www.npmjs.com/package/my-ductor-build/v/0.1.0' },
    { label: '📦 Package page', url: 'https://www.npmjs.com/package/my-ductor-build' },
  ], 'links carry their url and no id to press');

  client.send({ type: 'message', text: '/start' });
  const start = await waitFor(() => client.of('result')[1], { timeoutMs: 20_000, message: '/start' });
  const model = (start.buttons as ApiButton[][]).flat().find((b) => b.label === '🤖 Model')!;
  client.send({ type: 'press', message_id: start.message_id, button_id: model.id });
  const selector = await waitFor(() => client.of('result')[2], { timeoutMs: 20_000, message: 'the /model selector the button ran' });
  const providers = (selector.buttons as ApiButton[][]).flat();
  assert.deepEqual(providers.map((b) => b.label), ['claude', 'codex', 'gemini']);
  client.send({ type: 'press', message_id: selector.message_id, button_id: providers[0]!.id });
  const step = await waitFor(() => client.of('message_update').find((f) => f.message_id === selector.message_id), { timeoutMs: 20_000, message: 'the next step in the same message' });
  const models = (step.buttons as ApiButton[][]).flat();
  assert.ok(models.some((b) => b.label === 'sonnet'), JSON.stringify(models));
  assert.ok(models.every((b) => !providers.some((p) => p.id === b.id)), 'new buttons get new ids');
  assert.equal(client.of('result').length, 3, 'no new message for the step');
  assert.equal((await rig.cliRuns()).filter((r) => r.event === 'start').length, 0, 'no CLI ran');
});
