/** A temporary DUCTOR_HOME per test, removed afterwards. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

/** A test bot token: the right shape, never valid anywhere. */
export const TEST_BOT_TOKEN = '123456789:AAtestTOKENtestTOKENtestTOKENtest123';

const stoppers = new WeakMap<TestContext, Array<() => Promise<void>>>();

/** Registers work that must finish before the test's temp homes are removed (stopping processes). */
export function beforeHomeRemoval(t: TestContext, stop: () => Promise<void>): void {
  const list = stoppers.get(t) ?? [];
  list.push(stop);
  stoppers.set(t, list);
}

export async function tmpHome(t: TestContext, prefix = 'ductor-test-'): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), prefix));
  t.after(async () => {
    // Processes that still write into the home are stopped first, newest first; one stop that
    // fails does not keep the others from running, and its error is the teardown's.
    const failures: unknown[] = [];
    for (const stop of (stoppers.get(t) ?? []).reverse()) await stop().catch((error: unknown) => failures.push(error));
    stoppers.delete(t);
    await rm(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    if (failures.length > 0) throw new AggregateError(failures, 'stopping what the test started failed');
  });
  return home;
}

/** Writes `config/config.json` with the minimum a configured bot needs, plus `extra` keys. */
export async function writeConfig(home: string, extra: Record<string, unknown> = {}): Promise<string> {
  const file = join(home, 'config', 'config.json');
  await mkdir(join(home, 'config'), { recursive: true });
  const config = {
    telegram_token: TEST_BOT_TOKEN,
    allowed_user_ids: [1001],
    telegram_api_root: 'http://127.0.0.1:9',
    update_check: false,
    ...extra,
  };
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}
