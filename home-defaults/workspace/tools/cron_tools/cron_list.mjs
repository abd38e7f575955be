#!/usr/bin/env node
// Lists the scheduled jobs with their last run and delivery state.
import { effectiveTimeZone, ok, parse, paths, readRegistry } from './_lib.mjs';

const USAGE = `
cron_list: list scheduled jobs.

  node tools/cron_tools/cron_list.mjs
`;
parse(process.argv.slice(2), {}, USAGE);
const { jobs } = readRegistry(paths().cronJobs, 'jobs');
const fields = [
  'id', 'title', 'schedule', 'enabled', 'timezone', 'task_folder', 'provider', 'model', 'reasoning_effort', 'quiet_start', 'quiet_end',
  'dependency', 'chat_id', 'topic_id', 'silent_on_success', 'last_run_at', 'last_run_status', 'last_error',
  'last_delivery_status', 'last_delivery_error', 'last_result_text',
];
ok({
  time_zone: effectiveTimeZone().zone,
  count: jobs.length,
  jobs: jobs.map((job) => Object.fromEntries(fields.filter((f) => job[f] !== undefined).map((f) => [f, job[f]]))),
});
