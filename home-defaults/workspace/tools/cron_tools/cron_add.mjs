#!/usr/bin/env node
// Creates a scheduled job: its folder in cron_tasks/ and its entry in cron_jobs.json.
import {
  EFFORTS, PROVIDERS, cronProblem, effectiveTimeZone, fail, nowIso, ok, originChat, paths, parse, parseChoice,
  parseCliParameters, parseHour, sanitizeName, scaffoldTaskFolder, updateRegistry, usage, validTimeZone,
} from './_lib.mjs';

const USAGE = `
cron_add: create a scheduled job.

  node tools/cron_tools/cron_add.mjs --name NAME --title TITLE --description TEXT --schedule "MIN HOUR DOM MON DOW"
      [--timezone Europe/Berlin] [--provider claude|codex|gemini] [--model M] [--reasoning-effort low|medium|high|xhigh]
      [--cli-parameters '["--flag","value"]'] [--quiet-start H --quiet-end H] [--dependency NAME] [--silent-on-success]

The schedule is a 5-field cron expression evaluated in the configured time zone
(run tools/cron_tools/cron_time.mjs first). Examples: "0 9 * * 1-5" = weekdays 09:00, "*/15 * * * *" = every 15 minutes.
Results go to the chat you are in now. After adding, write the job's instructions into
cron_tasks/<name>/TASK_DESCRIPTION.md.
`;

const { values } = parse(process.argv.slice(2), {
  name: { type: 'string' }, title: { type: 'string' }, description: { type: 'string' }, schedule: { type: 'string' },
  timezone: { type: 'string' }, provider: { type: 'string' }, model: { type: 'string' }, 'reasoning-effort': { type: 'string' },
  'cli-parameters': { type: 'string' }, 'quiet-start': { type: 'string' }, 'quiet-end': { type: 'string' },
  dependency: { type: 'string' }, 'silent-on-success': { type: 'boolean' },
}, USAGE);

if (!values.name || !values.title || !values.description || !values.schedule) usage(USAGE);
const { name, changed } = sanitizeName(values.name);
if (name === '') fail('--name needs at least one letter or digit');
const problem = cronProblem(values.schedule);
if (problem) fail(`invalid --schedule: ${problem}`);
if (values.timezone && !validTimeZone(values.timezone)) fail(`unknown --timezone "${values.timezone}" (use an IANA name like Europe/Berlin)`);
const quietStart = parseHour(values['quiet-start'], '--quiet-start');
const quietEnd = parseHour(values['quiet-end'], '--quiet-end');
if ((quietStart === undefined) !== (quietEnd === undefined)) fail('--quiet-start and --quiet-end go together');

const job = {
  id: name,
  title: values.title,
  description: values.description,
  schedule: values.schedule.trim().split(/\s+/).join(' '),
  task_folder: name,
  agent_instruction: 'read TASK_DESCRIPTION.md and carry it out',
  enabled: true,
  ...(values.timezone ? { timezone: values.timezone } : {}),
  created_at: nowIso(),
  provider: parseChoice(values.provider, PROVIDERS, '--provider') ?? null,
  model: values.model ?? null,
  reasoning_effort: parseChoice(values['reasoning-effort'], EFFORTS, '--reasoning-effort') ?? null,
  cli_parameters: parseCliParameters(values['cli-parameters']) ?? [],
  quiet_start: quietStart ?? null,
  quiet_end: quietEnd ?? null,
  dependency: values.dependency ?? null,
  ...originChat(),
  silent_on_success: Boolean(values['silent-on-success']),
};

updateRegistry(paths().cronJobs, 'jobs', (data) => {
  if (data.jobs.some((j) => j && j.id === name)) fail(`a job named "${name}" already exists; use cron_edit.mjs or pick another name`);
  data.jobs.push(job);
});
const folder = scaffoldTaskFolder(name, { title: values.title, description: values.description });
const tz = effectiveTimeZone();
ok({
  created: true,
  job,
  ...(changed ? { name_sanitized: name } : {}),
  task_folder: folder,
  time_zone: values.timezone || tz.zone,
  ...(!tz.configured && !values.timezone ? { timezone_warning: `No user_timezone is configured; the schedule runs in ${tz.zone}. Ask the user for their zone and set user_timezone in config.json.` } : {}),
  action_required: [
    `Write what each run must do into ${folder}/TASK_DESCRIPTION.md (Goal, Assignment, Output).`,
    'Tell the user when the job will run, in their time zone.',
  ],
});
