/**
 * `cron_jobs.json` (`{"jobs":[...]}`) and `webhooks.json` (`{"hooks":[...]}`): schemas, tolerant
 * reads (a bad entry is reported and skipped, the rest still runs) and the scheduler's own
 * state writes, which patch single records in the raw file so entries we could not parse survive.
 */
import { readFile } from 'node:fs/promises';
import * as z from 'zod/mini';
import '../zod-english.js';
import { lazySchema } from '../lazy-schema.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { withFileLock } from '../store/file-lock.js';

/** How many past runs a job keeps in `run_history` (oldest dropped first). */
export const MAX_RUN_HISTORY = 20;

export const DEFAULT_AGENT_INSTRUCTION = 'read TASK_DESCRIPTION.md and carry it out; stay focused';

const HourSchema = lazySchema(() => z.int().check(z.gte(0), z.lte(23)));
const ProviderSchema = lazySchema(() => z.enum(['claude', 'codex', 'gemini']));

/** Per-task execution overrides, shared by cron jobs and `cron_task` hooks. */
const OverrideFields = {
  provider: z.nullish(ProviderSchema),
  model: z.nullish(z.string()),
  reasoning_effort: z.nullish(z.string()),
  cli_parameters: z._default(z.array(z.string()), []),
  quiet_start: z.nullish(HourSchema),
  quiet_end: z.nullish(HourSchema),
  dependency: z.nullish(z.string()),
};

export const RunRecordSchema = lazySchema(() => z.looseObject({
  at: z.string(),
  status: z.string(),
  duration_ms: z.number().check(z.nonnegative()),
  error: z.nullish(z.string()),
}));
export type RunRecord = z.infer<typeof RunRecordSchema>;

export const CronJobSchema = lazySchema(() => z.looseObject({
  id: z.string().check(z.minLength(1)),
  title: z._default(z.string(), ''),
  description: z._default(z.string(), ''),
  schedule: z.string().check(z.minLength(1)),
  task_folder: z.nullish(z.string()),
  agent_instruction: z._default(z.string(), DEFAULT_AGENT_INSTRUCTION),
  enabled: z._default(z.boolean(), true),
  timezone: z._default(z.string(), ''),
  created_at: z.nullish(z.string()),
  ...OverrideFields,
  chat_id: z._default(z.int(), 0),
  topic_id: z.nullish(z.int()),
  transport: z._default(z.string(), 'tg'),
  silent_on_success: z._default(z.boolean(), false),
  // Run state, written by the scheduler after each run.
  last_run_at: z.nullish(z.string()),
  last_run_status: z.nullish(z.string()),
  last_duration_ms: z.nullish(z.number().check(z.nonnegative())),
  last_error: z.nullish(z.string()),
  run_history: z.pipe(
    z._default(z.array(RunRecordSchema), []),
    z.transform((runs) => runs.slice(-MAX_RUN_HISTORY)),
  ),
  // Delivery tracking, written by whoever delivers the result.
  last_delivery_status: z.nullish(z.enum(['ok', 'failed', 'skipped'])),
  last_delivery_error: z.nullish(z.string()),
  last_result_text: z.nullish(z.string()),
}));
export type CronJob = z.infer<typeof CronJobSchema>;

export const WebhookSchema = lazySchema(() => z.looseObject({
  id: z.string().check(z.minLength(1)),
  title: z._default(z.string(), ''),
  description: z._default(z.string(), ''),
  mode: z._default(z.string(), 'wake'),
  prompt_template: z._default(z.string(), ''),
  enabled: z._default(z.boolean(), true),
  task_folder: z.nullish(z.string()),
  auth_mode: z._default(z.enum(['bearer', 'hmac']), 'bearer'),
  token: z.nullish(z.string()),
  hmac_secret: z.nullish(z.string()),
  hmac_header: z.nullish(z.string()),
  hmac_algorithm: z._default(z.string(), 'sha256'),
  hmac_encoding: z._default(z.enum(['hex', 'base64']), 'hex'),
  hmac_sig_prefix: z._default(z.string(), 'sha256='),
  hmac_sig_regex: z.nullish(z.string()),
  hmac_payload_prefix_regex: z.nullish(z.string()),
  created_at: z.nullish(z.string()),
  trigger_count: z._default(z.int().check(z.nonnegative()), 0),
  last_triggered_at: z.nullish(z.string()),
  last_error: z.nullish(z.string()),
  ...OverrideFields,
}));
export type Webhook = z.infer<typeof WebhookSchema>;

/** One entry that was skipped, and why (never contains field values: hooks carry secrets). */
export interface EntryProblem {
  index: number;
  id: string | null;
  reason: string;
}

export interface ParsedEntries<T> {
  entries: T[];
  problems: EntryProblem[];
}

/** Parses `{"<listKey>": [...]}` entry by entry; the file-level failure is one problem with index -1. */
export function parseEntries<S extends z.ZodMiniType<{ id: string }>>(
  text: string,
  listKey: 'jobs' | 'hooks',
  schema: S,
): ParsedEntries<z.output<S>> {
  if (text.trim() === '') return { entries: [], problems: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { entries: [], problems: [{ index: -1, id: null, reason: `invalid JSON: ${(error as Error).message}` }] };
  }
  const list = isObject(raw) ? raw[listKey] : undefined;
  if (!Array.isArray(list)) {
    return { entries: [], problems: [{ index: -1, id: null, reason: `expected an object with a "${listKey}" array` }] };
  }
  const entries: z.output<S>[] = [];
  const problems: EntryProblem[] = [];
  const seen = new Set<string>();
  list.forEach((item: unknown, index) => {
    const id = isObject(item) && typeof item.id === 'string' ? item.id : null;
    const result = schema.safeParse(item);
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(entry)';
      problems.push({ index, id, reason: `"${where}": ${issue?.message ?? 'invalid'}` });
      return;
    }
    if (seen.has(result.data.id)) {
      problems.push({ index, id, reason: 'duplicate id; the first entry wins' });
      return;
    }
    seen.add(result.data.id);
    entries.push(result.data);
  });
  return { entries, problems };
}

