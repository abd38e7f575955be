#!/usr/bin/env node
// Lists the webhooks (secrets masked) with their trigger statistics.
import { ok, parse, paths, readConfig, readRegistry } from '../cron_tools/_lib.mjs';

const USAGE = `
webhook_list: list webhooks (tokens and secrets are masked).

  node tools/webhook_tools/webhook_list.mjs
`;
parse(process.argv.slice(2), {}, USAGE);
const { hooks } = readRegistry(paths().webhooks, 'hooks');
const mask = (v) => (typeof v === 'string' && v !== '' ? `${v.slice(0, 4)}…` : null);
const server = readConfig().webhooks ?? {};
ok({
  server: { enabled: server.enabled === true, host: server.host ?? '127.0.0.1', port: server.port ?? 8742 },
  count: hooks.length,
  hooks: hooks.map((h) => ({
    id: h.id, title: h.title, mode: h.mode, enabled: h.enabled !== false, task_folder: h.task_folder ?? null,
    auth_mode: h.auth_mode ?? 'bearer', token: mask(h.token), hmac_secret: mask(h.hmac_secret), hmac_header: h.hmac_header ?? null,
    trigger_count: h.trigger_count ?? 0, last_triggered_at: h.last_triggered_at ?? null, last_error: h.last_error ?? null,
  })),
});
