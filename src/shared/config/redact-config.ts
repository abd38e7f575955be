/** A copy of a config that is safe to log: every secret key path replaced by a marker. */
import { getAtPath, hasPath, setAtPath } from './key-path.js';
import { SECRET_CONFIG_PATHS } from './schema.js';

const REDACTED = '[redacted]';

/** Returns a deep copy of `config` with non-empty values at `SECRET_CONFIG_PATHS` replaced. */
export function redactConfig<T extends Record<string, unknown>>(config: T): T {
  const copy = structuredClone(config) as Record<string, unknown>;
  for (const path of SECRET_CONFIG_PATHS) {
    if (!hasPath(copy, path)) continue;
    const value = getAtPath(copy, path);
    if (value !== null && value !== '' && value !== 'null') setAtPath(copy, path, REDACTED);
  }
  return copy as T;
}

/** The non-empty secret values of a config, for exact-value redaction of free text. */
export function configSecretValues(config: Record<string, unknown>): string[] {
  return SECRET_CONFIG_PATHS.map((path) => getAtPath(config, path)).filter(
    (v): v is string => typeof v === 'string' && v !== '' && v !== 'null',
  );
}
