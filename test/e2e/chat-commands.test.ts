/** The core chat commands, directives, buttons and formatting rules, through the real supervisor. */
import assert from 'node:assert/strict';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLAUDE_ALIASES } from '../../src/shared/models.js';
import { writeCliLogins } from '../helpers/cli-logins.js';
import { FAKE_CLI_DIR, startRig, transcriptResult, USER_ID, writeClaudeTranscript } from '../helpers/rig.js';
import { isolatedUserHome } from '../helpers/spawn-ductor.js';
import { tmpHome } from '../helpers/tmp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const texts = (rig: Awaited<ReturnType<typeof startRig>>) => rig.tg.visible(USER_ID).filter((m) => m.kind === 'text').map((m) => m.visibleText);

test('a 9,000-character reply arrives as three valid messages', async (t) => {
  const paragraph = `${'word '.repeat(199)}end.`; // 999 characters
  const long = Array.from({ length: 9 }, (_, i) => `${i + 1}. ${paragraph}`).join('\n\n');
  const transcript = await writeClaudeTranscript(await tmpHome(t, 'ductor-transcript-'), 'nine-k', long);
  const rig2 = await startRig(t, { env: { FAKE_CLI_TRANSCRIPT: transcript, FAKE_CLI_DELAY_MS: '1' }, config: { streaming: { enabled: false } } });
  rig2.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'long please' });
  await waitFor(() => texts(rig2).some((v) => v.includes('9. word')), { timeoutMs: 20_000 });
  const parts = rig2.tg.visible(USER_ID).filter((m) => m.kind === 'text');
  assert.ok(long.length > 9000);
  assert.equal(parts.length, 3);
  for (const part of parts) assert.ok(part.text.length <= 4096);
  assert.equal(parts.map((p) => p.visibleText).join('\n\n').replace(/\s+/g, ' ').trim(), long.replace(/\s+/g, ' ').trim());
});

test('a 40,000-character reply (rendered in the tinypool thread) arrives complete in valid messages', async (t) => {
  const paragraph = `${'text '.repeat(199)}end.`;
  const long = Array.from({ length: 40 }, (_, i) => `${i + 1}. ${paragraph}`).join('\n\n');
  const transcript = await writeClaudeTranscript(await tmpHome(t, 'ductor-transcript-'), 'forty-k', long);
  const rig = await startRig(t, { env: { FAKE_CLI_TRANSCRIPT: transcript, FAKE_CLI_DELAY_MS: '1' }, config: { streaming: { enabled: false } } });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'very long please' });
  await waitFor(() => texts(rig).some((v) => v.includes('40. text')), { timeoutMs: 60_000 });
  const parts = rig.tg.visible(USER_ID).filter((m) => m.kind === 'text');
  assert.ok(long.length > 40_000 && parts.length >= 10);
  for (const part of parts) assert.ok(part.text.length <= 4096);
  assert.equal(parts.map((p) => p.visibleText).join('\n\n').replace(/\s+/g, ' ').trim(), long.replace(/\s+/g, ' ').trim());
});

test('a reply Telegram refuses as HTML arrives as plain text', async (t) => {
  const rig = await startRig(t, { config: { streaming: { enabled: false } } });
  const answer = await transcriptResult('claude', 'claude-local-hello');
  rig.tg.rejectHtmlOnce(1);
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'hi' });
  await waitFor(() => texts(rig).some((v) => v.includes(answer)), { timeoutMs: 20_000 });
  const final = rig.tg.visible(USER_ID).find((m) => m.visibleText.includes(answer))!;
  assert.equal(final.parseMode, undefined, 'sent again without parse_mode');
});

test('429 with retry_after is obeyed and the answer still arrives once', async (t) => {
  const rig = await startRig(t, { config: { streaming: { enabled: false } } });
  const answer = await transcriptResult('claude', 'claude-local-hello');
  rig.tg.failNext('sendMessage', { code: 429, description: 'Too Many Requests: retry after 1', retryAfter: 1 });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'hi' });
  await waitFor(() => texts(rig).some((v) => v.includes(answer)), { timeoutMs: 20_000 });
  const sends = rig.tg.callsOf('sendMessage').filter((c) => String(c.params.text ?? '').includes(answer.slice(0, 20)));
  assert.equal(sends.length, 2, 'one refused attempt, one retry');
  assert.ok(sends[1]!.at - sends[0]!.at >= 900, 'the retry waited for retry_after');
  assert.equal(texts(rig).filter((v) => v.includes(answer)).length, 1);
});

