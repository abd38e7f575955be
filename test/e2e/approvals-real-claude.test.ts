/**
 * Tool approvals in the chat, end to end: the real claude (permission_mode "default") against the
 * Messages-API mock asks for Bash; the Telegram user sees the tool and its command with Allow once /
 * Allow for this session / Deny, and the expiry; the answer runs the tool (or not) and replaces the
 * buttons; a late answer is told it expired. The same over the WebSocket API, whose clients get the
 * buttons and press them.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { lastToolResult, startAnthropicMock, transcriptOf, type AnthropicMock, type AnthropicReply, type AnthropicRequest } from '../helpers/model-mock-anthropic.js';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { startRig, USER_ID, type Rig } from '../helpers/rig.js';
import { DUCTOR_BIN } from '../helpers/spawn-ductor.js';
import { freePort } from '../helpers/free-port.js';
import { ApiClient, type ApiButton } from '../helpers/api-client.js';
import { waitFor } from '../helpers/wait-for.js';
import { makeRealCliHome, realBinary, realCliSkipReason, removeRealCliHome, type RealCliHome } from '../providers/real-cli-env.js';

const skip = realCliSkipReason();

function model(req: AnthropicRequest): AnthropicReply {
  const result = lastToolResult(req.body);
  if (result !== null) return { kind: 'text', text: `${result.isError ? 'tool failed' : 'tool said'}: ${result.content.trim()}` };
  const said = transcriptOf(req.body).filter((l) => l.startsWith('user: ')).at(-1) ?? '';
  if (said.includes('please touch')) return { kind: 'tool_use', name: 'Bash', input: { command: 'touch approved.txt && echo touched-after-approval', description: 'make a file' } };
  return { kind: 'text', text: 'Nothing to do.' };
}

type Button = { text: string; callback_data: string };

describe('tool approvals with the real claude', { skip, concurrency: 1 }, () => {
  let mock: AnthropicMock;
  const homes: RealCliHome[] = [];
  before(async () => {
    mock = await startAnthropicMock({ agent: model });
  });
  after(async () => {
    await mock.close();
    for (const h of homes) removeRealCliHome(h);
  });

  async function rigWithRealClaude(t: Parameters<typeof startRig>[0], approvalSeconds: number, config: Record<string, unknown> = {}): Promise<Rig> {
    const cli = makeRealCliHome('claude', mock.url);
    homes.push(cli);
    const { PATH: _path, HOME: _home, TMPDIR: _tmp, ...claudeEnv } = cli.env;
    return startRig(t, {
      config: { permission_mode: 'default', approval_timeout_seconds: approvalSeconds, ...config },
      env: { ...claudeEnv, PATH: `${dirname(realBinary('claude'))}:${dirname(process.execPath)}:${process.env.PATH ?? ''}` },
    });
  }

  test('Allow once: the question names the tool, its command and the expiry; the tool runs; the buttons give way to the choice', { timeout: 120_000 }, async (t) => {
    const rig = await rigWithRealClaude(t, 120);
    rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'please touch' });
    const ask = await waitFor(() => rig.tg.visible(USER_ID).find((m) => m.visibleText.includes('Permission needed: Bash')), { timeoutMs: 60_000, message: 'the approval question' });
    assert.match(ask.visibleText, /touch approved\.txt/);
    assert.match(ask.visibleText, /2 min/);
    const buttons = (ask.replyMarkup as { inline_keyboard: Button[][] }).inline_keyboard.flat();
    assert.deepEqual(buttons.map((b) => b.text), ['Allow once', 'Allow for this session', 'Deny']);
    assert.ok(!existsSync(join(rig.home, 'workspace', 'approved.txt')), 'nothing ran before the answer');
    rig.tg.pushCallbackQuery({ chatId: USER_ID, userId: USER_ID, messageId: ask.messageId, data: buttons[0]!.callback_data });
    await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.visibleText.includes('tool said: touched-after-approval')), { timeoutMs: 60_000, message: 'the answer after the tool ran' });
    assert.ok(existsSync(join(rig.home, 'workspace', 'approved.txt')), 'the allowed tool ran in the workspace');
    const edited = rig.tg.visible(USER_ID).find((m) => m.messageId === ask.messageId)!;
    assert.match(edited.visibleText, /→ Allow once/);
    assert.equal((edited.replyMarkup as { inline_keyboard?: unknown[] } | undefined)?.inline_keyboard?.length ?? 0, 0, 'the buttons are gone');
    // A second press, after the request was answered: it says the request expired.
    rig.tg.pushCallbackQuery({ chatId: USER_ID, userId: USER_ID, messageId: ask.messageId, data: buttons[2]!.callback_data });
    await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.visibleText.includes('approval request has expired')), { timeoutMs: 15_000 });
  });

  test('no answer within the configured expiry: denied, the message says so, the tool did not run', { timeout: 120_000 }, async (t) => {
    const rig = await rigWithRealClaude(t, 3);
    rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'please touch' });
    const ask = await waitFor(() => rig.tg.visible(USER_ID).find((m) => m.visibleText.includes('Permission needed: Bash')), { timeoutMs: 60_000, message: 'the approval question' });
    assert.match(ask.visibleText, /3 s/);
    const buttons = (ask.replyMarkup as { inline_keyboard: Button[][] }).inline_keyboard.flat();
    await waitFor(() => rig.tg.visible(USER_ID).find((m) => m.messageId === ask.messageId)?.visibleText.includes('No answer in time: denied'), { timeoutMs: 30_000, message: 'the expiry shown in the approval message' });
    await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.visibleText.includes('tool failed')), { timeoutMs: 60_000, message: 'the model was told' });
    assert.ok(!existsSync(join(rig.home, 'workspace', 'approved.txt')));
    rig.tg.pushCallbackQuery({ chatId: USER_ID, userId: USER_ID, messageId: ask.messageId, data: buttons[0]!.callback_data });
    await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.visibleText.includes('approval request has expired')), { timeoutMs: 15_000 });
  });

  test('a typed "deny" answers the open request (transports without buttons)', { timeout: 120_000 }, async (t) => {
    const rig = await rigWithRealClaude(t, 120);
    rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'please touch' });
    const ask = await waitFor(() => rig.tg.visible(USER_ID).find((m) => m.visibleText.includes('Permission needed: Bash')), { timeoutMs: 60_000, message: 'the approval question' });
    rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'deny' });
    await waitFor(() => rig.tg.visible(USER_ID).find((m) => m.messageId === ask.messageId)?.visibleText.includes('→ Deny'), { timeoutMs: 30_000, message: 'the choice shown' });
    await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.visibleText.includes('tool failed')), { timeoutMs: 60_000 });
    assert.ok(!existsSync(join(rig.home, 'workspace', 'approved.txt')));
  });

  test('`ductor chat`: the question is printed with its choices; typing "allow" answers it and the tool runs', { timeout: 120_000 }, async (t) => {
    const rig = await rigWithRealClaude(t, 120);
    const child = spawn(process.execPath, [DUCTOR_BIN, 'chat'], { env: { ...process.env, DUCTOR_HOME: rig.home }, stdio: ['pipe', 'pipe', 'pipe'] });
    t.after(() => child.kill('SIGKILL'));
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stdin.write('please touch\n');
    await waitFor(() => stdout.includes('Permission needed: Bash'), { timeoutMs: 60_000, message: 'the question in the terminal' });
    assert.match(stdout, /1\) Allow once\n\s*2\) Allow for this session/);
    assert.match(stdout, /touch approved\.txt/);
    child.stdin.write('allow\n');
    await waitFor(() => stdout.includes('tool said: touched-after-approval'), { timeoutMs: 60_000, message: 'the answer after the tool ran' });
    assert.match(stdout, /→ Allow once/, 'the choice is shown');
    assert.ok(existsSync(join(rig.home, 'workspace', 'approved.txt')));
    child.stdin.end();
    await once(child, 'close');
  });

  async function apiRig(t: Parameters<typeof startRig>[0], approvalSeconds: number): Promise<{ rig: Rig; client: ApiClient }> {
    const port = await freePort();
    const token = 'approval-api-token-0123456789abcdef';
    const rig = await rigWithRealClaude(t, approvalSeconds, { api: { enabled: true, port, token } });
    const client = await ApiClient.connect(port, token);
    t.after(() => client.ws.terminate());
    return { rig, client };
  }

  const asks = (client: ApiClient) => client.of('result').find((f) => f.kind === 'notice' && String(f.text).includes('Permission needed: Bash'));
  const saying = (client: ApiClient, text: string) => client.of('result').some((f) => String(f.text).includes(text));

  test('WebSocket API: the question comes with its three buttons; pressing Allow once runs the tool, the message shows the choice, a late press is told it expired', { timeout: 120_000 }, async (t) => {
    const { rig, client } = await apiRig(t, 120);
    client.send({ type: 'message', text: 'please touch' });
    const ask = await waitFor(() => asks(client), { timeoutMs: 60_000, message: 'the question' });
    assert.match(String(ask.text), /touch approved\.txt/);
    const buttons = (ask.buttons as ApiButton[][]).flat();
    assert.deepEqual(buttons.map((b) => b.label), ['Allow once', 'Allow for this session', 'Deny']);
    assert.ok(!existsSync(join(rig.home, 'workspace', 'approved.txt')), 'nothing ran before the answer');
    client.send({ type: 'press', message_id: ask.message_id, button_id: buttons[0]!.id });
    const update = await waitFor(() => client.of('message_update').find((f) => f.message_id === ask.message_id), { timeoutMs: 30_000, message: 'the choice shown in the question' });
    assert.match(String(update.text), /→ Allow once/);
    assert.deepEqual(update.buttons, [], 'the buttons are gone');
    await waitFor(() => saying(client, 'tool said: touched-after-approval'), { timeoutMs: 60_000, message: 'the answer after the tool ran' });
    assert.ok(existsSync(join(rig.home, 'workspace', 'approved.txt')), 'the allowed tool ran in the workspace');
    assert.ok(client.of('press_ok').some((f) => f.message_id === ask.message_id));
    // A second press, after the request was answered: it says the request expired.
    client.send({ type: 'press', message_id: ask.message_id, button_id: buttons[2]!.id });
    await waitFor(() => saying(client, 'approval request has expired'), { timeoutMs: 15_000, message: 'the late press told it expired' });
  });

  test('WebSocket API: no answer in time shows the expiry in the question; a press afterwards is told it expired', { timeout: 120_000 }, async (t) => {
    const { rig, client } = await apiRig(t, 3);
    client.send({ type: 'message', text: 'please touch' });
    const ask = await waitFor(() => asks(client), { timeoutMs: 60_000, message: 'the question' });
    const buttons = (ask.buttons as ApiButton[][]).flat();
    await waitFor(() => client.of('message_update').some((f) => f.message_id === ask.message_id && String(f.text).includes('No answer in time: denied')), { timeoutMs: 30_000, message: 'the expiry shown in the question' });
    client.send({ type: 'press', message_id: ask.message_id, button_id: buttons[0]!.id });
    await waitFor(() => saying(client, 'approval request has expired'), { timeoutMs: 15_000, message: 'the late press told it expired' });
    assert.ok(!existsSync(join(rig.home, 'workspace', 'approved.txt')));
  });

  test('WebSocket API: a typed "allow" answers the open request too', { timeout: 120_000 }, async (t) => {
    const { rig, client } = await apiRig(t, 120);
    client.send({ type: 'message', text: 'please touch' });
    const ask = await waitFor(() => asks(client), { timeoutMs: 60_000, message: 'the question' });
    client.send({ type: 'message', text: 'allow' });
    await waitFor(() => saying(client, 'tool said: touched-after-approval'), { timeoutMs: 60_000, message: 'the answer after the tool ran' });
    assert.ok(client.of('message_update').some((f) => f.message_id === ask.message_id && String(f.text).includes('→ Allow once')), 'the choice is shown');
    assert.ok(existsSync(join(rig.home, 'workspace', 'approved.txt')));
  });
});
