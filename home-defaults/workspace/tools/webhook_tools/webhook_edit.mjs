#!/usr/bin/env node
// Changes a webhook in webhooks.json in place.
import { EFFORTS, PROVIDERS, fail, ok, parse, parseChoice, parseCliParameters, parseHour, paths, updateRegistry, usage } from '../cron_tools/_lib.mjs';

const USAGE = `
webhook_edit: change a webhook.

  node tools/webhook_tools/webhook_edit.mjs HOOK_ID [--title T] [--description D] [--prompt-template TPL] [--enabled true|false]
      [--task-folder F] [--hmac-secret S] [--hmac-header H] [--hmac-algorithm A] [--hmac-encoding hex|base64]
      [--hmac-sig-prefix P] [--hmac-sig-regex RE] [--hmac-payload-prefix-regex RE]
      [--provider P|""] [--model M|""] [--reasoning-effort E|""] [--cli-parameters '[...]']
      [--quiet-start H --quiet-end H | --clear-quiet-hours] [--dependency NAME|""]

New bearer token: webhook_rotate_token.mjs. An empty string clears an override.
`;
const { values, positionals } = parse(process.argv.slice(2), {
  title: { type: 'string' }, description: { type: 'string' }, 'prompt-template': { type: 'string' }, enabled: { type: 'string' },
  'task-folder': { type: 'string' }, 'hmac-secret': { type: 'string' }, 'hmac-header': { type: 'string' },
  'hmac-algorithm': { type: 'string' }, 'hmac-encoding': { type: 'string' }, 'hmac-sig-prefix': { type: 'string' },
  'hmac-sig-regex': { type: 'string' }, 'hmac-payload-prefix-regex': { type: 'string' }, provider: { type: 'string' },
  model: { type: 'string' }, 'reasoning-effort': { type: 'string' }, 'cli-parameters': { type: 'string' },
  'quiet-start': { type: 'string' }, 'quiet-end': { type: 'string' }, 'clear-quiet-hours': { type: 'boolean' },
  dependency: { type: 'string' },
}, USAGE, { positionals: true });
const id = positionals[0];
if (!id || Object.keys(values).length === 0) usage(USAGE);
const orNull = (v) => (v === '' ? null : v);
const patch = {};
const copy = { title: 'title', description: 'description', 'prompt-template': 'prompt_template', 'task-folder': 'task_folder', 'hmac-secret': 'hmac_secret', 'hmac-header': 'hmac_header', 'hmac-sig-prefix': 'hmac_sig_prefix' };
for (const [flag, key] of Object.entries(copy)) if (values[flag] !== undefined) patch[key] = values[flag];
for (const [flag, key] of [['hmac-sig-regex', 'hmac_sig_regex'], ['hmac-payload-prefix-regex', 'hmac_payload_prefix_regex']]) {
  if (values[flag] === undefined) continue;
  try {
    new RegExp(values[flag]);
  } catch (error) {
    fail(`--${flag} is not a valid regular expression: ${error.message}`);
  }
  patch[key] = orNull(values[flag]);
}
if (values.enabled !== undefined) {
  if (values.enabled !== 'true' && values.enabled !== 'false') fail('--enabled must be true or false');
  patch.enabled = values.enabled === 'true';
}
if (values['hmac-algorithm'] !== undefined) patch.hmac_algorithm = parseChoice(values['hmac-algorithm'], ['sha256', 'sha1', 'sha512'], '--hmac-algorithm');
if (values['hmac-encoding'] !== undefined) patch.hmac_encoding = parseChoice(values['hmac-encoding'], ['hex', 'base64'], '--hmac-encoding');
if (values.provider !== undefined) patch.provider = values.provider === '' ? null : parseChoice(values.provider, PROVIDERS, '--provider');
if (values.model !== undefined) patch.model = orNull(values.model);
if (values['reasoning-effort'] !== undefined) patch.reasoning_effort = values['reasoning-effort'] === '' ? null : parseChoice(values['reasoning-effort'], EFFORTS, '--reasoning-effort');
if (values['cli-parameters'] !== undefined) patch.cli_parameters = parseCliParameters(values['cli-parameters']);
if (values['clear-quiet-hours']) Object.assign(patch, { quiet_start: null, quiet_end: null });
else if (values['quiet-start'] !== undefined || values['quiet-end'] !== undefined) {
  const start = parseHour(values['quiet-start'], '--quiet-start');
  const end = parseHour(values['quiet-end'], '--quiet-end');
  if (start === undefined || end === undefined) fail('--quiet-start and --quiet-end go together');
  Object.assign(patch, { quiet_start: start, quiet_end: end });
}
if (values.dependency !== undefined) patch.dependency = orNull(values.dependency);
const hook = updateRegistry(paths().webhooks, 'hooks', (data) => {
  const index = data.hooks.findIndex((h) => h && h.id === id);
  if (index < 0) fail(`no webhook "${id}"; run webhook_list.mjs to see them`);
  const next = { ...data.hooks[index], ...patch };
  if (next.mode === 'wake' && (next.provider || next.model || next.reasoning_effort || (next.cli_parameters ?? []).length > 0)) {
    fail('wake hooks take no provider/model/effort/cli-parameters overrides');
  }
  data.hooks[index] = next;
  return next;
});
ok({ updated: true, id: hook.id, changed: Object.keys(patch) });
