/** Which changed top-level keys apply at once and which need a restart. */
import { isDeepStrictEqual } from 'node:util';

/** Keys applied without a restart. Anything else (unknown keys too) is treated as restart-only. */
export const HOT_CONFIG_KEYS: ReadonlySet<string> = new Set([
  'model', 'provider', 'reasoning_effort', 'cli_timeout', 'max_budget_usd', 'max_turns',
  'max_session_messages', 'idle_timeout_minutes', 'session_age_warning_hours', 'daily_reset_hour',
  'daily_reset_enabled', 'permission_mode', 'file_access', 'user_timezone', 'streaming', 'heartbeat',
  'cleanup', 'cli_parameters', 'scene', 'image', 'language', 'allowed_user_ids', 'allowed_group_ids',
  'group_mention_only',
  // agents.memory_limit_mb: the memory watch reads it on every check.
  'agents',
]);

/**
 * Top-level keys whose value differs between two configs, split into `hot` (apply now) and
 * `restart` (logged; take effect after `ductor restart`). Order follows the new config's keys.
 */
export function diffConfig(
  previous: Readonly<Record<string, unknown>>,
  next: Readonly<Record<string, unknown>>,
): { hot: string[]; restart: string[] } {
  const hot: string[] = [];
  const restart: string[] = [];
  const keys = new Set([...Object.keys(next), ...Object.keys(previous)]);
  for (const key of keys) {
    if (isDeepStrictEqual(previous[key], next[key])) continue;
    (HOT_CONFIG_KEYS.has(key) ? hot : restart).push(key);
  }
  return { hot, restart };
}
