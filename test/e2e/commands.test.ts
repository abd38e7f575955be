/** The chat commands and the command menu, through the real supervisor and the fake Bot API. */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { MENU_ORDER } from '../../src/shared/i18n/index.js';
import { COMMAND_LIST } from '../../src/shared/i18n/command-list.js';
import { FAKE_TOKEN } from '../helpers/fake-telegram.js';
import { startRig, transcriptResult, USER_ID, type Rig } from '../helpers/rig.js';
import { waitFor } from '../helpers/wait-for.js';

type Keyboard = { inline_keyboard: { text: string; callback_data: string }[][] };

/** Sends `text` and waits for the bot's first message replying to it. */
async function command(rig: Rig, text: string, chatId = USER_ID) {
  const { messageId } = rig.tg.pushMessage({ chatId, userId: USER_ID, text });
  return waitFor(() => rig.tg.visible(chatId).find((m) => m.replyTo === messageId), { timeoutMs: 20_000 });
}

function button(markup: unknown, label: string): string {
  const found = (markup as Keyboard).inline_keyboard.flat().find((b) => b.text === label);
  assert.ok(found, `button ${label} in ${JSON.stringify(markup)}`);
  return found.callback_data;
}

test('the menu lists only working commands, in spec order, and every one of them answers', async (t) => {
  const rig = await startRig(t);
  await waitFor(() => rig.tg.commands.length > 0, { timeoutMs: 15_000 });
  const menu = rig.tg.commands[0] as { command: string; description: string }[];
  assert.deepEqual(menu.map((c) => c.command), [...MENU_ORDER]);
  for (const entry of menu) assert.ok(entry.description.length <= 22, entry.command);
  const expectations: Record<string, RegExp> = {
    new: /New session/, reset: /New session/, stop: /Nothing is running/, interrupt: /Nothing is running/,
    model: /Pick a provider/, status: /Model: opus/, memory: /memory file|MAINMEMORY/, agent_commands: /agent “main”/,
    showfiles: /📁 ~/, info: /ductor \d/, help: /showfiles/, diagnose: /Diagnosis/, stop_all: /Stopped 0/,
    session: /Usage: \/session/, sessions: /No named sessions/, tasks: /No background tasks/, cron: /No cron jobs yet/,
    effort: /Reasoning effort for claude/, upgrade: /ductor|upgrade/i,
  };
  for (const name of MENU_ORDER) {
    if (name === 'restart') continue; // its own test: it restarts every worker
    const reply = await command(rig, `/${name}`);
    assert.match(reply.visibleText, expectations[name]!, `/${name} answered: ${reply.visibleText}`);
  }
});

test('/showfiles navigates two levels in place and sends the picked file', async (t) => {
  const rig = await startRig(t);
  const out = join(rig.home, 'workspace', 'output_to_user');
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'notes.txt'), 'hello from the home');
  const list = await command(rig, '/showfiles');
  assert.ok(!(list.replyMarkup as Keyboard).inline_keyboard.flat().some((b) => b.text.includes('.env')), 'dot files are hidden');
  const rootNames = (list.replyMarkup as Keyboard).inline_keyboard.flat().map((b) => b.text.replace(/^\S+ /, ''));
  for (const internal of ['config', 'run', 'logs', 'bot.pid', 'inbox.json', 'sessions.json']) assert.ok(!rootNames.includes(internal), `${internal} is hidden`);
  rig.tg.pushCallbackQuery({ chatId: USER_ID, userId: USER_ID, messageId: list.messageId, data: button(list.replyMarkup, '📁 workspace') });
  await waitFor(() => list.visibleText.includes('workspace') && list.edits === 1, { timeoutMs: 15_000 });
  rig.tg.pushCallbackQuery({ chatId: USER_ID, userId: USER_ID, messageId: list.messageId, data: button(list.replyMarkup, '📁 output_to_user') });
  await waitFor(() => list.visibleText.includes('workspace/output_to_user') && list.edits === 2, { timeoutMs: 15_000 });
  rig.tg.pushCallbackQuery({ chatId: USER_ID, userId: USER_ID, messageId: list.messageId, data: button(list.replyMarkup, '📄 notes.txt') });
  const doc = await waitFor(() => rig.tg.visible(USER_ID).find((m) => m.kind === 'document'), { timeoutMs: 15_000 });
  assert.equal(doc.file?.filename, 'notes.txt');
  assert.equal(doc.file?.data.toString(), 'hello from the home');
  assert.equal(rig.tg.visible(USER_ID).filter((m) => m.kind === 'text').length, 1, 'navigation edited the one message');
});

