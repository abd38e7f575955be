/** One measured figure of `npm run bench`, with its targets beside it. */
export type Figure = {
  name: string;
  value: number;
  unit: string;
  /**
   * The same work done by the simplest program that can do it, measured in the same run
   * (bench/floors.ts). When present, `must` and `aim` apply to value / floor, not to the value.
   */
  floor?: number;
  /** The value (or, with a floor, the ratio) that must be reached. */
  must: number;
  /** The value to aim for. */
  aim: number;
  better: 'lower' | 'higher';
};

/** What the targets apply to: the value, or its ratio to the floor. */
export function judged(f: Figure): number {
  return f.floor === undefined ? f.value : f.value / f.floor;
}

export function meetsTarget(f: Figure, target: number): boolean {
  return f.better === 'lower' ? judged(f) <= target : judged(f) >= target;
}

/** One line of the bench's output: the figure, its targets and whether they are met. */
export function formatFigure(f: Figure): string {
  const mark = meetsTarget(f, f.aim) ? 'aim ✓' : meetsTarget(f, f.must) ? 'must ✓' : 'MISSED';
  const op = f.better === 'lower' ? '≤' : '≥';
  const value = `${f.name.padEnd(34)} ${f.value.toFixed(3).padStart(12)} ${f.unit.padEnd(6)}`;
  if (f.floor === undefined) return `${value} must ${op} ${f.must}, aim ${op} ${f.aim}  ${mark}`;
  return `${value} ${judged(f).toFixed(2).padStart(6)}× floor ${f.floor.toFixed(3)} ${f.unit}  must ${op} ${f.must}×, aim ${op} ${f.aim}×  ${mark}`;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/**
 * Least-squares slope of y over x: the growth rate every sample has a say in. A step or a swing
 * in one place moves it by its share of the run, where a difference of two windows takes it whole.
 */
export function slope(points: readonly { x: number; y: number }[]): number {
  if (points.length < 2) throw new Error('slope: needs at least two points');
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  if (sxx === 0) throw new Error('slope: every point has the same x');
  return sxy / sxx;
}
