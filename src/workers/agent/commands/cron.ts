/**
 * `/cron`: a paged selector over this agent's `cron_jobs.json` with status
 * and "(delivery failed)" marks, per-job enable/disable, all on/off, refresh and "run now".
 * `enabled` is written here under the same file lock the scheduler and the tool scripts use, then
 * the scheduler is asked to reload at once instead of at its next mtime poll; "run now" goes
 * through the scheduler's own pipeline (quiet hours, dependency locks, recording, delivery).
 *
 * Callback data (`crn:`, ≤ 64 bytes): `p:<page>` show/refresh, `t:<page>:<job>` toggle,
 * `r:<page>:<job>` run now, `on:<page>` / `off:<page>` all. A job id too long for the button is
 * addressed as `#<index>` in the file.
 */
import type { Button } from '../../../shared/rpc/conversation-schemas.js';
import { readCronJobsFile, setCronJobsEnabled, type CronJob } from '../../../shared/automation/cron-jobs-file.js';
import type { Reply } from '../orchestrator/commands.js';
import type { CommandRegistration } from '../orchestrator/command-registry.js';
import type { Inbound } from '../../../shared/rpc/conversation-schemas.js';
import { texts } from '../orchestrator/texts.js';

export const CRON_PAGE_SIZE = 5;
const CALLBACK_MAX_BYTES = 64;

export type CronCommandDeps = {
  cronJobsFile: string;
  /** `reloadAutomation` on the scheduler; a failure only delays the change to the next poll. */
  reload: () => Promise<unknown>;
  /** `runCronNow` on the scheduler; resolves when the run has ended. */
  runNow: (jobId: string) => Promise<{ ran: boolean; status: string }>;
  /** A notice of its own in the chat the selector was used in (the refused-run message). */
  notify: (text: string) => void;
  timeZone: () => string;
};

/** `/cron [page]`; `depsFor` gives the notices the chat of the message. */
export function cronCommands(depsFor: (message: Inbound) => CronCommandDeps): CommandRegistration[] {
  return [{ names: ['cron'], run: ({ message, args }) => cronCommand(depsFor(message), args) }];
}

export async function cronCommand(deps: CronCommandDeps, args: string): Promise<Reply> {
  const page = Number.parseInt(args, 10);
  return render(deps, Number.isFinite(page) && page > 0 ? page - 1 : 0, null);
}

/** Handles `crn:…` data (the prefix already removed). */
export async function cronCallback(deps: CronCommandDeps, data: string): Promise<Reply> {
  const [verb = 'p', pageText = '0', ...rest] = data.split(':');
  const page = Math.max(0, Number.parseInt(pageText, 10) || 0);
  const ref = rest.join(':');
  if (verb === 'on' || verb === 'off') {
    const changed = await setCronJobsEnabled(deps.cronJobsFile, 'all', verb === 'on');
    await reloadQuietly(deps);
    return render(deps, page, texts.cronAllSet(changed.length, verb === 'on'));
  }
  if (verb === 't' || verb === 'r') {
    const { entries } = await readCronJobsFile(deps.cronJobsFile);
    const job = resolveJob(entries, ref);
    if (!job) return render(deps, page, texts.cronUnknownJob(ref));
    if (verb === 't') {
      const enable = !job.enabled;
      await setCronJobsEnabled(deps.cronJobsFile, [job.id], enable);
      await reloadQuietly(deps);
      return render(deps, page, texts.cronToggled(job.id, enable));
    }
    // The scheduler only holds enabled jobs; a stale button of a job disabled since is told so here.
    if (!job.enabled) return render(deps, page, texts.cronRunRefused(job.id, texts.cronReason('disabled')));
    // The run can take as long as the CLI does: answer now, report only a refusal or failure later
    // (a run that happens delivers its own result to the job's chat).
    void deps.runNow(job.id).then(
      (result) => {
        if (!result.ran) deps.notify(texts.cronRunRefused(job.id, texts.cronReason(result.status)));
      },
      () => deps.notify(texts.cronSchedulerDown),
    );
    return render(deps, page, texts.cronRunStarted(job.id));
  }
  return render(deps, page, null);
}

