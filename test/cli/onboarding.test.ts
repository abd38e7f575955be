import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import prompts from 'prompts';
import { onboard } from '../../src/cli/onboarding/onboard.js';
import { parseUserIds, WizardCancelled } from '../../src/cli/onboarding/wizard.js';
import { isConfigured, loadConfig } from '../../src/shared/config/load.js';
import type { CommandRunner } from '../../src/shared/command-runner.js';
import { FAKE_BOT_USERNAME, FAKE_TOKEN, startFakeTelegram } from '../helpers/fake-telegram.js';
import { runDuctor } from '../helpers/spawn-ductor.js';
import { tmpHome, writeConfig } from '../helpers/tmp-home.js';

/** No Docker engine, like this machine: `docker info` fails. */
const noDocker: CommandRunner = async () => ({ code: 1, stdout: '', stderr: 'Cannot connect to the Docker daemon' });
const dockerUp: CommandRunner = async () => ({ code: 0, stdout: '27.0.0', stderr: '' });
const clis = async () => [
  { provider: 'claude' as const, path: '/usr/bin/claude', auth: 'authenticated' as const },
  { provider: 'codex' as const, path: null, auth: 'not_found' as const },
  { provider: 'gemini' as const, path: '/usr/bin/gemini', auth: 'installed' as const },
];

/** Every injected answer must have been asked for: leftovers mean a question was skipped. */
function leftoverAnswers(): unknown[] {
  const injected = (prompts as unknown as { _injected?: unknown[] })._injected ?? [];
  const rest = [...injected];
  injected.length = 0;
  return rest;
}

