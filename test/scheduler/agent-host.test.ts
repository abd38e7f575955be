/** AgentHost: tool scripts change cron_jobs.json, the host picks it up by mtime, runs go to the agent and are recorded. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ConfigSchema } from '../../src/shared/config/schema.js';
import type { CronRunParams } from '../../src/shared/rpc/automation-schemas.js';
import { AgentHost } from '../../src/workers/scheduler/agent-host.js';
import { DependencyLocks } from '../../src/workers/scheduler/dependency-locks.js';
import { silentLog } from '../../src/workers/scheduler/scheduler-log.js';
import { waitFor } from '../helpers/wait-for.js';

const TOOLS = fileURLToPath(new URL('../../home-defaults/workspace/tools', import.meta.url));
const run = promisify(execFile);

test('a job added and removed by the tool scripts is scheduled and unscheduled within a poll, and its run is recorded', async (t) => {
  const home = await mkdtemp(join(tmpdir(), 'ductor-host-'));
  t.after(() => rm(home, { recursive: true, force: true }));
  await mkdir(join(home, 'workspace', 'cron_tasks'), { recursive: true });
  const config = ConfigSchema.parse({ allowed_user_ids: [5], user_timezone: 'Europe/Berlin' });
  const calls: CronRunParams[] = [];
  const host = new AgentHost({
    agent: 'main',
    home,
    config: () => config,
    locks: new DependencyLocks(),
    log: silentLog,
    pollMs: 50,
    calls: {
      runCron: async (params) => {
        calls.push(params);
        return { status: 'success', error: null, durationMs: 3, resultText: 'done', delivery: 'ok', deliveryError: null };
      },
      wakeHook: async () => ({ status: 'success' }),
    },
  });
  await host.start();
  t.after(() => host.stop());
  const env = { ...process.env, DUCTOR_HOME: home, DUCTOR_CHAT_ID: '-1001', DUCTOR_TOPIC_ID: '9' };
  await run(process.execPath, [join(TOOLS, 'cron_tools', 'cron_add.mjs'), '--name', 'report', '--title', 'Report', '--description', 'd', '--schedule', '30 7 * * 1-5', '--dependency', 'db', '--model', 'sonnet'], { env });
  await waitFor(() => host.cron.scheduledIds().includes('report'), { timeoutMs: 5_000, message: 'job scheduled after the tool wrote it' });

  const result = await host.cron.trigger('report');
  assert.equal(result.ran, true);
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0]!.chat, { transport: 'tg', chatId: -1001, topicId: 9 });
  assert.equal(calls[0]!.taskFolder, 'report');
  assert.equal(calls[0]!.overrides.model, 'sonnet');
  const jobs = JSON.parse(await readFile(join(home, 'cron_jobs.json'), 'utf8')).jobs;
  assert.equal(jobs[0].last_run_status, 'success');
  assert.equal(jobs[0].last_delivery_status, 'ok');
  assert.equal(jobs[0].last_result_text, 'done');
  assert.equal(jobs[0].run_history.length, 1);

  await run(process.execPath, [join(TOOLS, 'cron_tools', 'cron_edit.mjs'), 'report', '--enabled', 'false'], { env });
  await waitFor(() => !host.cron.scheduledIds().includes('report'), { timeoutMs: 5_000, message: 'disabled job unscheduled' });
  await run(process.execPath, [join(TOOLS, 'cron_tools', 'cron_remove.mjs'), 'report'], { env });
  await assert.rejects(readFile(join(home, 'workspace', 'cron_tasks', 'report', 'TASK_DESCRIPTION.md')));
});

test('tool scripts refuse bad input with a JSON error and exit 1, and print a tutorial when arguments are missing', async (t) => {
  const home = await mkdtemp(join(tmpdir(), 'ductor-tools-'));
  t.after(() => rm(home, { recursive: true, force: true }));
  const env = { ...process.env, DUCTOR_HOME: home };
  const bad = await run(process.execPath, [join(TOOLS, 'cron_tools', 'cron_add.mjs'), '--name', 'x', '--title', 't', '--description', 'd', '--schedule', '* * *'], { env }).catch((e: { code: number; stdout: string }) => e);
  assert.equal((bad as { code: number }).code, 1);
  assert.match(JSON.parse((bad as { stdout: string }).stdout).error, /5 fields/);
  const tutorial = await run(process.execPath, [join(TOOLS, 'webhook_tools', 'webhook_add.mjs')], { env }).catch((e: { code: number; stdout: string }) => e);
  assert.equal((tutorial as { code: number }).code, 1);
  assert.match((tutorial as { stdout: string }).stdout, /--prompt-template/);
  const wakeOverride = await run(process.execPath, [join(TOOLS, 'webhook_tools', 'webhook_add.mjs'), '--name', 'w', '--title', 't', '--description', 'd', '--mode', 'wake', '--prompt-template', 'p', '--model', 'opus'], { env }).catch((e: { code: number; stdout: string }) => e);
  assert.equal((wakeOverride as { code: number }).code, 1);
  assert.match(JSON.parse((wakeOverride as { stdout: string }).stdout).error, /wake hooks/);
});