test('/where lists tracked groups and /leave leaves one', async (t) => {
  const rig = await startRig(t, { config: { allowed_group_ids: [-100123] } });
  rig.tg.pushMessage({ chatId: -100123, userId: USER_ID, text: 'hello group', chatType: 'supergroup' });
  await waitFor(async () => (await readFile(join(rig.home, 'chat_activity.json'), 'utf8').catch(() => '')).includes('-100123'), { timeoutMs: 15_000 });
  const where = await command(rig, '/where');
  assert.match(where.visibleText, /Active:\n-100123 — Group \(supergroup\)/);
  assert.match((await command(rig, '/leave')).visibleText, /Usage: \/leave/);
  assert.match((await command(rig, '/leave abc')).visibleText, /not a chat id/);
  assert.match((await command(rig, '/leave -100123')).visibleText, /Left -100123/);
  assert.equal(rig.tg.callsOf('leaveChat').at(-1)?.params.chat_id, -100123);
  assert.match((await command(rig, '/where')).visibleText, /Left:\n-100123 — Group \(supergroup\) \[left\]/);
});

test('/diagnose shows version, workers and log lines without the bot token', async (t) => {
  const rig = await startRig(t);
  const reply = await command(rig, '/diagnose');
  assert.match(reply.visibleText, /Version: \d+\.\d+\.\d+/);
  assert.match(reply.visibleText, /Configured: opus \(claude\)/);
  assert.match(reply.visibleText, /● transport \(ready/);
  assert.match(reply.visibleText, /● agent:main \(ready.*0 restarts/);
  assert.match(reply.visibleText, /Last \d+ log lines/);
  assert.ok(!reply.visibleText.includes(FAKE_TOKEN));
});

test('/restart writes the sentinel, restarts every worker and confirms in the chat', async (t) => {
  const rig = await startRig(t);
  const before = await rig.ductor.status();
  const reply = await command(rig, '/restart');
  assert.match(reply.visibleText, /Restarting/);
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.visibleText.includes('Restart completed.')), { timeoutMs: 40_000 });
  const after = await rig.ductor.status();
  const pid = (s: typeof before, id: string) => s.workers.find((w) => w.id === id)?.pid;
  assert.notEqual(pid(after, 'agent:main'), pid(before, 'agent:main'));
  await assert.rejects(readFile(join(rig.home, 'restart-sentinel.json')), { code: 'ENOENT' }, 'the sentinel is consumed');
});

test('switching language to de changes the next reply and the menu without a restart', async (t) => {
  const rig = await startRig(t);
  await waitFor(() => rig.tg.commands.length > 0, { timeoutMs: 15_000 });
  assert.match((await command(rig, '/help')).visibleText, /Daily/);
  const file = join(rig.home, 'config', 'config.json');
  const config = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  await writeFile(file, JSON.stringify({ ...config, language: 'de' }, null, 2));
  await waitFor(() => rig.tg.commands.some((c) => (c as { description: string }[])[0]?.description === 'Neue Sitzung'), { timeoutMs: 20_000 });
  const status = await rig.ductor.status();
  await waitFor(async () => /Alltag/.test((await command(rig, '/help')).visibleText), { timeoutMs: 20_000 });
  assert.match((await command(rig, '/stop')).visibleText, /Es läuft nichts/);
  const after = await rig.ductor.status();
  assert.equal(after.workers.find((w) => w.id === 'agent:main')?.pid, status.workers.find((w) => w.id === 'agent:main')?.pid, 'no restart');
});

test('an unknown /command is no command: it reaches the CLI as a message and its answer comes back', async (t) => {
  const rig = await startRig(t);
  const reply = await command(rig, '/frobnicate the widgets');
  assert.equal(reply.visibleText, await transcriptResult('claude', 'claude-local-hello'));
  const starts = (await rig.cliRuns()).filter((r) => r.event === 'start');
  assert.equal(starts.length, 1);
  const stdin = (await rig.cliRuns()).filter((r) => r.event === 'stdin').map((r) => r.stdin ?? '');
  assert.ok([...stdin, starts[0]!.argv?.at(-1) ?? ''].some((p) => p.includes('/frobnicate the widgets')), 'the text is the prompt');
});

test('/help in a running agent lists every command the agents answer', async (t) => {
  const rig = await startRig(t);
  const help = (await command(rig, '/help')).visibleText;
  for (const entry of COMMAND_LIST) {
    if (entry.section === null) assert.doesNotMatch(help, new RegExp(`/${entry.name}\\b`), `/${entry.name} stays hidden`);
    else assert.match(help, new RegExp(`/${entry.name} — `), `/${entry.name} in /help`);
  }
});