test('the wizard checks the token with getMe, re-asks bad answers, and writes one valid 0600 config', async (t) => {
  const tg = await startFakeTelegram(t);
  const home = await tmpHome(t);
  const lines: string[] = [];
  prompts.inject(['opus', 'telegram', 'not-a-token', '999999:AAwrongTokenwrongTokenwrongToken12345', FAKE_TOKEN, '@alice', '1001, 1002', 'Mars/Olympus', 'Europe/Berlin', true]);
  const result = await onboard({
    home,
    reset: false,
    prompt: prompts,
    say: (l) => lines.push(l),
    env: { ...process.env, DUCTOR_TELEGRAM_API_ROOT: tg.url },
    run: noDocker,
    deps: { clis },
  });
  assert.deepEqual(leftoverAnswers(), []);
  assert.equal(result.installService, true);
  assert.equal(result.botUsername, FAKE_BOT_USERNAME);

  const out = lines.join('\n');
  assert.match(out, /✔ claude: \/usr\/bin\/claude, logged in/);
  assert.match(out, /✖ codex: not installed \(npm install -g @openai\/codex\)/);
  assert.match(out, /◐ gemini: .*not logged in/);
  assert.match(out, /does not look like a bot token/);
  assert.match(out, /Telegram does not know this token \(401/);
  assert.match(out, /token works: the bot is @ductor_test_bot/);
  assert.match(out, /@userinfobot/);
  assert.match(out, /"@alice" is not a list of positive whole numbers/);
  assert.match(out, /"Mars\/Olympus" is not an IANA time zone/);
  assert.match(out, /no Docker engine is running here/);
  assert.ok(!out.includes(FAKE_TOKEN), 'the token is never echoed');
  assert.deepEqual(tg.calls.filter((c) => c.method === 'getMe').map((c) => c.status), [401, 200]);

  const { config } = await loadConfig(result.configFile);
  assert.equal(config.telegram_token, FAKE_TOKEN);
  assert.deepEqual(config.allowed_user_ids, [1001, 1002]);
  assert.equal(config.user_timezone, 'Europe/Berlin');
  assert.equal(config.docker.enabled, false);
  assert.equal(config.telegram_api_root, tg.url);
  assert.equal(config.provider, 'claude', 'the only CLI logged in');
  assert.equal(config.model, 'opus');
  assert.match(out, /Provider: claude \(the only CLI logged in\)/);
  assert.deepEqual(isConfigured(config), { ok: true });
  assert.equal(statSync(result.configFile).mode & 0o777, 0o600);
});

test('with Docker running the wizard asks about the sandbox', async (t) => {
  const tg = await startFakeTelegram(t);
  const home = await tmpHome(t);
  prompts.inject(['sonnet', 'telegram', FAKE_TOKEN, '42', 'UTC', true, false]);
  const result = await onboard({ home, reset: false, prompt: prompts, say: () => undefined, env: { ...process.env, DUCTOR_TELEGRAM_API_ROOT: tg.url }, run: dockerUp, deps: { clis } });
  assert.deepEqual(leftoverAnswers(), []);
  const { config } = await loadConfig(result.configFile);
  assert.equal(config.docker.enabled, true);
  assert.equal(result.installService, false);
});

test('Ctrl-C in the middle leaves no config behind', async (t) => {
  const tg = await startFakeTelegram(t);
  const home = await tmpHome(t);
  prompts.inject(['opus', 'telegram', FAKE_TOKEN, '1001', new Error('ctrl-c')]);
  await assert.rejects(
    onboard({ home, reset: false, prompt: prompts, say: () => undefined, env: { ...process.env, DUCTOR_TELEGRAM_API_ROOT: tg.url }, run: noDocker, deps: { clis } }),
    (error: unknown) => error instanceof WizardCancelled && error.code === 'WIZARD_CANCELLED',
  );
  assert.deepEqual(leftoverAnswers(), []);
  assert.equal(existsSync(join(home, 'config', 'config.json')), false);
  assert.equal(existsSync(join(home, 'config')) ? (await import('node:fs')).readdirSync(join(home, 'config')).length : 0, 0, 'no temp file either');
});

test('smart reset keeps the chosen parts and asks only for the rest; a cancelled reset changes nothing', async (t) => {
  const home = await tmpHome(t);
  const file = await writeConfig(home, { model: 'sonnet', user_timezone: 'UTC', heartbeat: { enabled: true } });
  const before = await readFile(file, 'utf8');

  prompts.inject([['telegram'], new Error('ctrl-c')]);
  await assert.rejects(onboard({ home, reset: true, prompt: prompts, say: () => undefined, run: noDocker, deps: { clis } }), WizardCancelled);
  assert.deepEqual(leftoverAnswers(), []);
  assert.equal(await readFile(file, 'utf8'), before);

  prompts.inject([['telegram', 'rest'], 'Asia/Tokyo', false]);
  await onboard({ home, reset: true, prompt: prompts, say: () => undefined, run: noDocker, deps: { clis } });
  assert.deepEqual(leftoverAnswers(), [], 'token and user questions were skipped');
  const { config } = await loadConfig(file);
  assert.equal(config.allowed_user_ids[0], 1001);
  assert.equal(config.model, 'sonnet', 'kept with "everything else"');
  assert.equal(config.heartbeat.enabled, true);
  assert.equal(config.user_timezone, 'Asia/Tokyo');

  prompts.inject([['timezone'], 'haiku', 'telegram', FAKE_TOKEN.replace('1234567890', '1234567891'), new Error('ctrl-c')]);
  await assert.rejects(onboard({ home, reset: true, prompt: prompts, say: () => undefined, env: { ...process.env, DUCTOR_TELEGRAM_API_ROOT: 'http://127.0.0.1:9' }, run: noDocker, deps: { clis, checkToken: async () => ({ ok: true, username: 'x' }) } }), WizardCancelled);
  assert.deepEqual(leftoverAnswers(), []);
  assert.equal((await loadConfig(file)).config.model, 'sonnet');
});

test('user ids parse from commas and spaces, and nothing else', () => {
  assert.deepEqual(parseUserIds('1001, 1002 1001'), [1001, 1002]);
  for (const bad of ['', '@me', '-5', '0', '12a', '1.5']) assert.equal(parseUserIds(bad), null, bad);
});

test('compiled `ductor onboarding`, `ductor reset` and first-run `ductor` without a terminal refuse at once', async (t) => {
  const home = await tmpHome(t);
  for (const args of [['onboarding'], ['reset']]) {
    const result = await runDuctor(home, args);
    assert.equal(result.code, 1);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, /needs an interactive terminal/);
  }
  const first = await runDuctor(home, []);
  assert.equal(first.code, 1);
  assert.match(first.stderr, /no configuration at .* Run `ductor onboarding` in a terminal/);
  assert.equal(existsSync(join(home, 'config', 'config.json')), false);
});

test('the wizard offers Matrix: homeserver, bot account and allowlists, no Telegram questions', async (t) => {
  const home = await tmpHome(t);
  const lines: string[] = [];
  prompts.inject(['opus', 'matrix', 'matrix.example.org', 'https://matrix.example.org/', 'bot', '@bot:example.org', 'pw-secret', '!room:example.org, #ops:example.org', '@alice:example.org', 'UTC']);
  const result = await onboard({ home, reset: false, prompt: prompts, say: (l) => lines.push(l), env: process.env, run: noDocker, deps: { clis } });
  assert.deepEqual(leftoverAnswers(), []);
  const out = lines.join('\n');
  assert.match(out, /"matrix\.example\.org" is not an http\(s\) URL/);
  assert.match(out, /"bot" is not a Matrix user id/);
  assert.ok(!out.includes('pw-secret') && !out.includes('@BotFather'));
  const { config } = await loadConfig(result.configFile);
  assert.equal(config.transport, 'matrix');
  assert.deepEqual(config.transports, ['matrix']);
  assert.equal(config.matrix.homeserver, 'https://matrix.example.org');
  assert.equal(config.matrix.user_id, '@bot:example.org');
  assert.deepEqual(config.matrix.allowed_rooms, ['!room:example.org', '#ops:example.org']);
  assert.deepEqual(config.matrix.allowed_users, ['@alice:example.org']);
  assert.deepEqual(isConfigured(config), { ok: true });
});

