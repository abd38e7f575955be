#!/usr/bin/env node
// Changes a scheduled job in cron_jobs.json in place.
import {
  EFFORTS, PROVIDERS, cronProblem, fail, ok, paths, parse, parseChoice, parseCliParameters, parseHour, sanitizeName,
  updateRegistry, usage, validTimeZone,
} from './_lib.mjs';

const USAGE = `
cron_edit: change a scheduled job.

  node tools/cron_tools/cron_edit.mjs JOB_ID [--title T] [--description D] [--schedule "..."] [--enabled true|false]
      [--name NEW_ID] [--timezone ZONE|""] [--provider P|""] [--model M|""] [--reasoning-effort E|""]
      [--cli-parameters '[...]'] [--quiet-start H --quiet-end H | --clear-quiet-hours] [--dependency NAME|""]
      [--silent-on-success true|false] [--chat-id N] [--topic-id N | --clear-topic-id] [--transport tg]

An empty string clears an override. List jobs with cron_list.mjs.
`;

const { values, positionals } = parse(process.argv.slice(2), {
  title: { type: 'string' }, description: { type: 'string' }, schedule: { type: 'string' }, enabled: { type: 'string' },
  name: { type: 'string' }, timezone: { type: 'string' }, provider: { type: 'string' }, model: { type: 'string' },
  'reasoning-effort': { type: 'string' }, 'cli-parameters': { type: 'string' }, 'quiet-start': { type: 'string' },
  'quiet-end': { type: 'string' }, 'clear-quiet-hours': { type: 'boolean' }, dependency: { type: 'string' },
  'silent-on-success': { type: 'string' }, 'chat-id': { type: 'string' }, 'topic-id': { type: 'string' },
  'clear-topic-id': { type: 'boolean' }, transport: { type: 'string' },
}, USAGE, { positionals: true });

const id = positionals[0];
if (!id || Object.keys(values).length === 0) usage(USAGE);
const bool = (value, flag) => {
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') fail(`${flag} must be true or false`);
  return value === 'true';
};
const orNull = (value) => (value === '' ? null : value);

const patch = {};
if (values.title !== undefined) patch.title = values.title;
if (values.description !== undefined) patch.description = values.description;
if (values.schedule !== undefined) {
  const problem = cronProblem(values.schedule);
  if (problem) fail(`invalid --schedule: ${problem}`);
  patch.schedule = values.schedule.trim().split(/\s+/).join(' ');
}
if (values.enabled !== undefined) patch.enabled = bool(values.enabled, '--enabled');
if (values.timezone !== undefined) {
  if (values.timezone !== '' && !validTimeZone(values.timezone)) fail(`unknown --timezone "${values.timezone}"`);
  patch.timezone = values.timezone;
}
if (values.provider !== undefined) patch.provider = values.provider === '' ? null : parseChoice(values.provider, PROVIDERS, '--provider');
if (values.model !== undefined) patch.model = orNull(values.model);
if (values['reasoning-effort'] !== undefined) {
  patch.reasoning_effort = values['reasoning-effort'] === '' ? null : parseChoice(values['reasoning-effort'], EFFORTS, '--reasoning-effort');
}
if (values['cli-parameters'] !== undefined) patch.cli_parameters = parseCliParameters(values['cli-parameters']);
if (values['clear-quiet-hours']) Object.assign(patch, { quiet_start: null, quiet_end: null });
else if (values['quiet-start'] !== undefined || values['quiet-end'] !== undefined) {
  const start = parseHour(values['quiet-start'], '--quiet-start');
  const end = parseHour(values['quiet-end'], '--quiet-end');
  if (start === undefined || end === undefined) fail('--quiet-start and --quiet-end go together');
  Object.assign(patch, { quiet_start: start, quiet_end: end });
}
if (values.dependency !== undefined) patch.dependency = orNull(values.dependency);
if (values['silent-on-success'] !== undefined) patch.silent_on_success = bool(values['silent-on-success'], '--silent-on-success');
if (values['chat-id'] !== undefined) {
  if (!/^-?\d+$/.test(values['chat-id'])) fail('--chat-id must be an integer');
  patch.chat_id = Number(values['chat-id']);
}
if (values['clear-topic-id']) patch.topic_id = null;
else if (values['topic-id'] !== undefined) {
  if (!/^\d+$/.test(values['topic-id'])) fail('--topic-id must be a positive integer');
  patch.topic_id = Number(values['topic-id']);
}
if (values.transport !== undefined) patch.transport = values.transport;
let renamed = null;
if (values.name !== undefined) {
  renamed = sanitizeName(values.name).name;
  if (renamed === '') fail('--name needs at least one letter or digit');
  patch.id = renamed;
}

const job = updateRegistry(paths().cronJobs, 'jobs', (data) => {
  const index = data.jobs.findIndex((j) => j && j.id === id);
  if (index < 0) fail(`no job "${id}"; run cron_list.mjs to see the jobs`);
  if (renamed && renamed !== id && data.jobs.some((j) => j && j.id === renamed)) fail(`a job named "${renamed}" already exists`);
  data.jobs[index] = { ...data.jobs[index], ...patch };
  return data.jobs[index];
});
ok({ updated: true, job, changed: Object.keys(patch) });
