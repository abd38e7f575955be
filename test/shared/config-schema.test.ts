import assert from 'node:assert/strict';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { effectiveAgentConfig, loadAgentsFile, readAgentNames } from '../../src/shared/config/agent-config.js';
import { configDefaults } from '../../src/shared/config/defaults.js';
import { diffConfig, isConfigured, resolveTimezone } from '../../src/shared/config/load.js';
import { configSecretValues, redactConfig } from '../../src/shared/config/redact-config.js';
import { ConfigSchema, SECRET_CONFIG_PATHS, configJsonSchema } from '../../src/shared/config/schema.js';

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ductor-schema-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('defaults hold every block of the spec', () => {
  const config = configDefaults();
  for (const block of ['streaming', 'docker', 'heartbeat', 'cleanup', 'webhooks', 'api', 'cli_parameters', 'image', 'scene', 'timeouts', 'tasks', 'matrix', 'agents']) {
    assert.equal(typeof (config as Record<string, unknown>)[block], 'object', block);
  }
  assert.equal(config.idle_timeout_minutes, 1440);
  assert.equal(config.daily_reset_hour, 4);
  assert.equal(config.interagent_port, 8799);
  assert.equal(config.api.port, 8741);
  assert.equal(config.api.host, '127.0.0.1');
  assert.equal(config.heartbeat.ack_token, 'HEARTBEAT_OK');
  assert.deepEqual(config.timeouts.warning_intervals, [60, 10]);
  assert.equal(config.tasks.max_parallel, 5);
  assert.equal(config.image.quality, 85);
  assert.equal(config.scene.status_reaction, true);
  assert.equal(config.matrix.store_path, 'matrix_store');
  assert.equal(config.cleanup.check_hour, 3);
});

test('bounds and enums are enforced', () => {
  assert.equal(ConfigSchema.safeParse({ daily_reset_hour: 24 }).success, false);
  assert.equal(ConfigSchema.safeParse({ image: { quality: 0 } }).success, false);
  assert.equal(ConfigSchema.safeParse({ reasoning_effort: 'extreme' }).success, false);
  assert.equal(ConfigSchema.safeParse({ docker: { extras: ['ffmpeg', 'doom'] } }).success, false);
  assert.equal(ConfigSchema.safeParse({ telegram_api_root: 'ftp://x' }).success, false);
  assert.equal(ConfigSchema.safeParse({ log_level: 'debug', telegram_api_root: 'http://127.0.0.1:9' }).success, true);
});

test('the JSON Schema carries defaults and bounds for editors', () => {
  const schema = configJsonSchema() as { properties: Record<string, { properties?: Record<string, Record<string, unknown>>; default?: unknown }> };
  const port = schema.properties.webhooks?.properties?.port;
  assert.deepEqual(port, { default: 8742, description: 'Port it listens on.', type: 'integer', minimum: 1, maximum: 65535 });
  assert.equal(schema.properties.telegram_api_root?.default, 'https://api.telegram.org');
  assert.ok(schema.properties.agents?.properties?.memory_limit_mb);
  assert.doesNotThrow(() => JSON.stringify(schema));
});

test('secret paths point at real keys and are redacted', () => {
  const config = ConfigSchema.parse({ telegram_token: '1:tok', webhooks: { token: 'hook-secret' }, gemini_api_key: 'gem' });
  for (const path of SECRET_CONFIG_PATHS) {
    const [head, tail] = path.split('.') as [string, string | undefined];
    const holder = tail ? (config as Record<string, Record<string, unknown>>)[head] : config;
    assert.ok(holder && (tail ?? head) in holder, path);
  }
  const safe = redactConfig(config);
  assert.equal(safe.telegram_token, '[redacted]');
  assert.equal(safe.webhooks.token, '[redacted]');
  assert.equal(safe.api.token, '', 'empty secrets stay empty');
  assert.equal(config.telegram_token, '1:tok', 'the original is not modified');
  assert.deepEqual(configSecretValues(config).sort(), ['1:tok', 'gem', 'hook-secret']);
});

test('diffConfig splits hot and restart-only keys', () => {
  const before = configDefaults();
  const after = { ...configDefaults(), model: 'sonnet', language: 'de' as const, telegram_token: 'x', timeouts: { ...before.timeouts, normal: 10 } };
  after.streaming = { ...after.streaming, enabled: false };
  assert.deepEqual(diffConfig(before, after), { hot: ['model', 'language', 'streaming'], restart: ['telegram_token', 'timeouts'] });
  assert.deepEqual(diffConfig(before, configDefaults()), { hot: [], restart: [] });
  assert.deepEqual(diffConfig(before, { ...configDefaults(), my_key: 1 }), { hot: [], restart: ['my_key'] });
});