test('with only codex logged in the wizard saves codex and a codex model, never claude', async (t) => {
  const tg = await startFakeTelegram(t);
  const home = await tmpHome(t);
  const lines: string[] = [];
  const onlyCodex = async () => [
    { provider: 'claude' as const, path: '/usr/bin/claude', auth: 'installed' as const },
    { provider: 'codex' as const, path: '/usr/bin/codex', auth: 'authenticated' as const },
    { provider: 'gemini' as const, path: null, auth: 'not_found' as const },
  ];
  prompts.inject(['gpt-5.2', 'telegram', FAKE_TOKEN, '1001', 'UTC', false]);
  const result = await onboard({ home, reset: false, prompt: prompts, say: (l) => lines.push(l), env: { ...process.env, DUCTOR_TELEGRAM_API_ROOT: tg.url }, run: noDocker, deps: { clis: onlyCodex } });
  assert.deepEqual(leftoverAnswers(), []);
  const { config } = await loadConfig(result.configFile);
  assert.equal(config.provider, 'codex');
  assert.equal(config.model, 'gpt-5.2');
  assert.match(lines.join('\n'), /Provider: codex \(the only CLI logged in\)/);
});

test('with several CLIs logged in the wizard offers them, the first as default, and models of the pick', async (t) => {
  const tg = await startFakeTelegram(t);
  const home = await tmpHome(t);
  const codexAndGemini = async () => [
    { provider: 'claude' as const, path: null, auth: 'not_found' as const },
    { provider: 'codex' as const, path: '/usr/bin/codex', auth: 'authenticated' as const },
    { provider: 'gemini' as const, path: '/usr/bin/gemini', auth: 'authenticated' as const },
  ];
  const asked: Array<{ name: string; choices?: string[]; initial?: unknown }> = [];
  const recording = (async (question: prompts.PromptObject, options?: prompts.Options) => {
    const q = question as prompts.PromptObject & { choices?: Array<{ value: string }> };
    asked.push({ name: String(q.name), choices: q.choices?.map((c) => c.value), initial: q.initial });
    return prompts(question, options);
  }) as typeof prompts;
  prompts.inject(['gemini', 'flash', 'telegram', FAKE_TOKEN, '1001', 'UTC', false]);
  const result = await onboard({ home, reset: false, prompt: recording, say: () => undefined, env: { ...process.env, DUCTOR_TELEGRAM_API_ROOT: tg.url }, run: noDocker, deps: { clis: codexAndGemini } });
  assert.deepEqual(leftoverAnswers(), []);
  assert.deepEqual(asked[0], { name: 'provider', choices: ['codex', 'gemini'], initial: 0 });
  assert.equal(asked[1]!.name, 'model');
  assert.deepEqual(asked[1]!.choices, ['auto', 'pro', 'flash', 'flash-lite']);
  const { config } = await loadConfig(result.configFile);
  assert.equal(config.provider, 'gemini');
  assert.equal(config.model, 'flash');
});

test('the wizard writes "$schema" into config.json and the schema file next to it', async (t) => {
  const tg = await startFakeTelegram(t);
  const home = await tmpHome(t);
  prompts.inject(['opus', 'telegram', FAKE_TOKEN, '1001', 'UTC', false]);
  const result = await onboard({ home, reset: false, prompt: prompts, say: () => undefined, env: { ...process.env, DUCTOR_TELEGRAM_API_ROOT: tg.url }, run: noDocker, deps: { clis } });
  assert.deepEqual(leftoverAnswers(), []);
  const raw = JSON.parse(await readFile(result.configFile, 'utf8')) as Record<string, unknown>;
  assert.equal(raw.$schema, './config.schema.json');
  const schema = JSON.parse(await readFile(join(home, 'config', 'config.schema.json'), 'utf8')) as { properties: Record<string, { description?: string }> };
  assert.match(schema.properties.telegram_token!.description!, /@BotFather/);
});
