/**
 * `/model` offers the CLIs that are installed (on PATH: here the fake CLIs) and logged in (the
 * files each CLI keeps in the user's home), the installed ones when no login is found at all, and
 * in the Docker sandbox every logged-in one whatever the host's PATH says.
 */
import assert from 'node:assert/strict';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { providerChoices } from '../../src/workers/agent/orchestrator/provider-choices.js';
import { FAKE_CLI_DIR } from '../helpers/rig.js';
import { tmpHome } from '../helpers/tmp-home.js';
import { writeCliLogins, type CliName } from '../helpers/cli-logins.js';

/** A PATH holding only the fake CLIs `installed`, and a user home with the login files of `logins`. */
async function machine(t: TestContext, installed: CliName[], logins: CliName[]): Promise<NodeJS.ProcessEnv> {
  const root = await tmpHome(t, 'ductor-choices-');
  const bin = join(root, 'bin');
  const home = join(root, 'home');
  await mkdir(bin, { recursive: true });
  for (const cli of installed) await symlink(join(FAKE_CLI_DIR, cli), join(bin, cli));
  await writeCliLogins(home, logins);
  return { PATH: bin, HOME: home };
}

const hostConfig = { gemini_api_key: null, docker: { enabled: false } } as unknown as Parameters<typeof providerChoices>[0]['config'];
const dockerConfig = { gemini_api_key: null, docker: { enabled: true } } as unknown as Parameters<typeof providerChoices>[0]['config'];

test('installed and logged in: offered; logged in but not installed, or installed but not logged in: not', async (t) => {
  const env = await machine(t, ['claude', 'codex'], ['claude', 'gemini']);
  assert.deepEqual(await providerChoices({ config: hostConfig, env }), { offered: ['claude'], loggedIn: true });
});

test('every installed CLI that is logged in is offered, in the order claude, codex, gemini', async (t) => {
  const env = await machine(t, ['gemini', 'codex', 'claude'], ['gemini', 'codex']);
  assert.deepEqual(await providerChoices({ config: hostConfig, env }), { offered: ['codex', 'gemini'], loggedIn: true });
});

test('with no login found the installed CLIs are offered, and it is said', async (t) => {
  const env = await machine(t, ['codex', 'gemini'], []);
  assert.deepEqual(await providerChoices({ config: hostConfig, env }), { offered: ['codex', 'gemini'], loggedIn: false });
  const bare = await machine(t, [], []);
  assert.deepEqual(await providerChoices({ config: hostConfig, env: bare }), { offered: ['claude', 'codex', 'gemini'], loggedIn: false });
});

test('in the Docker sandbox the host PATH does not decide: the logged-in CLIs are offered', async (t) => {
  const env = await machine(t, [], ['codex']);
  assert.deepEqual(await providerChoices({ config: dockerConfig, env }), { offered: ['codex'], loggedIn: true });
});
