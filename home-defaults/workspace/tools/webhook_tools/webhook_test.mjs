#!/usr/bin/env node
// Sends a signed test request to a webhook on the local server and prints the answer.
import { createHmac } from 'node:crypto';
import { fail, ok, parse, paths, readConfig, readRegistry, usage } from '../cron_tools/_lib.mjs';

const USAGE = `
webhook_test: send a test request to a webhook on the local server (it really runs!).

  node tools/webhook_tools/webhook_test.mjs HOOK_ID [--payload '{"key":"value"}']
`;
const { values, positionals } = parse(process.argv.slice(2), { payload: { type: 'string' } }, USAGE, { positionals: true });
const id = positionals[0];
if (!id) usage(USAGE);
const hook = readRegistry(paths().webhooks, 'hooks').hooks.find((h) => h && h.id === id);
if (!hook) fail(`no webhook "${id}"`);
const config = readConfig();
const server = config.webhooks ?? {};
let body = values.payload ?? JSON.stringify({ test: true, sent_at: new Date().toISOString() });
try {
  JSON.parse(body);
} catch {
  fail('--payload must be JSON');
}
const headers = { 'content-type': 'application/json' };
if ((hook.auth_mode ?? 'bearer') === 'bearer') {
  const token = hook.token || server.token;
  if (!token) fail('no token configured for this hook');
  headers.authorization = `Bearer ${token}`;
} else {
  if (hook.hmac_payload_prefix_regex) fail('test requests for timestamp-signed hooks (Stripe style) are not supported; send one from the provider');
  const sig = createHmac(hook.hmac_algorithm || 'sha256', hook.hmac_secret).update(body).digest(hook.hmac_encoding || 'hex');
  headers[hook.hmac_header] = `${hook.hmac_sig_regex ? '' : (hook.hmac_sig_prefix ?? 'sha256=')}${sig}`;
}
const url = `http://${server.host ?? '127.0.0.1'}:${server.port ?? 8742}/hooks/${id}`;
try {
  const response = await fetch(url, { method: 'POST', headers, body });
  const answer = await response.text();
  ok({ status: response.status, accepted: response.status === 202, response: answer.slice(0, 500) });
} catch (error) {
  fail(`could not reach ${url}: ${error.message} (is webhooks.enabled true and ductor running?)`);
}
