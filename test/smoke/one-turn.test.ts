/**
 * The smoke run CI makes on each supported Node line besides the full suite's: the built ductor
 * starts on the running node, answers one message through the fake Bot API with a fake CLI, and
 * stops cleanly.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startRig, transcriptResult, USER_ID } from '../helpers/rig.js';
import { runDuctor } from '../helpers/spawn-ductor.js';
import { waitFor } from '../helpers/wait-for.js';

test(`one turn on Node ${process.versions.node}: a message is answered with the CLI's final text`, async (t) => {
  assert.ok(Number(process.versions.node.split('.')[0]) >= 22, `ductor supports Node 22 and 24; this is ${process.version}`);
  const version = await runDuctor('/nonexistent-home-for-version', ['--version']);
  assert.equal(version.code, 0, version.stderr);
  assert.match(version.stdout, /^ductor \d+\.\d+\.\d+/);
  const rig = await startRig(t);
  const expected = await transcriptResult('claude', 'claude-local-hello');
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'hello' });
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.kind === 'text' && m.visibleText.includes(expected.trim().split('\n')[0]!)), { timeoutMs: 30_000, message: 'the answer is visible' });
  const stop = await runDuctor(rig.home, ['stop']);
  assert.equal(stop.code, 0, stop.stderr);
  assert.equal(await rig.ductor.waitForExit(), 0);
});
