import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ConfigError } from '../../src/shared/errors.js';
import { configDefaults } from '../../src/shared/config/defaults.js';
import { configExists, createDefaultConfig, loadConfig, updateConfigKeys } from '../../src/shared/config/load.js';

async function configFile(t: TestContext, content?: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ductor-config-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'config.json');
  if (content !== undefined) await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

test('an empty object loads with every default and the file gains them', async (t) => {
  const file = await configFile(t, {});
  const { config, wroteDefaults, warnings } = await loadConfig(file);
  assert.equal(wroteDefaults, true);
  assert.deepEqual(warnings, []);
  assert.equal(config.model, 'opus');
  assert.equal(config.cli_timeout, 1800);
  assert.equal(config.webhooks.port, 8742);
  assert.equal(config.telegram_api_root, 'https://api.telegram.org');
  assert.equal(config.agents.memory_limit_mb, 256);
  assert.equal(config.heartbeat.group_targets.length, 1);
  assert.equal(config.heartbeat.group_targets[0]?.chat_id, null);
  assert.equal(config.gemini_api_key, null);
  assert.deepEqual(config.transports, ['telegram']);
  const written = JSON.parse(await readFile(file, 'utf8'));
  assert.equal(written.gemini_api_key, 'null');
  assert.equal(written.streaming.max_chars, 4000);
  assert.equal(written.timeouts.normal, 600, 'an untouched file keeps timeouts.normal at 600');
  assert.equal('api' in written, false, 'the api block is only written by `ductor api enable`');
});

test('a second load of an up-to-date file does not write it', async (t) => {
  const file = await configFile(t, {});
  await loadConfig(file);
  const before = await stat(file);
  const again = await loadConfig(file);
  assert.equal(again.wroteDefaults, false);
  assert.equal((await stat(file)).mtimeMs, before.mtimeMs);
});

test('a wrong type names the key path, the expectation and the found value; the file is untouched', async (t) => {
  const text = '{ "webhooks": { "port": "80a" }, "model": "sonnet" }';
  const file = await configFile(t, text);
  const error = await loadConfig(file).then(
    () => assert.fail('expected a ConfigError'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ConfigError);
  assert.equal(error.code, 'CONFIG_INVALID');
  assert.equal(error.keyPath, 'webhooks.port');
  assert.equal(error.expected, 'an integer from 1 to 65535');
  assert.equal(error.found, '"80a"');
  assert.equal(
    error.message,
    'config.json: "webhooks.port" must be an integer from 1 to 65535, found "80a". Fix it, or delete the key to use the default.',
  );
  assert.equal(await readFile(file, 'utf8'), text);
});

test('several bad keys are listed in one message, secrets are not quoted', async (t) => {
  const file = await configFile(t, { language: 'xx', telegram_token: 123456, heartbeat: { quiet_start: 24 } });
  await assert.rejects(loadConfig(file), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /has 3 invalid values/);
    assert.match(error.message, /"language" must be one of "en", "de", "nl", "fr", "ru", "es", "pt", found "xx"/);
    assert.match(error.message, /"heartbeat\.quiet_start" must be an integer from 0 to 23, found 24/);
    assert.match(error.message, /"telegram_token" must be a string, found a number \(value hidden\)/);
    assert.doesNotMatch(error.message, /123456/);
    return true;
  });
});

test('invalid JSON names line and column and leaves the file alone', async (t) => {
  const text = '{\n  "model": "opus",\n  "language": "en",\n}\n';
  const file = await configFile(t, text);
  await assert.rejects(loadConfig(file), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.expected, 'valid JSON');
    assert.match(error.message, /^config\.json: invalid JSON at line 4, column 1: a trailing comma/);
    return true;
  });
  assert.equal(await readFile(file, 'utf8'), text);
});

test('a file that is not an object is refused', async (t) => {
  const file = await configFile(t, '[1, 2]');
  await assert.rejects(loadConfig(file), { code: 'CONFIG_INVALID', expected: 'a JSON object ({ ... })' });
});

