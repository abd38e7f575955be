/**
 * config/config.schema.json in the home: the JSON Schema config.json points to with "$schema"
 * (written by the wizard), so editors complete and explain every key. Rewritten only when its
 * content differs from this version's schema: after an upgrade the first start brings it up to date.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configJsonSchema } from '../shared/config/schema.js';
import { mainPaths } from '../shared/paths.js';
import { writeFileAtomic } from '../shared/store/atomic-write.js';

/** The "$schema" value the wizard writes: relative to config.json, so the home can move. */
export const CONFIG_SCHEMA_REF = './config.schema.json';

export function configSchemaPath(home: string): string {
  return join(mainPaths(home).configDir, 'config.schema.json');
}

export function configSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

/** Writes `file` (default the home's schema file) when it is missing or stale; true when written. */
export async function refreshConfigSchemaFile(home: string, file = configSchemaPath(home)): Promise<boolean> {
  const text = configSchemaText();
  const current = await readFile(file, 'utf8').catch(() => null);
  if (current === text) return false;
  await writeFileAtomic(file, text);
  return true;
}
