/** What /help, /status and /where look like in the chat, and the start-up warning of a bad user_timezone. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { startRig, USER_ID, type Rig } from '../helpers/rig.js';
import { waitFor } from '../helpers/wait-for.js';

async function command(rig: Rig, text: string, chatId = USER_ID, threadId?: number) {
  const { messageId } = rig.tg.pushMessage({ chatId, userId: USER_ID, text, threadId, chatType: chatId < 0 ? 'supergroup' : 'private' });
  return waitFor(() => rig.tg.visible(chatId).find((m) => m.replyTo === messageId), { timeoutMs: 20_000 });
}

test('/help has tappable commands, the session and maintenance ones included, in every language', async (t) => {
  const rig = await startRig(t, { config: { language: 'de' } });
  const help = await command(rig, '/help');
  assert.ok(!help.visibleText.includes('\\'), `no literal backslash: ${help.visibleText}`);
  for (const name of ['/stop_all', '/agent_commands', '/session', '/sessions', '/tasks', '/cron', '/upgrade', '/effort']) {
    assert.match(help.visibleText, new RegExp(`${name}(\\s|$)`), `${name} listed`);
  }
});

test('/status: readable start time, provider logins, a warning about an unknown user_timezone; it is also logged at start', async (t) => {
  const rig = await startRig(t, { config: { user_timezone: 'Mars/Olympus' } });
  const log = await readFile(join(rig.home, 'logs', 'supervisor.log'), 'utf8');
  assert.match(log, /user_timezone.*Mars\/Olympus/, 'warned at start');
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'hello' });
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.visibleText.includes('Hello')), { timeoutMs: 20_000 });
  const status = await command(rig, '/status');
  assert.doesNotMatch(status.visibleText, /\d{4}-\d\d-\d\dT\d\d:\d\d/, 'no raw ISO timestamp');
  assert.match(status.visibleText, /\d{4}-\d\d-\d\d \d\d:\d\d/);
  assert.match(status.visibleText, /Mars\/Olympus/, 'the bad time zone is named');
  assert.match(status.visibleText, /claude: /i, 'login state per provider');
  assert.match(status.visibleText, /codex: /i);
});

test('/status in a forum topic names the topic', async (t) => {
  const rig = await startRig(t, { config: { allowed_group_ids: [-100321] } });
  rig.tg.setChatType(-100321, 'supergroup');
  const { messageId } = rig.tg.pushMessage({ chatId: -100321, userId: USER_ID, text: '/status', threadId: 77, chatType: 'supergroup' });
  const reply = await waitFor(() => rig.tg.visible(-100321).find((m) => m.replyTo === messageId || m.threadId === 77), { timeoutMs: 20_000 });
  assert.match(reply.visibleText, /Topic #77|#77/);
  // A message in the topic names it (its creation message comes along): /status shows the name.
  rig.tg.pushUpdate({
    message: {
      message_id: messageId + 1, date: 0, chat: { id: -100321, type: 'supergroup' }, from: { id: USER_ID, is_bot: false, first_name: 'U' }, text: '/status',
      is_topic_message: true, message_thread_id: 77,
      reply_to_message: { message_id: 77, date: 0, chat: { id: -100321, type: 'supergroup' }, forum_topic_created: { name: 'Research', icon_color: 1 } },
    },
  });
  await waitFor(() => rig.tg.visible(-100321).some((m) => /Topic: Research/.test(m.visibleText)), { timeoutMs: 20_000, message: 'topic name in /status' });
});

test('/where has no literal backticks and counts refused groups as rejected', async (t) => {
  const rig = await startRig(t, { config: { allowed_group_ids: [-100123] } });
  rig.tg.pushMessage({ chatId: -100123, userId: USER_ID, text: 'hello group', chatType: 'supergroup' });
  rig.tg.pushMessage({ chatId: -100555, userId: USER_ID, text: 'let me in', chatType: 'supergroup' });
  rig.tg.pushMessage({ chatId: -100556, userId: USER_ID, text: 'me too', chatType: 'supergroup' });
  await waitFor(() => rig.tg.callsOf('leaveChat').length === 2, { timeoutMs: 20_000 });
  await waitFor(async () => (await readFile(join(rig.home, 'chat_activity.json'), 'utf8').catch(() => '')).includes('-100123'), { timeoutMs: 15_000 });
  const where = await command(rig, '/where');
  assert.ok(!where.visibleText.includes('`'), where.visibleText);
  assert.match(where.visibleText, /-100123/);
  const rejected = where.visibleText.split(/Rejected:/)[1]?.split(/Left:/)[0] ?? '';
  assert.match(rejected, /-100555/);
  assert.match(rejected, /-100556/);
});

test('/effort is a command: it offers the levels, sets one, and never reaches the CLI as a prompt', async (t) => {
  const rig = await startRig(t);
  const pick = await command(rig, '/effort');
  assert.match(pick.visibleText, /Reasoning effort for claude/);
  const labels = (pick.replyMarkup as { inline_keyboard: { text: string }[][] }).inline_keyboard.flat().map((b) => b.text);
  assert.deepEqual(labels.map((l) => l.replace('✓ ', '')), ['low', 'medium', 'high', 'max']);
  assert.match((await command(rig, '/effort high')).visibleText, /set to high/);
  assert.match((await command(rig, '/status')).visibleText, /Effort: high/);
  assert.equal((await rig.cliRuns()).filter((r) => r.event === 'start').length, 0, 'no CLI ran');
});

test('/info has link buttons to the changelog and the package page of the configured update source', async (t) => {
  const rig = await startRig(t, { config: { update_source: 'npm:my-ductor-build' } });
  const info = await command(rig, '/info');
  const buttons = (info.replyMarkup as { inline_keyboard: { text: string; url?: string }[][] }).inline_keyboard.flat();
  assert.deepEqual(buttons.map((b) => b.url), [
    'https://www.npmjs.com/package/my-ductor-build/v/0.1.0',
    'https://www.npmjs.com/package/my-ductor-build',
  ]);
});

test('/info links to no registry page when the update source has none (a git checkout)', async (t) => {
  const rig = await startRig(t, { config: { update_source: 'git' } });
  const info = await command(rig, '/info');
  assert.equal(info.replyMarkup, undefined, 'no buttons that could lead to a name ductor does not own');
});
