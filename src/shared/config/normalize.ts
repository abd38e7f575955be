/**
 * The normalizations of a loaded config: some rewrite the file (legacy names, the persisted
 * form of unset values), others only shape the in-memory config the runtime reads.
 */
import { isValidTimezone, resolveTimezone } from './timezone.js';
import { hasPath, isPlainObject } from './key-path.js';
import { FILE_ACCESS_SCOPES, type Config } from './schema.js';

/** Values of `gemini_api_key` that mean "no key" (compared trimmed, case-insensitive). */
const UNSET_GEMINI_KEYS = new Set(['', 'null', 'none']);

/**
 * Rewrites legacy and null forms in the user's raw object, in place, before defaults are merged.
 * Returns one short note per change (key names only, never values).
 */
export function normalizeFileObject(raw: Record<string, unknown>): string[] {
  const notes: string[] = [];
  if (Object.hasOwn(raw, 'gemini_api_key') && raw.gemini_api_key === null) {
    raw.gemini_api_key = 'null';
    notes.push('gemini_api_key: null written as "null"');
  }

  const cleanup = raw.cleanup;
  if (isPlainObject(cleanup) && Object.hasOwn(cleanup, 'telegram_files_days')) {
    if (!Object.hasOwn(cleanup, 'media_files_days')) {
      cleanup.media_files_days = cleanup.telegram_files_days;
      notes.push('cleanup.telegram_files_days renamed to cleanup.media_files_days');
    } else {
      notes.push('cleanup.telegram_files_days dropped (cleanup.media_files_days is set)');
    }
    delete cleanup.telegram_files_days;
  }

  // Upstream copies cli_timeout into timeouts.normal whenever normal still equals 600, which
  // turns an untouched newer file into normal=1800. We copy only what the user wrote: an
  // explicit cli_timeout and no explicit timeouts.normal.
  if (
    typeof raw.cli_timeout === 'number' &&
    !hasPath(raw, 'timeouts.normal') &&
    (raw.timeouts === undefined || isPlainObject(raw.timeouts))
  ) {
    const timeouts = isPlainObject(raw.timeouts) ? raw.timeouts : {};
    timeouts.normal = raw.cli_timeout;
    raw.timeouts = timeouts;
    notes.push('timeouts.normal set from the legacy cli_timeout');
  }
  return notes;
}

/**
 * Shapes a validated config for the runtime: unset Gemini keys become null, the transport list
 * gets its primary first, unknown `file_access` scopes become `workspace`. `userSetTransport`
 * tells whether the user's file named `transport` itself (defaults merged in do not count).
 * Returns warnings for values that were replaced.
 */
export function normalizeRuntimeConfig(config: Config, userSetTransport: boolean): string[] {
  const warnings: string[] = [];
  const key = config.gemini_api_key;
  config.gemini_api_key = key === null || UNSET_GEMINI_KEYS.has(key.trim().toLowerCase()) ? null : key.trim();

  if (config.transports.length === 0) {
    config.transports = [config.transport];
  } else if (userSetTransport) {
    // Newer upstream: `transport` is authoritative; listed → moved to the front, else the list collapses.
    config.transports = config.transports.includes(config.transport)
      ? [config.transport, ...config.transports.filter((t) => t !== config.transport)]
      : [config.transport];
  } else {
    config.transport = config.transports[0]!;
  }
  config.transports = [...new Set(config.transports)];

  if (!(FILE_ACCESS_SCOPES as readonly string[]).includes(config.file_access)) {
    warnings.push(
      `config.json: "file_access" is ${JSON.stringify(config.file_access)}, which is not one of ${FILE_ACCESS_SCOPES.join(', ')}; using "workspace".`,
    );
    config.file_access = 'workspace';
  }
  const zone = config.user_timezone.trim();
  if (zone !== '' && !isValidTimezone(zone)) {
    warnings.push(`config.json: "user_timezone" is ${JSON.stringify(zone)}, which is not a known IANA time zone (e.g. "Europe/Berlin"); using ${resolveTimezone(config)}.`);
  }
  return warnings;
}