test('/model switches the model for the chat and the CLI gets it; @model applies to one turn', async (t) => {
  const rig = await startRig(t, { beforeStart: (home) => writeCliLogins(isolatedUserHome(home), ['claude', 'codex', 'gemini']) });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: '/model' });
  const picker = await waitFor(() => rig.tg.visible(USER_ID).find((m) => m.visibleText.includes('Pick a provider')), { timeoutMs: 15_000 });
  type Keyboard = { inline_keyboard: { text: string; callback_data: string }[][] };
  const buttonsOf = (messageId: number) => (rig.tg.visible(USER_ID).find((m) => m.messageId === messageId)?.replyMarkup as Keyboard | undefined)?.inline_keyboard.flat() ?? [];
  const press = (label: string) => {
    const button = buttonsOf(picker.messageId).find((b) => b.text === label);
    assert.ok(button, `a "${label}" button in ${buttonsOf(picker.messageId).map((b) => b.text).join(', ')}`);
    rig.tg.pushCallbackQuery({ chatId: USER_ID, userId: USER_ID, messageId: picker.messageId, data: button.callback_data });
  };
  const shown = () => rig.tg.visible(USER_ID).find((m) => m.messageId === picker.messageId)?.visibleText ?? '';
  const messagesBefore = rig.tg.visible(USER_ID).length;
  assert.deepEqual(buttonsOf(picker.messageId).map((b) => b.text), ['claude', 'codex', 'gemini'], 'the provider step');
  // Every step edits the selector message itself.
  press('codex');
  await waitFor(() => shown().includes('codex: pick a model'), { timeoutMs: 15_000 });
  // The codex models are those the installed codex reported (the fake's app-server), not a built-in list.
  assert.deepEqual(buttonsOf(picker.messageId).map((b) => b.text).filter((t) => t.startsWith('gpt')), ['gpt-5.5', 'gpt-5.5-codex-mini']);
  press('gpt-5.5');
  await waitFor(() => shown().includes('gpt-5.5: pick the reasoning effort'), { timeoutMs: 15_000 });
  assert.deepEqual(buttonsOf(picker.messageId).map((b) => b.text).slice(0, 3), ['low', 'medium', 'high'], 'the efforts codex lists for the model');
  press('« Back');
  await waitFor(() => shown().includes('Pick a provider'), { timeoutMs: 15_000 });
  press('claude');
  await waitFor(() => shown().includes('claude: pick a model'), { timeoutMs: 15_000 });
  press('sonnet');
  await waitFor(() => shown().includes('Model set to sonnet'), { timeoutMs: 15_000 });
  assert.equal(rig.tg.visible(USER_ID).length, messagesBefore, 'no new message: the selector was edited in place');
  const config = JSON.parse(await readFile(join(rig.home, 'config', 'config.json'), 'utf8')) as { model: string };
  assert.equal(config.model, 'sonnet', 'written to config.json');

  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'plain turn' });
  await waitFor(async () => (await rig.cliRuns()).filter((r) => r.event === 'start').length === 1, { timeoutMs: 15_000 });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: '@haiku one-off turn' });
  await waitFor(async () => (await rig.cliRuns()).filter((r) => r.event === 'start').length === 2, { timeoutMs: 15_000 });
  const starts = (await rig.cliRuns()).filter((r) => r.event === 'start');
  const modelOf = (argv: string[] | undefined) => argv?.[argv.indexOf('--model') + 1];
  assert.equal(modelOf(starts[0]!.argv), 'sonnet');
  assert.equal(modelOf(starts[1]!.argv), 'haiku');
  const stdin = (await rig.cliRuns()).filter((r) => r.event === 'stdin').map((r) => r.stdin ?? '');
  const prompts = [...stdin, ...starts.map((s) => s.argv?.at(-1) ?? '')];
  assert.ok(prompts.some((p) => p.includes('one-off turn') && !p.includes('@haiku')), 'the directive is removed from the prompt');

  // The directive does not stick: the next plain message runs sonnet, and /model still says sonnet.
  await waitFor(async () => (await rig.cliRuns()).filter((r) => r.event === 'exit').length === 2, { timeoutMs: 15_000 });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'plain again' });
  await waitFor(async () => (await rig.cliRuns()).filter((r) => r.event === 'start').length === 3, { timeoutMs: 15_000 });
  const third = (await rig.cliRuns()).filter((r) => r.event === 'start')[2];
  assert.equal(modelOf(third!.argv), 'sonnet', 'the @haiku turn did not change the chat\'s model');
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: '/model' });
  await waitFor(() => rig.tg.visible(USER_ID).filter((m) => m.visibleText.includes('Pick a provider')).length === 1 && rig.tg.visible(USER_ID).some((m) => m.messageId !== picker.messageId && m.visibleText.includes('Pick a provider')), { timeoutMs: 15_000 });
  const again = rig.tg.visible(USER_ID).filter((m) => m.visibleText.includes('Pick a provider')).at(-1)!;
  assert.match(again.visibleText, /Current model: sonnet/);
  assert.doesNotMatch(again.visibleText, /haiku/);
});

