#!/usr/bin/env node
// Reads or edits SHAREDMEMORY.md, the knowledge every agent sees (mirrored into each MAINMEMORY.md).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ok, parse, usage, withLock } from './_api.mjs';

const USAGE = `
Usage: node tools/agent_tools/edit_shared_knowledge.mjs --show | --append TEXT | --set TEXT

SHAREDMEMORY.md holds facts every agent of this installation should know. ductor mirrors it into
each agent's MAINMEMORY.md within seconds. --append adds a line, --set replaces the whole file.
`;

const { values } = parse(process.argv.slice(2), { show: { type: 'boolean' }, append: { type: 'string' }, set: { type: 'string' } }, USAGE);
const chosen = [values.show, values.append !== undefined, values.set !== undefined].filter(Boolean).length;
if (chosen !== 1) usage(USAGE);

/** $DUCTOR_SHARED_MEMORY_PATH, else the main home found from this script's place. */
function sharedFile() {
  if (process.env.DUCTOR_SHARED_MEMORY_PATH) return resolve(process.env.DUCTOR_SHARED_MEMORY_PATH);
  const home = process.env.DUCTOR_HOME ? resolve(process.env.DUCTOR_HOME) : resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  // A sub-agent's home is <main>/agents/<name>.
  const main = existsSync(join(home, 'agents.json')) || !existsSync(join(home, '..', '..', 'agents.json')) ? home : resolve(home, '..', '..');
  return join(main, 'SHAREDMEMORY.md');
}

const file = sharedFile();
const read = () => (existsSync(file) ? readFileSync(file, 'utf8') : '');
if (values.show) ok({ path: file, content: read() });
const content = withLock(file, () => {
  const next = values.set !== undefined ? `${values.set.trim()}\n` : `${read().trimEnd()}\n${values.append.trim()}\n`;
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, next);
  renameSync(tmp, file);
  return next;
});
ok({ path: file, action: values.set !== undefined ? 'set' : 'append', chars: content.length });
