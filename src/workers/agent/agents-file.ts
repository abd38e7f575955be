/** Updates one sub-agent's entry in `agents.json` (main home), locked and atomic. */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../shared/store/atomic-write.js';
import { withFileLock } from '../../shared/store/file-lock.js';

export async function updateAgentEntry(file: string, name: string, patch: Record<string, unknown>): Promise<void> {
  await withFileLock(file, async () => {
    const entries = JSON.parse(await readFile(file, 'utf8')) as unknown;
    if (!Array.isArray(entries)) throw new Error(`${file} does not hold a list of agents`);
    const entry = entries.find((e): e is Record<string, unknown> => typeof e === 'object' && e !== null && (e as { name?: unknown }).name === name);
    if (!entry) throw new Error(`agent "${name}" is not in ${file}`);
    Object.assign(entry, patch);
    await writeFileAtomic(file, `${JSON.stringify(entries, null, 2)}\n`);
  });
}
