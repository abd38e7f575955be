/**
 * What an accepted webhook does: render and wrap the prompt,
 * then `wake` (inject into the live chat sessions) or `cron_task` (an isolated one-shot run,
 * subject to the hook's quiet hours and dependency lock). The runs themselves are injected:
 * the agent worker owns the CLI. Resolves with the status to record; never rejects.
 */
import type { Webhook } from '../../shared/automation/cron-jobs-file.js';
import type { DependencyLocks } from './dependency-locks.js';
import { isQuietFor } from './quiet-hours.js';
import { silentLog, type SchedulerLog } from './scheduler-log.js';
import { renderHookPrompt } from './template.js';
import { logInjectionAttempt } from '../../shared/security/injection-scan.js';

export interface HookDispatcherOptions {
  /** Runs the wrapped prompt in each allowed chat's active session; resolves with a status. */
  runWake: (hook: Webhook, prompt: string) => Promise<string>;
  /** Runs the wrapped prompt as a one-shot task in the hook's folder; resolves with a status. */
  runCronTask: (hook: Webhook, prompt: string) => Promise<string>;
  /** The same instance the cron scheduler uses, so a `dependency` name is one lock for both. */
  locks: DependencyLocks;
  /** Zone for the hook's quiet hours (`user_timezone` resolved). */
  timeZone: () => string;
  now?: () => Date;
  log?: SchedulerLog;
}

export type HookDispatch = (hook: Webhook, payload: Record<string, unknown>) => Promise<string>;

export function createHookDispatcher(options: HookDispatcherOptions): HookDispatch {
  const log = options.log ?? silentLog;
  const now = options.now ?? (() => new Date());
  return async (hook, payload) => {
    try {
      // The payload is outside text: a hit is logged (pattern names only) and the run goes on,
      // as for chat messages; the prompt wrapper already marks the payload as untrusted.
      logInjectionAttempt(JSON.stringify(payload), `webhook:${hook.id}`, log);
      const prompt = renderHookPrompt(hook.prompt_template, payload);
      if (hook.mode === 'wake') {
        if (hasOverrides(hook)) log.warn({ hook: hook.id }, 'wake hook overrides ignored: wake runs in the live session');
        return await options.runWake(hook, prompt);
      }
      if (hook.mode === 'cron_task') {
        if (!hook.task_folder) return 'error:no_task_folder';
        if (isQuietFor(hook, now(), options.timeZone())) return 'skipped:quiet_hours';
        return await options.locks.run(hook.dependency, () => options.runCronTask(hook, prompt));
      }
      return `error:unknown_mode_${hook.mode}`;
    } catch (error) {
      log.error({ hook: hook.id, err: error instanceof Error ? error.message : String(error) }, 'webhook dispatch failed');
      return 'error:exception';
    }
  };
}

function hasOverrides(hook: Webhook): boolean {
  return Boolean(hook.provider || hook.model || hook.reasoning_effort || hook.cli_parameters.length > 0);
}
