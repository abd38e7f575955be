/**
 * How long an orderly stop (`ductor stop`, `ductor restart`, `/restart`, exit 42, a service stop)
 * lets running turns finish before they are recorded as interrupted and offered a Retry after the
 * next start. The supervisor gives agent workers this long on top of their stop deadline.
 * DUCTOR_TURN_GRACE_MS overrides it (0 … 60000); `ductor stop` (30 s) and the service units' stop
 * timeouts leave room for the default, a longer grace may end in a kill (then a Retry after start).
 */
export const DEFAULT_TURN_GRACE_MS = 10_000;
export const TURN_GRACE_ENV = 'DUCTOR_TURN_GRACE_MS';
const MAX_TURN_GRACE_MS = 60_000;

export function turnGraceMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[TURN_GRACE_ENV];
  if (raw === undefined || raw.trim() === '') return DEFAULT_TURN_GRACE_MS;
  const value = Number(raw);
  return Number.isInteger(value) && value >= 0 && value <= MAX_TURN_GRACE_MS ? value : DEFAULT_TURN_GRACE_MS;
}
