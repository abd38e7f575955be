// Shared helpers of the cron and webhook tool scripts: home lookup, the registry lock (the same
// `<file>.lock` folder ductor's scheduler uses), atomic writes, JSON output, argument parsing.
// Node built-ins only: the scripts run wherever the CLI runs, sandbox included.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const LOCK_STALE_MS = 10_000;
const LOCK_WAIT_MS = 8_000;
/** Locks this process holds; released on any exit, including `fail()` inside a locked section. */
const heldLocks = new Set();
process.on('exit', () => {
  for (const lock of heldLocks) rmSync(lock, { recursive: true, force: true });
});

/** The agent home: $DUCTOR_HOME, else three levels above this folder (home/workspace/tools/<group>). */
export function agentHome() {
  if (process.env.DUCTOR_HOME && process.env.DUCTOR_HOME.trim() !== '') return resolve(process.env.DUCTOR_HOME);
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

export function paths() {
  const home = agentHome();
  const workspace = join(home, 'workspace');
  return {
    home,
    workspace,
    cronJobs: join(home, 'cron_jobs.json'),
    webhooks: join(home, 'webhooks.json'),
    config: join(home, 'config', 'config.json'),
    cronTasks: join(workspace, 'cron_tasks'),
  };
}

/** Prints one JSON object and exits 0. */
export function ok(result) {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.exit(0);
}

/** Prints `{"error": message}` and exits 1. */
export function fail(message, extra = {}) {
  process.stdout.write(`${JSON.stringify({ error: message, ...extra }, null, 2)}\n`);
  process.exit(1);
}

/** Prints the usage text and exits 1 (missing arguments). */
export function usage(text) {
  process.stdout.write(`${text.trim()}\n`);
  process.exit(1);
}

/** parseArgs with our error shape; `--help` prints the usage and exits 0. */
export function parse(argv, options, usageText, { positionals = false } = {}) {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${usageText.trim()}\n`);
    process.exit(0);
  }
  try {
    return parseArgs({ args: argv, options, allowPositionals: positionals, strict: true });
  } catch (error) {
    return fail(`${error.message}. Run with --help for usage.`);
  }
}

/** Lowercase letters, digits and hyphens; reports whether the name changed. */
export function sanitizeName(raw) {
  const name = String(raw)
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  return { name, changed: name !== raw };
}

/** Runs `fn` while holding `<file>.lock` (mkdir lock, compatible with the scheduler's lock). */
export function withLock(file, fn) {
  const lock = `${file}.lock`;
  mkdirSync(dirname(file), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      heldLocks.add(lock);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      try {
        if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) {
          rmSync(lock, { recursive: true, force: true });
          continue;
        }
      } catch {
        continue; // the holder released it between our two calls: try again
      }
      if (Date.now() > deadline) fail(`${file} is locked by another writer; try again in a moment`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
  try {
    return fn();
  } finally {
    heldLocks.delete(lock);
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Reads `{"<key>": [...]}`; a missing or empty file is an empty list; a broken one is an error. */
export function readRegistry(file, key) {
  if (!existsSync(file)) return { [key]: [] };
  const text = readFileSync(file, 'utf8');
  if (text.trim() === '') return { [key]: [] };
  let data;
  try {
    data = JSON.parse(text);
  } catch (error) {
    fail(`${file} is not valid JSON (${error.message}); fix or remove it first`);
  }
  if (typeof data !== 'object' || data === null || !Array.isArray(data[key])) fail(`${file} has no "${key}" list`);
  return data;
}

/** temp file + rename, so the scheduler never reads half a file. */
export function writeAtomic(file, data) {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

/** Changes the registry under its lock: `change(data)` mutates and returns the script's result. */
export function updateRegistry(file, key, change) {
  return withLock(file, () => {
    const data = readRegistry(file, key);
    const result = change(data);
    writeAtomic(file, data);
    return result;
  });
}

/**
 * The settings this agent runs with: config.json of its home, overlaid with $DUCTOR_SETTINGS, the
 * effective values ductor gives the CLI (a sub-agent has no config.json; it inherits main's).
 */
export function readConfig() {
  let file = {};
  try {
    file = JSON.parse(readFileSync(paths().config, 'utf8'));
  } catch {
    // no readable config: the settings from the environment, else defaults
  }
  let given = {};
  try {
    given = process.env.DUCTOR_SETTINGS ? JSON.parse(process.env.DUCTOR_SETTINGS) : {};
  } catch {
    given = {};
  }
  if (typeof file !== 'object' || file === null) file = {};
  if (typeof given !== 'object' || given === null) return file;
  return { ...file, ...given, webhooks: { ...(file.webhooks ?? {}), ...(given.webhooks ?? {}) } };
}

export function nowIso() {
  return new Date().toISOString();
}

export function validTimeZone(zone) {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The zone schedules run in: user_timezone if valid, else $TZ, else the host zone. */
export function effectiveTimeZone() {
  const configured = readConfig().user_timezone;
  if (typeof configured === 'string' && configured !== '' && validTimeZone(configured)) return { zone: configured, configured: true };
  if (process.env.TZ && validTimeZone(process.env.TZ)) return { zone: process.env.TZ, configured: false };
  return { zone: new Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', configured: false };
}

const FIELD_RANGES = [
  ['minute', 0, 59],
  ['hour', 0, 23],
  ['day of month', 1, 31],
  ['month', 1, 12],
  ['day of week', 0, 7],
];
const NAMES = {
  3: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  4: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
};

/** Null when `expr` is a valid 5-field cron expression, else what is wrong. */
export function cronProblem(expr) {
  const fields = String(expr).trim().split(/\s+/);
  if (fields.length !== 5) return `expected 5 fields (minute hour day-of-month month day-of-week), found ${fields.length}`;
  for (let i = 0; i < 5; i += 1) {
    const [label, min, max] = FIELD_RANGES[i];
    const toNumber = (token) => {
      const named = NAMES[i]?.indexOf(token.toLowerCase()) ?? -1;
      if (named >= 0) return i === 3 ? named + 1 : named;
      return /^\d+$/.test(token) ? Number(token) : NaN;
    };
    for (const part of fields[i].split(',')) {
      const [range, step, extra] = part.split('/');
      if (extra !== undefined || (step !== undefined && !/^[1-9]\d*$/.test(step))) return `${label}: bad step in "${part}"`;
      if (range === '*') continue;
      const bounds = range.split('-');
      if (bounds.length > 2) return `${label}: bad range "${range}"`;
      const numbers = bounds.map(toNumber);
      if (numbers.some((n) => Number.isNaN(n) || n < min || n > max)) return `${label}: "${range}" is outside ${min}-${max}`;
      if (numbers.length === 2 && numbers[0] > numbers[1]) return `${label}: range "${range}" runs backwards`;
    }
  }
  return null;
}

export function parseHour(value, flag) {
  if (value === undefined) return undefined;
  if (!/^\d{1,2}$/.test(value) || Number(value) > 23) fail(`${flag} must be an hour from 0 to 23`);
  return Number(value);
}

export function parseCliParameters(value) {
  if (value === undefined) return undefined;
  let parsed;
  try {
    parsed = JSON.parse(value);
  } catch {
    fail('--cli-parameters must be a JSON array of strings, e.g. \'["--max-turns","5"]\'');
  }
  if (!Array.isArray(parsed) || parsed.some((p) => typeof p !== 'string')) fail('--cli-parameters must be a JSON array of strings');
  return parsed;
}

export const PROVIDERS = ['claude', 'codex', 'gemini'];
export const EFFORTS = ['low', 'medium', 'high', 'xhigh'];

export function parseChoice(value, choices, flag) {
  if (value === undefined) return undefined;
  if (!choices.includes(value)) fail(`${flag} must be one of ${choices.join(', ')}`);
  return value;
}

/** Routing of results: the chat the CLI runs for (set by ductor in the environment). */
export function originChat() {
  const chatId = Number.parseInt(process.env.DUCTOR_CHAT_ID ?? '0', 10);
  const topic = process.env.DUCTOR_TOPIC_ID;
  return {
    chat_id: Number.isSafeInteger(chatId) ? chatId : 0,
    topic_id: topic && /^-?\d+$/.test(topic) ? Number(topic) : null,
    transport: process.env.DUCTOR_TRANSPORT || 'tg',
  };
}

export function generateToken() {
  return randomBytes(32).toString('base64url');
}

/** Creates `cron_tasks/<folder>/` with its description, memory file, rule file and scripts/. */
export function scaffoldTaskFolder(folder, { title, description }) {
  const dir = join(paths().cronTasks, folder);
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  const writeOnce = (name, text) => {
    const file = join(dir, name);
    if (!existsSync(file)) writeFileSync(file, text);
  };
  writeOnce(
    'TASK_DESCRIPTION.md',
    `# ${title}\n\n## Goal\n${description}\n\n## Assignment\nDescribe, step by step, what each run must do.\n\n## Output\nDescribe what the user should receive after each run (short, ready to read on a phone).\n`,
  );
  writeOnce(`${folder}_MEMORY.md`, `# ${folder} memory\n\nDated notes from earlier runs (newest last).\n`);
  const rules = ['CLAUDE.md', 'AGENTS.md', 'GEMINI.md'].filter((name) => existsSync(join(paths().workspace, name)));
  const ruleText = `# Task: ${title}\n\nYou run unattended in this folder for a scheduled or webhook task.\n- Read TASK_DESCRIPTION.md and ${folder}_MEMORY.md first.\n- Put helper scripts into scripts/.\n- After the run, add a dated entry to ${folder}_MEMORY.md.\n- Your final reply is delivered to the user as is: only the result, no narration.\n`;
  for (const name of rules.length > 0 ? rules : ['CLAUDE.md']) writeOnce(name, ruleText);
  return dir;
}
