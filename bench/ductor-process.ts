/** A real ductor on a temporary home, for the benchmarks that need a whole running instance. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { connectControl } from '../src/shared/control-client.js';
import type { SupervisorStatus } from '../src/shared/rpc/contract.js';
import { markStartedBefore } from '../test/helpers/started-before.js';

const DUCTOR = fileURLToPath(new URL('../bin/ductor.js', import.meta.url));
/** The fake CLIs live in the source tree (test/fake-cli), found from dist/bench/. */
export const FAKE_CLI_DIR = fileURLToPath(new URL('../../test/fake-cli', import.meta.url));

export type BenchDuctor = { home: string; child: ChildProcess; status: () => Promise<SupervisorStatus>; stop: () => Promise<void> };

export type BenchDuctorOptions = {
  config: Record<string, unknown>;
  agents?: object[];
  /** Files to write into the home before start (relative path → content). */
  files?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
  /** Workers expected ready before this resolves. */
  workers: number;
};

export async function startBenchDuctor(options: BenchDuctorOptions): Promise<BenchDuctor> {
  const home = await mkdtemp(join(tmpdir(), 'ductor-bench-'));
  await mkdir(join(home, 'config'), { recursive: true });
  await writeFile(join(home, 'config', 'config.json'), JSON.stringify(options.config));
  if (options.agents) await writeFile(join(home, 'agents.json'), JSON.stringify(options.agents));
  // A bot that has started before: no "I'm online" notice in every allowed chat.
  await markStartedBefore(home, ['main', ...(options.agents ?? []).map((a) => (a as { name: string }).name)]);
  for (const [rel, content] of Object.entries(options.files ?? {})) {
    await mkdir(dirname(join(home, rel)), { recursive: true });
    await writeFile(join(home, rel), content);
  }
  const child = spawn(process.execPath, [DUCTOR], {
    env: { ...process.env, DUCTOR_HOME: home, PATH: `${FAKE_CLI_DIR}:${process.env.PATH ?? ''}`, ...options.env },
    stdio: 'ignore',
  });
  const status = async (): Promise<SupervisorStatus> => {
    const control = await connectControl(home, 1_000);
    if (!control) throw new Error('control socket not reachable');
    try {
      return await control.peer.request('status', {});
    } finally {
      control.close();
    }
  };
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await rm(home, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`ductor exited with ${child.exitCode} during the benchmark`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error('ductor did not get ready within 60 s');
    }
    const current = await status().catch(() => null);
    if (current && current.workers.length === options.workers && current.workers.every((w) => w.state === 'ready')) break;
    await sleep(20);
  }
  return { home, child, status, stop };
}
