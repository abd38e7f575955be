/**
 * The foreground turn's clock (`timeouts`): the CLI gets `normal` seconds. Before the end the
 * chat is warned at each of `warning_intervals` (seconds left). When the deadline comes while
 * the CLI is still producing output (an event within the last `activity_extension` seconds) and
 * `extend_on_activity` is on, the deadline moves by `activity_extension`, at most
 * `max_extensions` times; otherwise the turn is stopped through `signal`.
 */
export type DeadlineSettings = {
  normal: number;
  warning_intervals: readonly number[];
  extend_on_activity: boolean;
  activity_extension: number;
  max_extensions: number;
};

export type DeadlineHooks = {
  onWarning: (secondsLeft: number) => void;
  onExtended: (seconds: number) => void;
};

/** The longest a turn can last with every extension used (ms): the CLI runner's own backstop. */
export function longestTurnMs(settings: DeadlineSettings): number {
  const extensions = settings.extend_on_activity ? settings.max_extensions * settings.activity_extension : 0;
  return (settings.normal + extensions) * 1000;
}

export class TurnDeadline {
  private readonly controller = new AbortController();
  private deadline: number;
  private lastActivity: number;
  private extensions = 0;
  private readonly warned = new Set<number>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly settings: DeadlineSettings, private readonly hooks: DeadlineHooks, private readonly now: () => number = Date.now) {
    this.lastActivity = now();
    this.deadline = this.lastActivity + settings.normal * 1000;
    this.arm();
  }

  /** Aborted when the deadline passed without being extended. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get fired(): boolean {
    return this.controller.signal.aborted;
  }

  get extended(): number {
    return this.extensions;
  }

  /** The CLI produced output. */
  activity(): void {
    this.lastActivity = this.now();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private pendingWarnings(): number[] {
    return [...this.settings.warning_intervals].filter((s) => !this.warned.has(s) && s * 1000 < this.settings.normal * 1000).sort((a, b) => b - a);
  }

  private arm(): void {
    if (this.stopped) return;
    const next = this.pendingWarnings()[0];
    const at = next === undefined ? this.deadline : Math.min(this.deadline, this.deadline - next * 1000);
    this.timer = setTimeout(() => this.tick(), Math.max(0, at - this.now()));
    this.timer.unref();
  }

  private tick(): void {
    if (this.stopped) return;
    const now = this.now();
    if (now >= this.deadline) {
      const recent = now - this.lastActivity <= this.settings.activity_extension * 1000;
      if (this.settings.extend_on_activity && recent && this.extensions < this.settings.max_extensions) {
        this.extensions++;
        this.deadline = now + this.settings.activity_extension * 1000;
        this.warned.clear();
        this.hooks.onExtended(this.settings.activity_extension);
        return this.arm();
      }
      this.stop();
      this.controller.abort(new Error('turn timeout'));
      return;
    }
    for (const seconds of this.pendingWarnings()) {
      if (now >= this.deadline - seconds * 1000) {
        this.warned.add(seconds);
        this.hooks.onWarning(Math.round((this.deadline - now) / 1000));
      }
    }
    this.arm();
  }
}
