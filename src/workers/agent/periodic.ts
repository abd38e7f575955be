/** A background chore run now and then every `intervalMs`, never two runs at once, never keeping the process alive. */

export type Periodic = {
  /** Resolves when the run in progress (if any) has finished; later ticks never start. */
  stop(): Promise<void>;
};

/**
 * Starts `run` at once and then every `intervalMs`. A slow run makes the next ticks skip rather
 * than pile up; a failing run goes to `onError` and the loop carries on.
 */
export function startPeriodic(run: () => Promise<void>, intervalMs: number, onError: (error: unknown) => void): Periodic {
  let current: Promise<void> | null = null;
  let stopped = false;
  const tick = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (current) return current;
    current = run()
      .catch(onError)
      .finally(() => {
        current = null;
      });
    return current;
  };
  const timer = setInterval(() => void tick(), intervalMs);
  // A chore must not hold a stopping worker open.
  timer.unref();
  void tick();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await current;
    },
  };
}
