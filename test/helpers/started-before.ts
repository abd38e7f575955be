/**
 * Makes a fresh home look like an install that has started before, so its first start sends no
 * "I'm online" notice to every allowed chat. Tests that look for that notice skip this; benchmarks
 * use it because a notice in every chat would count as the first answer there.
 */
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { currentBoot } from '../../src/workers/transport/startup-notice.js';

export async function markStartedBefore(home: string, agents: readonly string[] = ['main']): Promise<void> {
  const boot = await currentBoot();
  const at = new Date().toISOString();
  const file = join(home, 'startup.json');
  await writeFile(file, JSON.stringify({ agents: Object.fromEntries(agents.map((name) => [name, { boot, at }])) }), { mode: 0o600 });
  // Owner-only, as ductor writes it (a rewrite keeps a file's mode, so a looser one would stay).
  await chmod(file, 0o600);
}
