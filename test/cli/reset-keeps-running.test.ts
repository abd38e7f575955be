/**
 * `ductor reset` rewrites the config of a running bot: it stops the bot only once every answer is
 * in. Cancelling at a question leaves the bot running; a finished reset stops it, then writes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import prompts from 'prompts';
import { runOnboarding } from '../../src/cli/commands/onboarding.js';
import { loadConfig } from '../../src/shared/config/load.js';
import { mainPaths } from '../../src/shared/paths.js';
import { startRig } from '../helpers/rig.js';

test('a cancelled reset leaves the running bot running; a confirmed one stops it and writes', async (t) => {
  const rig = await startRig(t, { config: { model: 'sonnet', user_timezone: 'UTC' } });
  const pidBefore = (await rig.ductor.status()).pid;

  prompts.inject([new Error('ctrl-c')]);
  assert.equal(await runOnboarding({ home: rig.home, reset: true, startAfter: false, prompt: prompts, serviceAvailable: false }), 1);
  const after = await rig.ductor.status();
  assert.equal(after.running, true, 'Ctrl-C at the first question does not stop the bot');
  assert.equal(after.pid, pidBefore);

  // Keep everything: no question after the first, so the answers are complete at once.
  prompts.inject([['telegram', 'timezone', 'docker', 'rest']]);
  assert.equal(await runOnboarding({ home: rig.home, reset: true, startAfter: false, prompt: prompts, serviceAvailable: false }), 0);
  assert.equal(await rig.ductor.waitForExit(), 0, 'the bot was stopped for the write');
  const { config } = await loadConfig(mainPaths(rig.home).configFile);
  assert.equal(config.model, 'sonnet');
  assert.equal(config.user_timezone, 'UTC');
});
