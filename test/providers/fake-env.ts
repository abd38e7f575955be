// Environment and record-file helpers for runs of the fake CLIs in test/fake-cli.
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { FAKE_CLI_DIR } from './replay.js';

export type FakeRun = { dir: string; record: string; env: (vars: Record<string, string>) => NodeJS.ProcessEnv; entries: () => Record<string, any>[] };

export function fakeRun(t: TestContext): FakeRun {
  const dir = mkdtempSync(join(tmpdir(), 'ductor-fake-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const record = join(dir, 'record.jsonl');
  return {
    dir,
    record,
    env: (vars) => ({ ...process.env, PATH: `${FAKE_CLI_DIR}:${process.env.PATH ?? ''}`, FAKE_CLI_RECORD: record, FAKE_CLI_DELAY_MS: '1', ...vars }),
    entries: () =>
      existsSync(record)
        ? readFileSync(record, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, any>)
        : [],
  };
}

/** Gone, or a zombie nobody reaps (this sandbox's init does not reap orphans): either way not running. */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}
