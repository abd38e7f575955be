/** One measured figure of `npm run bench`, with the targets beside it. */
export type Figure = {
  name: string;
  value: number;
  unit: string;
  /** The value the issue says must be reached. */
  must: number;
  /** The value the issue says to aim for. */
  aim: number;
  better: 'lower' | 'higher';
};

export function meetsTarget(f: Figure, target: number): boolean {
  return f.better === 'lower' ? f.value <= target : f.value >= target;
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