test('a missing file is a ConfigError that points to onboarding', async (t) => {
  const file = await configFile(t);
  assert.equal(await configExists(file), false);
  await assert.rejects(loadConfig(file), (error: unknown) => error instanceof ConfigError && /onboarding/.test(error.message));
});

test('unknown keys are kept, in the file and the config, and named in warnings', async (t) => {
  const file = await configFile(t, { my_note: 'hi', streaming: { colour: 'blue' }, memory_flush: { enabled: false } });
  const { config, warnings } = await loadConfig(file);
  assert.deepEqual(warnings, [
    'config.json: unknown key "my_note" kept as is (ductor does not use it)',
    'config.json: unknown key "streaming.colour" kept as is (ductor does not use it)',
  ]);
  assert.equal((config as Record<string, unknown>).my_note, 'hi');
  assert.deepEqual(config.memory_flush, { enabled: false }, 'later-version keys round-trip untouched');
  const written = JSON.parse(await readFile(file, 'utf8'));
  assert.equal(written.my_note, 'hi');
  assert.equal(written.streaming.colour, 'blue');
  assert.deepEqual(written.memory_flush, { enabled: false });
});

test('merging adds missing keys at any depth without touching user values or lists', async (t) => {
  const file = await configFile(t, {
    model: 'sonnet',
    streaming: { enabled: false },
    docker: { mounts: ['/data'] },
    heartbeat: { group_targets: [{ chat_id: -100123 }] },
    allowed_user_ids: [42],
  });
  const { changes } = await loadConfig(file);
  const written = JSON.parse(await readFile(file, 'utf8'));
  assert.equal(written.model, 'sonnet');
  assert.equal(written.streaming.enabled, false);
  assert.equal(written.streaming.min_chars, 200, 'a missing nested key is added');
  assert.deepEqual(written.docker.mounts, ['/data']);
  assert.deepEqual(written.heartbeat.group_targets, [{ chat_id: -100123 }], 'lists are not merged');
  assert.deepEqual(written.allowed_user_ids, [42]);
  assert.ok(changes.includes('streaming.min_chars: added with its default'));
  assert.ok(!changes.some((c) => c.startsWith('model')));
});

test('legacy forms are normalized: gemini null, telegram_files_days, cli_timeout', async (t) => {
  const file = await configFile(t, { gemini_api_key: null, cleanup: { telegram_files_days: 7 }, cli_timeout: 900 });
  const { config } = await loadConfig(file);
  assert.equal(config.gemini_api_key, null);
  assert.equal(config.cleanup.media_files_days, 7);
  assert.equal(config.timeouts.normal, 900);
  const written = JSON.parse(await readFile(file, 'utf8'));
  assert.equal(written.gemini_api_key, 'null');
  assert.equal(written.cleanup.media_files_days, 7);
  assert.equal('telegram_files_days' in written.cleanup, false);
  assert.equal(written.timeouts.normal, 900);
});

test('cli_timeout is not copied when timeouts.normal is set by the user', async (t) => {
  const file = await configFile(t, { cli_timeout: 900, timeouts: { normal: 300 } });
  const { config } = await loadConfig(file);
  assert.equal(config.timeouts.normal, 300);
});

test('gemini_api_key "none" and blank mean unset; a real key is kept', async (t) => {
  for (const [value, expected] of [['None', null], ['  ', null], ['abc123', 'abc123']] as const) {
    const file = await configFile(t, { gemini_api_key: value });
    assert.equal((await loadConfig(file)).config.gemini_api_key, expected);
  }
});

