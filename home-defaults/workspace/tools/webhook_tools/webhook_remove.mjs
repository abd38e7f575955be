#!/usr/bin/env node
// Removes a webhook from webhooks.json (its task folder, if any, is kept).
import { fail, ok, parse, paths, updateRegistry, usage } from '../cron_tools/_lib.mjs';

const USAGE = `
webhook_remove: delete a webhook (a cron_task folder stays; remove it yourself if unused).

  node tools/webhook_tools/webhook_remove.mjs HOOK_ID
`;
const { positionals } = parse(process.argv.slice(2), {}, USAGE, { positionals: true });
const id = positionals[0];
if (!id) usage(USAGE);
updateRegistry(paths().webhooks, 'hooks', (data) => {
  const index = data.hooks.findIndex((h) => h && h.id === id);
  if (index < 0) fail(`no webhook "${id}"; run webhook_list.mjs to see them`);
  data.hooks.splice(index, 1);
});
ok({ removed: true, id });