async function render(deps: CronCommandDeps, page: number, notice: string | null): Promise<Reply> {
  const { entries, problems } = await readCronJobsFile(deps.cronJobsFile);
  const head = notice ? `${notice}\n\n` : '';
  const fileProblem = problems.find((p) => p.index < 0);
  if (fileProblem) return plain(`${head}${texts.cronFileBroken(fileProblem.reason)}`);
  if (entries.length === 0) return plain(`${head}${texts.cronEmpty}`);
  const pages = Math.ceil(entries.length / CRON_PAGE_SIZE);
  const current = Math.min(page, pages - 1);
  const shown = entries.slice(current * CRON_PAGE_SIZE, (current + 1) * CRON_PAGE_SIZE);
  const lines = shown.map((job) => jobLine(job, deps.timeZone()));
  const buttons: Button[][] = shown.map((job) => {
    const ref = refOf(entries, job, `crn:t:${current}:`);
    const toggle = { label: clip(job.enabled ? texts.cronDisableButton(job.id) : texts.cronEnableButton(job.id)), data: `crn:t:${current}:${ref}` };
    // Only an enabled job can be run now: the scheduler holds no other.
    return job.enabled ? [toggle, { label: clip(texts.cronRunButton), data: `crn:r:${current}:${ref}` }] : [toggle];
  });
  if (pages > 1) {
    const nav: Button[] = [];
    if (current > 0) nav.push({ label: '◀', data: `crn:p:${current - 1}` });
    nav.push({ label: `${current + 1}/${pages}`, data: `crn:p:${current}` });
    if (current < pages - 1) nav.push({ label: '▶', data: `crn:p:${current + 1}` });
    buttons.push(nav);
  }
  buttons.push([
    { label: clip(texts.cronAllOnButton), data: `crn:on:${current}` },
    { label: clip(texts.cronAllOffButton), data: `crn:off:${current}` },
    { label: clip(texts.cronRefreshButton), data: `crn:p:${current}` },
  ]);
  return plain(`${head}${texts.cronTitle(current + 1, pages)}\n\n${lines.join('\n\n')}`, buttons);
}

function jobLine(job: CronJob, timeZone: string): string {
  const title = job.title.trim() !== '' && job.title !== job.id ? ` — ${job.title}` : '';
  const last = job.last_run_at ? texts.cronLastRun(job.last_run_status ?? '?', shortTime(job.last_run_at, job.timezone || timeZone)) : texts.cronNeverRan;
  const delivery = job.last_delivery_status === 'failed' ? ` ${texts.cronDeliveryFailed}` : '';
  return `${job.enabled ? '✅' : '⏸'} ${job.id}${title}\n   ${job.schedule} · ${last}${delivery}`;
}

/** `YYYY-MM-DD HH:MM` in the job's zone; an unreadable time is shown as stored. */
function shortTime(iso: string, timeZone: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  try {
    const parts = new Intl.DateTimeFormat('en-CA', { timeZone: timeZone || 'UTC', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
    const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
  } catch {
    return iso;
  }
}

function refOf(entries: readonly CronJob[], job: CronJob, prefix: string): string {
  const fits = Buffer.byteLength(`${prefix}${job.id}`) <= CALLBACK_MAX_BYTES && !job.id.startsWith('#');
  return fits ? job.id : `#${entries.indexOf(job)}`;
}

function resolveJob(entries: readonly CronJob[], ref: string): CronJob | undefined {
  if (ref.startsWith('#')) return entries[Number.parseInt(ref.slice(1), 10)];
  return entries.find((j) => j.id === ref);
}

async function reloadQuietly(deps: CronCommandDeps): Promise<void> {
  // The scheduler's watcher picks the file up within seconds anyway; the reload only makes it immediate.
  await deps.reload().catch(() => undefined);
}

/** Button labels are at most 64 characters (ButtonSchema). */
function clip(label: string): string {
  return label.length <= 64 ? label : `${label.slice(0, 63)}…`;
}

function plain(text: string, buttons: Button[][] = []): Reply {
  return { text, format: 'plain', buttons };
}
