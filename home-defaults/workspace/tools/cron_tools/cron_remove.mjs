#!/usr/bin/env node
// Removes a scheduled job and its folder in cron_tasks/.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fail, ok, parse, paths, updateRegistry, usage } from './_lib.mjs';

const USAGE = `
cron_remove: delete a scheduled job and its cron_tasks/ folder.

  node tools/cron_tools/cron_remove.mjs JOB_ID [--keep-folder]
`;
const { values, positionals } = parse(process.argv.slice(2), { 'keep-folder': { type: 'boolean' } }, USAGE, { positionals: true });
const id = positionals[0];
if (!id) usage(USAGE);
const removed = updateRegistry(paths().cronJobs, 'jobs', (data) => {
  const index = data.jobs.findIndex((j) => j && j.id === id);
  if (index < 0) fail(`no job "${id}"; run cron_list.mjs to see the jobs`);
  return data.jobs.splice(index, 1)[0];
});
const folder = typeof removed.task_folder === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(removed.task_folder) ? removed.task_folder : null;
let folderRemoved = false;
if (folder && !values['keep-folder']) {
  rmSync(join(paths().cronTasks, folder), { recursive: true, force: true });
  folderRemoved = true;
}
ok({ removed: true, id, folder_removed: folderRemoved });
