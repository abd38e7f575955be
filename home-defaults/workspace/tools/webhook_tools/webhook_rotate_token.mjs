#!/usr/bin/env node
// Gives a bearer webhook a new token; the old one stops working at once.
import { fail, generateToken, ok, parse, paths, updateRegistry, usage } from '../cron_tools/_lib.mjs';

const USAGE = `
webhook_rotate_token: new bearer token for a webhook (the old token is refused from now on).

  node tools/webhook_tools/webhook_rotate_token.mjs HOOK_ID
`;
const { positionals } = parse(process.argv.slice(2), {}, USAGE, { positionals: true });
const id = positionals[0];
if (!id) usage(USAGE);
const token = generateToken();
updateRegistry(paths().webhooks, 'hooks', (data) => {
  const hook = data.hooks.find((h) => h && h.id === id);
  if (!hook) fail(`no webhook "${id}"; run webhook_list.mjs to see them`);
  if ((hook.auth_mode ?? 'bearer') !== 'bearer') fail(`webhook "${id}" uses hmac; change its secret with webhook_edit.mjs --hmac-secret`);
  hook.token = token;
});
ok({ rotated: true, id, token, note: 'Give the new token to the sender; the old one no longer works.' });
