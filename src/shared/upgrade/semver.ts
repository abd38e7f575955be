/**
 * Release versions (`1.2.3`, `1.2.3-beta.10`) read and ordered by the `semver` package, the one
 * npm itself uses. Its three functions only: the package's index loads ranges, comparators and
 * every other helper too, in every worker that can tell about an update.
 */
import compare from 'semver/functions/compare.js';
import gt from 'semver/functions/gt.js';
import valid from 'semver/functions/valid.js';

/** The version in canonical form (a leading `v` and surrounding space dropped), or null when it is no version. */
export function parseSemver(text: string): string | null {
  return valid(text.trim());
}

/** Negative when a < b, 0 when equal, positive when a > b. A prerelease sorts before its release. */
export function compareSemver(a: string, b: string): number {
  return compare(a, b);
}

/** True when `candidate` is a valid version newer than `current`. */
export function isNewer(candidate: string, current: string): boolean {
  const [a, b] = [parseSemver(candidate), parseSemver(current)];
  return a !== null && b !== null && gt(a, b);
}
