/** Two ductor homes on one host: the second internal API takes a free port and records it for the tools. */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import pino from 'pino';
import { internalApiPort } from '../../src/shared/internal-api-port.js';
import { listenOnConfiguredOrFreePort } from '../../src/workers/scheduler/internal-api/listen.js';
import { startInternalApi, type InternalApi } from '../../src/workers/scheduler/internal-api/server.js';
import { cliEnv } from '../../src/workers/agent/cli-env.js';
import { ConfigSchema } from '../../src/shared/config/schema.js';
import { tmpHome } from '../helpers/tmp-home.js';

function recordingLog() {
  const lines: Array<{ level: string; fields: Record<string, unknown>; msg: string }> = [];
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) => void lines.push({ level, fields, msg });
  return { lines, log: { warn: at('warn'), error: at('error') } as never };
}

function start(home: string, port: number): Promise<InternalApi> {
  return startInternalApi({
    port,
    host: '127.0.0.1',
    secret: () => 'secret-of-this-home-000000000000',
    agents: () => ['main'],
    health: async () => ({}),
    delegate: async () => { throw new Error('not used'); },
    task: { create: async () => { throw new Error('not used'); }, call: async () => { throw new Error('not used'); }, list: async () => [] },
    log: pino({ level: 'silent' }),
  });
}

test('a taken interagent_port: the API listens on a free port, records it under run/, and the CLI env carries it', async (t) => {
  const other = createServer();
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  t.after(() => other.close());
  const taken = (other.address() as { port: number }).port;
  const home = await tmpHome(t);
  const { lines, log } = recordingLog();

  const api = await listenOnConfiguredOrFreePort({ home, configured: taken, start: (port) => start(home, port), log });
  assert.ok(api);
  t.after(() => api.close());
  assert.notEqual(api.port, taken);
  assert.equal(internalApiPort(home), api.port, 'the port in use is recorded');
  assert.equal((await fetch(`http://127.0.0.1:${api.port}/agents`)).status, 401, 'the API answers there');
  assert.ok(lines.some((l) => l.level === 'warn' && l.fields.key === 'interagent_port'), 'the log names the key to set');

  const config = ConfigSchema.parse({ interagent_port: taken });
  const env = cliEnv({ agent: 'main', mainHome: home, agentHome: home, sharedMemoryFile: `${home}/SHAREDMEMORY.md`, config, chat: { transport: 'tg', chatId: 1, topicId: null } });
  assert.equal(env.DUCTOR_INTERAGENT_PORT, String(api.port));
});

test('a free interagent_port is used as configured and recorded', async (t) => {
  const home = await tmpHome(t);
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const { log } = recordingLog();
  const api = await listenOnConfiguredOrFreePort({ home, configured: port, start: (p) => start(home, p), log });
  assert.ok(api);
  t.after(() => api.close());
  assert.equal(api.port, port);
  assert.equal(internalApiPort(home), port);
});