test('isConfigured needs a real token and allowed users, or a Matrix account', () => {
  const base = configDefaults();
  assert.equal(isConfigured(base).ok, false);
  assert.match(isConfigured({ ...base, telegram_token: 'YOUR_TOKEN', allowed_user_ids: [1] }).reason ?? '', /telegram_token/);
  assert.match(isConfigured({ ...base, telegram_token: '1:abc' }).reason ?? '', /allowed_user_ids/);
  assert.deepEqual(isConfigured({ ...base, telegram_token: '1:abc', allowed_user_ids: [1] }), { ok: true });
  const matrix = { ...base, transport: 'matrix' as const, transports: ['matrix' as const] };
  assert.match(isConfigured(matrix).reason ?? '', /matrix\.homeserver/);
  assert.equal(isConfigured({ ...matrix, matrix: { ...base.matrix, homeserver: 'https://m.org', user_id: '@b:m.org' } }).ok, true);
  assert.deepEqual(isConfigured({ ...base, transport: 'console', transports: ['console'] }), { ok: true }, 'console only: no token needed');
});

test('resolveTimezone: config, then TZ, then host link, then UTC', async (t) => {
  const dir = await tempDir(t);
  const link = join(dir, 'localtime');
  await symlink('/usr/share/zoneinfo/Asia/Tokyo', link);
  const warnings: string[] = [];
  const opts = { env: {}, localtimePath: join(dir, 'missing'), onWarning: (w: string) => warnings.push(w) };
  assert.equal(resolveTimezone({ user_timezone: 'Europe/Berlin' }, opts), 'Europe/Berlin');
  assert.equal(resolveTimezone({ user_timezone: 'Mars/Base' }, { ...opts, env: { TZ: 'America/New_York' } }), 'America/New_York');
  assert.match(warnings[0] ?? '', /Mars\/Base/);
  assert.equal(resolveTimezone({ user_timezone: '' }, { ...opts, localtimePath: link }), 'Asia/Tokyo');
  assert.equal(resolveTimezone({ user_timezone: '' }, opts), 'UTC');
});

test('a sub-agent inherits main settings, overrides its own, and keeps its identity', () => {
  const main = ConfigSchema.parse({
    telegram_token: 'main-token',
    allowed_user_ids: [1],
    model: 'opus',
    streaming: { enabled: true, max_chars: 3000 },
    timeouts: { normal: 100 },
    api: { enabled: true },
  });
  const sub = effectiveAgentConfig(
    main,
    { name: 'coder', telegram_token: 'sub-token', provider: 'openai', model: 'gpt-5', streaming: { enabled: false }, allowed_user_ids: [2] },
    '/home/u/.ductor',
  );
  assert.equal(sub.ductor_home, '/home/u/.ductor/agents/coder');
  assert.equal(sub.telegram_token, 'sub-token');
  assert.equal(sub.provider, 'codex');
  assert.equal(sub.model, 'gpt-5');
  assert.deepEqual(sub.allowed_user_ids, [2]);
  assert.deepEqual(sub.allowed_group_ids, [], 'allowlists are never inherited');
  assert.equal(sub.streaming.enabled, false);
  assert.equal(sub.streaming.max_chars, 3000, 'block overrides merge over the main block');
  assert.equal(sub.timeouts.normal, 100, 'timeouts are always inherited');
  assert.equal(sub.api.enabled, false, 'api is off unless the entry has it');
  assert.equal(main.telegram_token, 'main-token', 'main config untouched');
});

test('agents.json: bad entries and duplicates are skipped with warnings', async (t) => {
  const file = join(await tempDir(t), 'agents.json');
  await writeFile(
    file,
    JSON.stringify([
      { name: 'coder', telegram_token: 't1' },
      { name: 'main', telegram_token: 't2' },
      { name: 'Bad Name', telegram_token: 't3' },
      { name: 'coder', telegram_token: 't4' },
      { name: 'notoken' },
      { name: 'mx', transport: 'matrix', matrix: { homeserver: 'https://m.org', user_id: '@a:m.org' } },
    ]),
  );
  const { agents, warnings } = await loadAgentsFile(file);
  assert.deepEqual(agents.map((a) => a.name), ['coder', 'mx']);
  assert.equal(warnings.length, 4);
  assert.match(warnings[0] ?? '', /entry 1 \("main"\) skipped: "name" must be a name other than "main"/);
  assert.match(warnings[3] ?? '', /entry 4 \("notoken"\) skipped: "telegram_token" must be set for a Telegram sub-agent, found nothing/);
  const seen: string[] = [];
  assert.deepEqual(await readAgentNames(file, (w) => seen.push(w)), ['coder', 'mx']);
  assert.equal(seen.length, 4);
});

test('agents.json: missing means none, invalid JSON is a ConfigError', async (t) => {
  const dir = await tempDir(t);
  assert.deepEqual(await readAgentNames(join(dir, 'agents.json')), []);
  const broken = join(dir, 'broken.json');
  await writeFile(broken, '[{"name": "x",}]');
  await assert.rejects(loadAgentsFile(broken), { code: 'CONFIG_INVALID', message: /line 1, column 15/ });
});
