import assert from 'node:assert/strict';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseWebhooks, readWebhooksFile, recordHookTrigger } from '../../src/shared/automation/cron-jobs-file.js';
import { MtimeWatcher } from '../../src/workers/scheduler/file-watch.js';

test('the watcher reloads on an mtime change and not on its own baseline refresh', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ductor-watch-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'cron_jobs.json');
  await writeFile(file, '{"jobs":[]}');
  let reloads = 0;
  const watcher = new MtimeWatcher(file, () => {
    reloads += 1;
  });
  await watcher.start();
  t.after(() => watcher.stop());
  assert.equal(await watcher.checkNow(), false);
  await utimes(file, new Date('2030-01-01'), new Date('2030-01-01'));
  assert.equal(await watcher.checkNow(), true);
  assert.equal(reloads, 1);
  await utimes(file, new Date('2031-01-01'), new Date('2031-01-01'));
  await watcher.refreshBaseline();
  assert.equal(await watcher.checkNow(), false, 'our own write was taken as the baseline');
  await rm(file);
  assert.equal(await watcher.checkNow(), true, 'deleting the file is a change');
  assert.equal(reloads, 2);
});

test('webhooks.json: bad hooks are reported without their values; triggers are counted', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ductor-hooks-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'webhooks.json');
  await writeFile(
    file,
    JSON.stringify({
      hooks: [
        { id: 'gh', mode: 'wake', prompt_template: 'x', auth_mode: 'hmac', hmac_secret: 'TOPSECRET', hmac_header: 'X-Hub-Signature-256' },
        { id: 'bad', auth_mode: 'magic', token: 'OTHERSECRET' },
        { id: 'gh', mode: 'wake' },
      ],
    }),
  );
  const { entries, problems } = await readWebhooksFile(file);
  assert.deepEqual(entries.map((h) => h.id), ['gh']);
  assert.equal(entries[0]?.hmac_sig_prefix, 'sha256=', 'defaults applied');
  assert.deepEqual(problems.map((p) => p.id), ['bad', 'gh']);
  assert.equal(JSON.stringify(problems).includes('SECRET'), false);

  assert.equal(await recordHookTrigger(file, 'gh', '2025-01-01T00:00:00.000Z', 'error:no_response'), true);
  assert.equal(await recordHookTrigger(file, 'gh', '2025-01-01T00:01:00.000Z', 'success'), true);
  assert.equal(await recordHookTrigger(file, 'missing', '2025-01-01T00:01:00.000Z', 'success'), false);
  const again = await readWebhooksFile(file);
  assert.equal(again.entries[0]?.trigger_count, 2);
  assert.equal(again.entries[0]?.last_error, null);
  assert.equal(again.entries[0]?.last_triggered_at, '2025-01-01T00:01:00.000Z');
  assert.equal(again.entries[0]?.hmac_secret, 'TOPSECRET', 'other fields kept');
  assert.equal(parseWebhooks('not json').problems[0]?.index, -1);
});
