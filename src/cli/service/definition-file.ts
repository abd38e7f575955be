/** Reading and writing a service definition file, honouring --dry-run. */
import { readFile, rm } from 'node:fs/promises';
import { writeFileAtomic } from '../../shared/store/atomic-write.js';
import type { ServiceContext } from './service-context.js';

export async function writeDefinition(ctx: ServiceContext, file: string, rendered: { text: string; bytes: string | Buffer }): Promise<void> {
  if (ctx.dryRun) {
    ctx.say(`would write ${file}:`);
    ctx.say(rendered.text.trimEnd());
    return;
  }
  await writeFileAtomic(file, rendered.bytes, { mode: 0o644 });
  ctx.say(`wrote ${file}`);
}

export async function removeDefinition(ctx: ServiceContext, file: string): Promise<void> {
  if (ctx.dryRun) {
    ctx.say(`would remove ${file}`);
    return;
  }
  await rm(file, { force: true });
}

export async function readDefinition(file: string, encoding: 'utf8' | 'utf16le' = 'utf8'): Promise<string | null> {
  try {
    return await readFile(file, encoding);
  } catch {
    return null; // not installed
  }
}
