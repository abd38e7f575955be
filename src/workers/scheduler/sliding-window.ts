/** A sliding-window rate limiter: at most `limit` hits per key within the last `windowMs`. */

export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  /** `limit` ≤ 0 means unlimited. `now` returns epoch milliseconds (tests pin it). */
  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a hit for `key` and returns true, or returns false (and counts nothing) when over the limit. */
  tryHit(key: string): boolean {
    if (this.limit <= 0) return true;
    const now = this.now();
    const cutoff = now - this.windowMs;
    const recent = (this.hits.get(key) ?? []).filter((t) => t > cutoff);
    if (recent.length >= this.limit) {
      this.hits.set(key, recent);
      return false;
    }
    recent.push(now);
    this.hits.set(key, recent);
    return true;
  }
}
