/**
 * Tool approvals in the chat, end to end: the real claude (permission_mode "default") against the
 * Messages-API mock asks for Bash; the Telegram user sees the tool and its command with Allow once /
 * Allow for this session / Deny, and the expiry; the answer runs the tool (or not) and replaces the
 * buttons; a late answer is told it expired.
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
import nacl from 'tweetnacl';
import WebSocket from 'ws';
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

  test('WebSocket API: the question arrives as a notice; a typed "allow" answers it and the tool runs', { timeout: 120_000 }, async (t) => {
    const port = await freePort();
    const token = 'approval-api-token-0123456789abcdef';
    const rig = await rigWithRealClaude(t, 120, { api: { enabled: true, port, token } });
    const keys = nacl.box.keyPair();
    let serverKey: Uint8Array | null = null;
    const frames: Array<{ type: string; text?: string; kind?: string }> = [];
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    t.after(() => ws.terminate());
    ws.on('message', (data) => {
      const text = data.toString();
      if (serverKey === null) {
        const frame = JSON.parse(text) as { type: string; e2e_pk?: string };
        if (frame.type === 'auth_ok') serverKey = new Uint8Array(Buffer.from(frame.e2e_pk!, 'base64'));
        return;
      }
      const bytes = new Uint8Array(Buffer.from(text, 'base64'));
      const plain = nacl.box.open(bytes.subarray(24), bytes.subarray(0, 24), serverKey, keys.secretKey);
      if (plain) frames.push(JSON.parse(Buffer.from(plain).toString('utf8')) as { type: string; text?: string });
    });
    await once(ws, 'open');
    ws.send(JSON.stringify({ type: 'auth', token, e2e_pk: Buffer.from(keys.publicKey).toString('base64') }));
    await waitFor(() => serverKey !== null, { timeoutMs: 10_000, message: 'auth_ok' });
    const send = (message: unknown): void => {
      const nonce = nacl.randomBytes(24);
      ws.send(Buffer.concat([nonce, nacl.box(Buffer.from(JSON.stringify(message)), nonce, serverKey!, keys.secretKey)]).toString('base64'));
    };
    send({ type: 'message', text: 'please touch' });
    await waitFor(() => frames.some((f) => f.type === 'result' && f.kind === 'notice' && (f.text ?? '').includes('Permission needed: Bash')), { timeoutMs: 60_000, message: 'the question' });
    send({ type: 'message', text: 'allow' });
    await waitFor(() => frames.some((f) => f.type === 'result' && (f.text ?? '').includes('tool said: touched-after-approval')), { timeoutMs: 60_000, message: 'the answer after the tool ran' });
    assert.ok(frames.some((f) => (f.text ?? '').includes('→ Allow once')), 'the choice is shown');
    assert.ok(existsSync(join(rig.home, 'workspace', 'approved.txt')));
  });
});
