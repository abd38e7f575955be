#!/usr/bin/env node
// Shows the current time in the zone schedules run in, and whether a zone is configured.
import { effectiveTimeZone, ok, parse } from './_lib.mjs';

const USAGE = `
cron_time: current time and the time zone cron schedules use.

  node tools/cron_tools/cron_time.mjs
`;
parse(process.argv.slice(2), {}, USAGE);
const { zone, configured } = effectiveTimeZone();
const now = new Date();
const local = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, dateStyle: 'short', timeStyle: 'medium' }).format(now);
const weekday = new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'long' }).format(now);
ok({
  time_zone: zone,
  configured,
  local_time: local,
  weekday,
  utc: now.toISOString(),
  ...(configured ? {} : { timezone_warning: 'user_timezone is not set in config.json; ask the user for their zone before scheduling.' }),
});
