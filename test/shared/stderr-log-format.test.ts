/**
 * The foreground `ductor` echoes its log to stderr: human-readable lines at a terminal (as
 * `ductor logs` prints them), pino JSON through a pipe, DUCTOR_LOG_FORMAT to choose.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { stderrLogFormat } from '../../src/shared/log/stderr-format.js';
import { FAKE_TOKEN, startFakeTelegram } from '../helpers/fake-telegram.js';
import { USER_ID } from '../helpers/rig.js';
import { DUCTOR_BIN, isolatedUserHome, runDuctor } from '../helpers/spawn-ductor.js';
import { tmpHome, writeConfig } from '../helpers/tmp-home.js';
import { waitFor } from '../helpers/wait-for.js';

test('the stderr format: pretty at a terminal, JSON through a pipe, DUCTOR_LOG_FORMAT wins', () => {
  assert.equal(stderrLogFormat({}, true), 'pretty');
  assert.equal(stderrLogFormat({}, false), 'json');
  assert.equal(stderrLogFormat({ DUCTOR_LOG_FORMAT: 'json' }, true), 'json');
  assert.equal(stderrLogFormat({ DUCTOR_LOG_FORMAT: 'Pretty' }, false), 'pretty');
  assert.equal(stderrLogFormat({ DUCTOR_LOG_FORMAT: 'xml' }, true), 'pretty', 'an unknown value falls back to the default');
});

test('`ductor` in a terminal prints human-readable log lines, not pino JSON', async (t) => {
  const home = await tmpHome(t);
  const tg = await startFakeTelegram(t);
  await writeConfig(home, { telegram_token: FAKE_TOKEN, telegram_api_root: tg.url, allowed_user_ids: [USER_ID] });
  // `script` gives the command a pseudo-terminal, as a person's shell would.
  const command = `'${process.execPath}' '${DUCTOR_BIN}'`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env: { ...process.env, DUCTOR_HOME: home, HOME: isolatedUserHome(home), DUCTOR_LOG_FORMAT: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  t.after(async () => {
    await runDuctor(home, ['stop']);
    child.kill('SIGKILL');
  });
  await waitFor(() => /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} INFO +supervisor/.test(out), { timeoutMs: 30_000, message: `a human-readable supervisor line in:\n${out}` });
  assert.doesNotMatch(out, /\{"level":\d+/, 'no raw JSON lines');
  assert.equal((await runDuctor(home, ['stop'])).code, 0);
  await exited;
});
