/**
 * A host for the service and uninstall commands: a `ductor` on PATH (a stub that exits 0), and a
 * command runner that records every call instead of running it and answers with `answer`.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { CommandRunner } from '../../src/shared/command-runner.js';
import { tmpHome } from './tmp-home.js';

type Answer = { code: number; stdout: string; stderr: string };

export async function fakeServiceHost(t: TestContext, answer: (file: string, args: readonly string[]) => Answer = () => ({ code: 0, stdout: '', stderr: '' })) {
  const root = await tmpHome(t);
  const bin = join(root, 'bin');
  await mkdir(bin, { recursive: true });
  await writeFile(join(bin, 'ductor'), '#!/bin/sh\nexit 0\n');
  await chmod(join(bin, 'ductor'), 0o755);
  const calls: string[] = [];
  const run: CommandRunner = async (file, args) => {
    calls.push([file, ...args].join(' '));
    return answer(file, args);
  };
  const lines: string[] = [];
  const say = (line: string) => void lines.push(line);
  return { root, bin, calls, run, lines, say, userHome: join(root, 'user') };
}
