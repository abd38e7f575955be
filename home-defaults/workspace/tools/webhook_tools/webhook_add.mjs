#!/usr/bin/env node
// Creates an incoming webhook in webhooks.json (and, for cron_task hooks, its task folder).
import {
  EFFORTS, PROVIDERS, fail, generateToken, nowIso, ok, parse, parseChoice, parseCliParameters, parseHour, paths,
  readConfig, sanitizeName, scaffoldTaskFolder, updateRegistry, usage,
} from '../cron_tools/_lib.mjs';

const USAGE = `
webhook_add: create an incoming webhook.

  node tools/webhook_tools/webhook_add.mjs --name NAME --title TITLE --description TEXT --mode wake|cron_task
      --prompt-template "New issue {{title}} by {{user}}" [--task-folder FOLDER]   (cron_task only; created if missing)
      [--auth-mode bearer|hmac] [--hmac-secret S --hmac-header X-Hub-Signature-256] [--hmac-algorithm sha256|sha1|sha512]
      [--hmac-encoding hex|base64] [--hmac-sig-prefix "sha256="] [--hmac-sig-regex RE] [--hmac-payload-prefix-regex RE]
      [--provider P] [--model M] [--reasoning-effort E] [--cli-parameters '[...]']   (cron_task only)
      [--quiet-start H --quiet-end H] [--dependency NAME]

wake: the rendered prompt runs in the user's live chat session. cron_task: an isolated run in cron_tasks/<folder>/.
{{field}} is replaced by the top-level JSON field of the request body.
Presets: GitHub = --auth-mode hmac --hmac-header X-Hub-Signature-256 (defaults for the rest);
Stripe = --hmac-header Stripe-Signature --hmac-sig-prefix "" --hmac-sig-regex "v1=([a-f0-9]+)" --hmac-payload-prefix-regex "t=(\\d+)".
`;

const { values } = parse(process.argv.slice(2), {
  name: { type: 'string' }, title: { type: 'string' }, description: { type: 'string' }, mode: { type: 'string' },
  'prompt-template': { type: 'string' }, 'task-folder': { type: 'string' }, 'auth-mode': { type: 'string' },
  'hmac-secret': { type: 'string' }, 'hmac-header': { type: 'string' }, 'hmac-algorithm': { type: 'string' },
  'hmac-encoding': { type: 'string' }, 'hmac-sig-prefix': { type: 'string' }, 'hmac-sig-regex': { type: 'string' },
  'hmac-payload-prefix-regex': { type: 'string' }, provider: { type: 'string' }, model: { type: 'string' },
  'reasoning-effort': { type: 'string' }, 'cli-parameters': { type: 'string' }, 'quiet-start': { type: 'string' },
  'quiet-end': { type: 'string' }, dependency: { type: 'string' },
}, USAGE);

if (!values.name || !values.title || !values.description || !values.mode || !values['prompt-template']) usage(USAGE);
const mode = parseChoice(values.mode, ['wake', 'cron_task'], '--mode');
const { name, changed } = sanitizeName(values.name);
if (name === '') fail('--name needs at least one letter or digit');
const authMode = parseChoice(values['auth-mode'] ?? 'bearer', ['bearer', 'hmac'], '--auth-mode');
if (authMode === 'hmac' && (!values['hmac-secret'] || !values['hmac-header'])) fail('hmac auth needs --hmac-secret and --hmac-header');
for (const flag of ['hmac-sig-regex', 'hmac-payload-prefix-regex']) {
  if (values[flag] === undefined) continue;
  try {
    new RegExp(values[flag]);
  } catch (error) {
    fail(`--${flag} is not a valid regular expression: ${error.message}`);
  }
}
const overrides = {
  provider: parseChoice(values.provider, PROVIDERS, '--provider') ?? null,
  model: values.model ?? null,
  reasoning_effort: parseChoice(values['reasoning-effort'], EFFORTS, '--reasoning-effort') ?? null,
  cli_parameters: parseCliParameters(values['cli-parameters']) ?? [],
};
if (mode === 'wake' && (overrides.provider || overrides.model || overrides.reasoning_effort || overrides.cli_parameters.length > 0)) {
  fail('wake hooks run in the live chat session and take no provider/model/effort/cli-parameters overrides');
}
let taskFolder = null;
if (mode === 'cron_task') {
  if (!values['task-folder']) fail('cron_task hooks need --task-folder');
  taskFolder = sanitizeName(values['task-folder']).name;
  if (taskFolder === '') fail('--task-folder needs at least one letter or digit');
}
const quietStart = parseHour(values['quiet-start'], '--quiet-start');
const quietEnd = parseHour(values['quiet-end'], '--quiet-end');
if ((quietStart === undefined) !== (quietEnd === undefined)) fail('--quiet-start and --quiet-end go together');

const token = authMode === 'bearer' ? generateToken() : null;
const hook = {
  id: name,
  title: values.title,
  description: values.description,
  mode,
  prompt_template: values['prompt-template'],
  enabled: true,
  task_folder: taskFolder,
  auth_mode: authMode,
  token,
  hmac_secret: values['hmac-secret'] ?? null,
  hmac_header: values['hmac-header'] ?? null,
  hmac_algorithm: parseChoice(values['hmac-algorithm'] ?? 'sha256', ['sha256', 'sha1', 'sha512'], '--hmac-algorithm'),
  hmac_encoding: parseChoice(values['hmac-encoding'] ?? 'hex', ['hex', 'base64'], '--hmac-encoding'),
  hmac_sig_prefix: values['hmac-sig-prefix'] ?? 'sha256=',
  hmac_sig_regex: values['hmac-sig-regex'] ?? null,
  hmac_payload_prefix_regex: values['hmac-payload-prefix-regex'] ?? null,
  created_at: nowIso(),
  trigger_count: 0,
  last_triggered_at: null,
  last_error: null,
  ...overrides,
  quiet_start: quietStart ?? null,
  quiet_end: quietEnd ?? null,
  dependency: values.dependency ?? null,
};
updateRegistry(paths().webhooks, 'hooks', (data) => {
  if (data.hooks.some((h) => h && h.id === name)) fail(`a webhook named "${name}" already exists`);
  data.hooks.push(hook);
});
if (taskFolder) scaffoldTaskFolder(taskFolder, { title: values.title, description: values.description });
const server = readConfig().webhooks ?? {};
const endpoint = `http://${server.host ?? '127.0.0.1'}:${server.port ?? 8742}/hooks/${name}`;
const steps = [
  `POST JSON to ${endpoint} with "Content-Type: application/json".`,
  authMode === 'bearer'
    ? 'Send the header "Authorization: Bearer <token>" (the token is in this output; give it to the sender only).'
    : `The sender signs the raw body with the shared secret in the ${values['hmac-header']} header.`,
  'The server listens on loopback only: expose it with a tunnel or reverse proxy for outside senders.',
];
if (server.enabled !== true) steps.unshift('Webhooks are off: set webhooks.enabled to true in config.json and restart ductor.');
ok({ created: true, ...(changed ? { name_sanitized: name } : {}), id: name, mode, endpoint, auth_mode: authMode, ...(token ? { token } : {}), setup_steps: steps });