test('transports: empty list follows transport; explicit transport goes first', async (t) => {
  const onlyList = await configFile(t, { transports: ['matrix', 'telegram'] });
  const a = (await loadConfig(onlyList)).config;
  assert.equal(a.transport, 'matrix');
  assert.deepEqual(a.transports, ['matrix', 'telegram']);

  const both = await configFile(t, { transport: 'telegram', transports: ['matrix', 'telegram'] });
  assert.deepEqual((await loadConfig(both)).config.transports, ['telegram', 'matrix']);

  const notListed = await configFile(t, { transport: 'telegram', transports: ['matrix'] });
  assert.deepEqual((await loadConfig(notListed)).config.transports, ['telegram']);
});

test('an unknown file_access scope behaves as workspace, with a warning', async (t) => {
  const file = await configFile(t, { file_access: 'galaxy' });
  const { config, warnings } = await loadConfig(file);
  assert.equal(config.file_access, 'workspace');
  assert.ok(warnings.some((w) => w.includes('"file_access"')));
});

test('createDefaultConfig writes defaults with overrides, mode 0600, no api block', async (t) => {
  const file = await configFile(t);
  const config = await createDefaultConfig(file, { telegram_token: '1:abc', allowed_user_ids: [7], streaming: { enabled: false } });
  assert.equal(config.telegram_token, '1:abc');
  const written = JSON.parse(await readFile(file, 'utf8'));
  assert.equal(written.streaming.enabled, false);
  assert.equal(written.streaming.max_chars, 4000);
  assert.equal('api' in written, false);
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.equal((await loadConfig(file)).wroteDefaults, false, 'a fresh file needs no merge');
});

test('createDefaultConfig refuses invalid overrides and writes nothing', async (t) => {
  const file = await configFile(t);
  await assert.rejects(createDefaultConfig(file, { interagent_port: 70000 }), { code: 'CONFIG_INVALID', keyPath: 'interagent_port' });
  assert.equal(await configExists(file), false);
});

test('updateConfigKeys changes only the named keys and skips equal values', async (t) => {
  const file = await configFile(t, { model: 'opus', my_note: 'keep', webhooks: { port: 9000 } });
  assert.deepEqual(await updateConfigKeys(file, { model: 'sonnet', 'webhooks.token': 'secret' }), ['model', 'webhooks.token']);
  const written = JSON.parse(await readFile(file, 'utf8'));
  assert.deepEqual(written, { model: 'sonnet', my_note: 'keep', webhooks: { port: 9000, token: 'secret' } });
  const before = await stat(file);
  assert.deepEqual(await updateConfigKeys(file, { model: 'sonnet' }), []);
  assert.equal((await stat(file)).mtimeMs, before.mtimeMs);
});

test('updateConfigKeys refuses a value that would not validate', async (t) => {
  const text = JSON.stringify({ model: 'opus' });
  const file = await configFile(t, text);
  await assert.rejects(updateConfigKeys(file, { 'api.port': 0 }), { code: 'CONFIG_INVALID', keyPath: 'api.port' });
  assert.equal(await readFile(file, 'utf8'), text);
});

test('concurrent updateConfigKeys calls both land', async (t) => {
  const file = await configFile(t, {});
  await Promise.all([updateConfigKeys(file, { model: 'sonnet' }), updateConfigKeys(file, { language: 'de' })]);
  const written = JSON.parse(await readFile(file, 'utf8'));
  assert.equal(written.model, 'sonnet');
  assert.equal(written.language, 'de');
});

test('configDefaults returns independent copies', () => {
  const a = configDefaults();
  a.docker.mounts.push('/x');
  assert.deepEqual(configDefaults().docker.mounts, []);
});

test('an unknown user_timezone loads with a warning that names it and the zone used instead', async (t) => {
  const file = await configFile(t, { user_timezone: 'Mars/Olympus' });
  const { config, warnings } = await loadConfig(file);
  assert.equal(config.user_timezone, 'Mars/Olympus', 'the value is kept for the user to fix');
  assert.ok(warnings.some((w) => w.includes('"user_timezone"') && w.includes('Mars/Olympus')), warnings.join('\n'));
});
