/** Helpers of the delegation, task and named-session e2e tests. */
import type { Rig } from '../helpers/rig.js';

export type Run = { event: string; pid?: number; agent?: string; taskId?: string; cwd?: string; argv?: string[]; stdin?: string; line?: string; stdout?: string; stderr?: string; code?: number };

/** Every CLI start with what it was given (argv + stdin), as the fake CLI recorded it. */
export async function cliStarts(rig: Rig): Promise<(Run & { prompt: string })[]> {
  const runs = (await rig.cliRuns()) as Run[];
  return runs
    .filter((r) => r.event === 'start')
    .map((start) => {
      const input = runs.filter((r) => r.pid === start.pid && (r.event === 'stdin' || r.event === 'stdin-line')).map((r) => r.stdin ?? r.line ?? '');
      return { ...start, prompt: [...(start.argv ?? []), ...input].join('\n') };
    });
}

export async function execs(rig: Rig): Promise<Run[]> {
  return ((await rig.cliRuns()) as Run[]).filter((r) => r.event === 'exec');
}
