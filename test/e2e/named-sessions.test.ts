/** Named sessions through the real supervisor: `/session`, `@name` follow-ups, `/sessions`. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { startRig, transcriptResult, USER_ID } from '../helpers/rig.js';
import { pidOf } from '../helpers/spawn-ductor.js';
import { waitFor } from '../helpers/wait-for.js';
import { cliStarts } from '../agent/delegation-rig.js';

test('/session runs in the background with its own CLI session, answers replying to its message; @name follows up; /sessions ends it', async (t) => {
  const rig = await startRig(t, { env: { FAKE_CLI_FRESH_SESSION: '1', FAKE_CLI_HANG_ON: 'SLOW-CHAT' } });
  const hello = (await transcriptResult('claude', 'claude-local-hello')).trim();
  const shown = () => rig.tg.visible(USER_ID);

  // The chat's own turn hangs: the named session must still run and answer.
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'SLOW-CHAT keep busy' });
  await waitFor(async () => (await cliStarts(rig)).length === 1, { timeoutMs: 15_000 });
  const { messageId } = rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: '/session @sonnet summarise the news' });
  const started = await waitFor(() => shown().find((m) => /Session .*started/.test(m.visibleText)), { timeoutMs: 15_000, message: 'the start notice' });
  const name = /Session (\S+) started/.exec(started.visibleText)![1]!.replace(/`/g, '');
  assert.match(started.visibleText, /Running on Claude \(sonnet\)/);
  const answer = await waitFor(() => shown().find((m) => m.visibleText.startsWith(`[${name}]`)), { timeoutMs: 20_000, message: 'the session’s answer' });
  assert.equal(answer.replyTo, messageId, 'the answer replies to the /session message');
  assert.ok(answer.visibleText.includes(hello.slice(0, 20)));
  const sessionRun = (await cliStarts(rig)).find((r) => r.prompt.includes('summarise the news'))!;
  assert.equal(sessionRun.argv?.[sessionRun.argv.indexOf('--model') + 1], 'sonnet');
  assert.ok(!sessionRun.argv?.includes('--resume'));

  const stored = JSON.parse(await readFile(join(rig.home, 'named_sessions.json'), 'utf8')) as { sessions: { name: string; session_id: string; status: string }[] };
  const session = stored.sessions.find((s) => s.name === name)!;
  assert.equal(session.status, 'idle');
  assert.ok(session.session_id !== '');

  // Stop the hanging chat turn, then follow up in the named session: it resumes its own CLI session.
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: '/stop' });
  await waitFor(() => shown().some((m) => m.visibleText.includes('Stopped')), { timeoutMs: 15_000 });
  const follow = rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: `@${name} and the weather?` });
  const second = await waitFor(() => shown().find((m) => m.visibleText.startsWith(`[${name}]`) && m.replyTo === follow.messageId), { timeoutMs: 20_000, message: 'the follow-up answer' });
  assert.ok(second);
  const followRun = (await cliStarts(rig)).find((r) => r.prompt.includes('and the weather?'))!;
  assert.equal(followRun.argv?.[followRun.argv.indexOf('--resume') + 1], session.session_id, 'the follow-up resumed the named session, not the chat’s');
  const chatRun = (await cliStarts(rig)).find((r) => r.prompt.includes('SLOW-CHAT'))!;
  assert.ok(!chatRun.argv?.includes(session.session_id));

  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: '/sessions' });
  const list = await waitFor(() => shown().find((m) => m.visibleText.startsWith('Named sessions:')), { timeoutMs: 15_000 });
  assert.ok(list.visibleText.includes(name));
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: `/sessions end ${name}` });
  await waitFor(() => shown().some((m) => m.visibleText === `Session ${name} ended.`), { timeoutMs: 15_000 });
  const after = JSON.parse(await readFile(join(rig.home, 'named_sessions.json'), 'utf8')) as { sessions: unknown[] };
  assert.deepEqual(after.sessions, []);
});

test('a named session running when its agent worker is SIGKILLed is idle after the restart and re-submitted once with its last prompt, after a notice', async (t) => {
  // The first run hangs (until the worker dies and its CLI is stopped); the re-run answers.
  const rig = await startRig(t, {
    env: {
      FAKE_CLI_EXEC: JSON.stringify([{ on: 'SESSION-WORK', run: 'if [ ! -f "$DUCTOR_HOME/first-run" ]; then touch "$DUCTOR_HOME/first-run"; sleep 600; fi; echo recovered-answer' }]),
    },
  });
  const shown = () => rig.tg.visible(USER_ID);
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: '/session SESSION-WORK compile the report' });
  const started = await waitFor(() => shown().find((m) => /Session .*started/.test(m.visibleText)), { timeoutMs: 15_000, message: 'the start notice' });
  const name = /Session (\S+) started/.exec(started.visibleText)![1]!.replace(/`/g, '');
  const stored = async () => (JSON.parse(await readFile(join(rig.home, 'named_sessions.json'), 'utf8')) as { sessions: { name: string; status: string; last_prompt: string; resubmitted?: boolean }[] }).sessions.find((s) => s.name === name);
  await waitFor(async () => (await cliStarts(rig)).some((r) => r.prompt.includes('SESSION-WORK')) && (await stored())?.status === 'running', { timeoutMs: 15_000, message: 'the session runs' });

  const before = await rig.ductor.status();
  process.kill(pidOf(before, 'agent:main'), 'SIGKILL');

  const notice = await waitFor(() => shown().find((m) => m.visibleText.includes(`Session ${name} was interrupted by a restart`)), { timeoutMs: 30_000, message: 'the recovery notice' });
  const answer = await waitFor(() => shown().find((m) => m.visibleText.startsWith(`[${name}]`) && m.visibleText.includes('recovered-answer')), { timeoutMs: 30_000, message: 'the re-submitted run answered' });
  assert.ok(shown().indexOf(notice) < shown().indexOf(answer), 'the notice comes first');
  const runs = (await cliStarts(rig)).filter((r) => r.prompt.includes('SESSION-WORK compile the report'));
  assert.equal(runs.length, 2, 'run once more, not more');
  await waitFor(async () => (await stored())?.status === 'idle', { timeoutMs: 15_000 });
  const after = await stored();
  assert.equal(after?.resubmitted, false, 'the finished re-run clears the mark');
  assert.equal(after?.last_prompt, 'SESSION-WORK compile the report');
});