export function parseCronJobs(text: string): ParsedEntries<CronJob> {
  return parseEntries(text, 'jobs', CronJobSchema);
}

export function parseWebhooks(text: string): ParsedEntries<Webhook> {
  return parseEntries(text, 'hooks', WebhookSchema);
}

/** Reads `cron_jobs.json`; a missing file is an empty list. */
export async function readCronJobsFile(file: string): Promise<ParsedEntries<CronJob>> {
  return parseCronJobs(await readTextOrEmpty(file));
}

/** Reads `webhooks.json`; a missing file is an empty list. */
export async function readWebhooksFile(file: string): Promise<ParsedEntries<Webhook>> {
  return parseWebhooks(await readTextOrEmpty(file));
}

export interface CronRunState {
  /** When the run started (ISO-8601 UTC). */
  at: string;
  status: string;
  durationMs: number;
  error?: string | null;
  /** How delivering the result went, when the run got that far. */
  delivery?: { status: 'ok' | 'failed' | 'skipped'; error: string | null; resultText: string | null };
}

/** The fields a finished run changes on its job (pure, for tests and for in-memory copies). */
export function applyCronRun(job: Record<string, unknown>, run: CronRunState): Record<string, unknown> {
  const history = Array.isArray(job.run_history) ? job.run_history : [];
  const record: RunRecord = { at: run.at, status: run.status, duration_ms: run.durationMs, error: run.error ?? null };
  return {
    ...job,
    last_run_at: run.at,
    last_run_status: run.status,
    last_duration_ms: run.durationMs,
    last_error: run.error ?? null,
    run_history: [...history, record].slice(-MAX_RUN_HISTORY),
    ...(run.delivery
      ? {
          last_delivery_status: run.delivery.status,
          last_delivery_error: run.delivery.error,
          last_result_text: run.delivery.resultText,
        }
      : {}),
  };
}

/** The fields a handled webhook changes. */
export function applyHookTrigger(hook: Record<string, unknown>, at: string, status: string): Record<string, unknown> {
  const count = typeof hook.trigger_count === 'number' ? hook.trigger_count : 0;
  return { ...hook, trigger_count: count + 1, last_triggered_at: at, last_error: status === 'success' ? null : status };
}

/** Writes a run's outcome into job `jobId` of `file` under the cross-process lock. False if the job is gone. */
export function recordCronRun(file: string, jobId: string, run: CronRunState): Promise<boolean> {
  return patchEntry(file, 'jobs', jobId, (job) => applyCronRun(job, run));
}

/** Counts a trigger of hook `hookId` in `file` under the cross-process lock. False if the hook is gone. */
export function recordHookTrigger(file: string, hookId: string, at: string, status: string): Promise<boolean> {
  return patchEntry(file, 'hooks', hookId, (hook) => applyHookTrigger(hook, at, status));
}

/**
 * Sets `enabled` on the jobs `ids` selects (`all` = every job) under the cross-process lock, as
 * `/cron` does. Entries are changed in place, so fields this version does not know are kept.
 * Returns the ids whose value changed; a broken file is left alone (nothing changes).
 */
export function setCronJobsEnabled(file: string, ids: readonly string[] | 'all', enabled: boolean): Promise<string[]> {
  return withFileLock(file, async () => {
    const text = await readTextOrEmpty(file);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return [];
    }
    const list = isObject(raw) ? raw.jobs : undefined;
    if (!isObject(raw) || !Array.isArray(list)) return [];
    const changed: string[] = [];
    const next = list.map((entry: unknown) => {
      if (!isObject(entry) || typeof entry.id !== 'string') return entry;
      if (ids !== 'all' && !ids.includes(entry.id)) return entry;
      const current = entry.enabled !== false;
      if (current === enabled) return entry;
      changed.push(entry.id);
      return { ...entry, enabled };
    });
    if (changed.length > 0) await writeFileAtomic(file, `${JSON.stringify({ ...raw, jobs: next }, null, 2)}\n`);
    return changed;
  });
}

async function patchEntry(
  file: string,
  listKey: 'jobs' | 'hooks',
  id: string,
  change: (entry: Record<string, unknown>) => Record<string, unknown>,
): Promise<boolean> {
  return withFileLock(file, async () => {
    const text = await readTextOrEmpty(file);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      // The tool scripts own this file; a broken one is theirs to fix, never ours to overwrite.
      return false;
    }
    const list = isObject(raw) ? raw[listKey] : undefined;
    if (!isObject(raw) || !Array.isArray(list)) return false;
    const index = list.findIndex((entry: unknown) => isObject(entry) && entry.id === id);
    const entry: unknown = list[index];
    if (index < 0 || !isObject(entry)) return false;
    const next = [...list];
    next[index] = change(entry);
    await writeFileAtomic(file, `${JSON.stringify({ ...raw, [listKey]: next }, null, 2)}\n`);
    return true;
  });
}

async function readTextOrEmpty(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