test('/model offers only the CLIs installed and logged in here; with one, its models at once', async (t) => {
  // claude and codex installed (gemini not), claude and gemini logged in: only claude qualifies.
  const bin = join(await tmpHome(t, 'ductor-bin-'), 'bin');
  await mkdir(bin);
  for (const cli of ['claude', 'codex']) await symlink(join(FAKE_CLI_DIR, cli), join(bin, cli));
  const rig = await startRig(t, {
    env: { PATH: `${bin}:${process.env.PATH ?? ''}` },
    beforeStart: (home) => writeCliLogins(isolatedUserHome(home), ['claude', 'gemini']),
  });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: '/model' });
  const picker = await waitFor(() => rig.tg.visible(USER_ID).find((m) => m.visibleText.includes('Current model')), { timeoutMs: 15_000 });
  assert.match(picker.visibleText, /claude is the only CLI logged in here/);
  type Keyboard = { inline_keyboard: { text: string; callback_data: string }[][] };
  const buttons = (picker.replyMarkup as Keyboard).inline_keyboard.flat();
  assert.deepEqual(buttons.map((b) => b.text), [...CLAUDE_ALIASES], 'claude\'s models, no provider step');
  rig.tg.pushCallbackQuery({ chatId: USER_ID, userId: USER_ID, messageId: picker.messageId, data: buttons.find((b) => b.text === 'sonnet')!.callback_data });
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.messageId === picker.messageId && m.visibleText.includes('Model set to sonnet')), { timeoutMs: 15_000 });
});

test('/new starts a fresh session; /status, /memory, /help, /info and /start answer', async (t) => {
  const rig = await startRig(t);
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'first' });
  await waitFor(async () => (await rig.cliRuns()).some((r) => r.event === 'exit'), { timeoutMs: 15_000 });
  await waitFor(() => texts(rig).length >= 1, { timeoutMs: 15_000 });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: '/status' });
  await waitFor(() => texts(rig).some((v) => v.includes('Messages: 1')), { timeoutMs: 15_000 });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'second resumes' });
  await waitFor(async () => (await rig.cliRuns()).filter((r) => r.event === 'start').length === 2, { timeoutMs: 15_000 });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: '/new' });
  await waitFor(() => texts(rig).some((v) => v.includes('New session')), { timeoutMs: 15_000 });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'third is fresh' });
  await waitFor(async () => (await rig.cliRuns()).filter((r) => r.event === 'start').length === 3, { timeoutMs: 15_000 });
  const starts = (await rig.cliRuns()).filter((r) => r.event === 'start');
  assert.equal(starts[0]!.argv?.includes('--resume'), false);
  assert.equal(starts[1]!.argv?.includes('--resume'), true);
  assert.equal(starts[2]!.argv?.includes('--resume'), false);

  await writeFile(join(rig.home, 'workspace', 'memory_system', 'MAINMEMORY.md'), '# Memory\n- likes tea\n');
  for (const [command, expected] of [['/memory', 'likes tea'], ['/help', '/new'], ['/info', 'ductor'], ['/start', 'Hi']] as const) {
    rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: command });
    await waitFor(() => texts(rig).some((v) => v.includes(expected)), { timeoutMs: 15_000, message: command });
  }
});

test('[button:…] markers become a keyboard whose press is the next message', async (t) => {
  const transcript = await writeClaudeTranscript(await tmpHome(t, 'ductor-transcript-'), 'buttons', 'Pick one:\n\n[button:Yes please] [button:No thanks]');
  const rig2 = await startRig(t, { env: { FAKE_CLI_TRANSCRIPT: transcript } });
  rig2.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'ask me' });
  const withKeyboard = await waitFor(() => rig2.tg.visible(USER_ID).find((m) => (m.replyMarkup as { inline_keyboard?: unknown[] } | undefined)?.inline_keyboard?.length), { timeoutMs: 15_000 });
  assert.doesNotMatch(withKeyboard.visibleText, /\[button:/);
  const yes = (withKeyboard.replyMarkup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard.flat().find((b) => b.text === 'Yes please')!;
  rig2.tg.pushCallbackQuery({ chatId: USER_ID, userId: USER_ID, messageId: withKeyboard.messageId, data: yes.callback_data });
  await waitFor(async () => (await rig2.cliRuns()).filter((r) => r.event === 'start').length === 2, { timeoutMs: 15_000 });
  const runs = await rig2.cliRuns();
  assert.ok(runs.some((r) => JSON.stringify(r).includes('Yes please') && r.event !== 'start' || (r.event === 'start' && r.argv?.at(-1) === 'Yes please')), 'the label went to the CLI as the next message');
});
