/**
 * Loading and writing `config/config.json`: parse with line/column errors, normalize, merge new
 * defaults in, validate against the one schema, and write back atomically only when something
 * was added. An invalid file is never modified.
 */
import { access, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ConfigError } from '../errors.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { withFileLock } from '../store/file-lock.js';
import { fileDefaults } from './defaults.js';
import { describeIssues, formatProblems } from './describe-issues.js';
import { getAtPath, isPlainObject, setAtPath } from './key-path.js';
import { mergeDefaultsInto, overlay } from './merge-defaults.js';
import { parseJsonFileText } from './parse-json-file.js';
import { normalizeFileObject, normalizeRuntimeConfig } from './normalize.js';
import { ConfigSchema, SECRET_CONFIG_PATHS, type Config } from './schema.js';
import { findUnknownKeys } from './unknown-keys.js';

export { isConfigured } from './configured-gate.js';
export { diffConfig, HOT_CONFIG_KEYS } from './config-diff.js';
export { resolveTimezone, isValidTimezone } from './timezone.js';

/** What `loadConfig` found and did. */
export type LoadedConfig = {
  /** The validated config with every default filled in and runtime normalizations applied. */
  config: Config;
  /** Unknown keys (kept) and values replaced at runtime; one line each, safe to log. */
  warnings: string[];
  /** True when the file was rewritten (new default keys merged in or legacy forms normalized). */
  wroteDefaults: boolean;
  /** What was added or normalized in the file, as key paths with a short note; never values. */
  changes: string[];
};

/** True when `file` exists. A missing config is the caller's cue to run onboarding. */
export async function configExists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/**
 * Reads, validates and upgrades the config at `file`. Throws `ConfigError` for a missing or
 * unreadable file, invalid JSON (message names line and column) or invalid values (one message
 * naming every bad key path, what was expected and what was found); the file is then untouched.
 */
export async function loadConfig(file: string): Promise<LoadedConfig> {
  const text = await readConfigText(file);
  const raw = parseConfigObject(file, text);
  const before = structuredClone(raw);
  const userSetTransport = Object.hasOwn(raw, 'transport');

  const changes = normalizeFileObject(raw);
  changes.push(...mergeDefaultsInto(raw, fileDefaults()).map((path) => `${path}: added with its default`));

  const config = validateConfig(file, raw);
  const warnings = findUnknownKeys(ConfigSchema, raw).map(
    (path) => `${basename(file)}: unknown key "${path}" kept as is (ductor does not use it)`,
  );
  warnings.push(...normalizeRuntimeConfig(config, userSetTransport));

  let wroteDefaults = false;
  if (!isDeepStrictEqual(before, raw)) {
    wroteDefaults = await withFileLock(file, async () => {
      // Someone saved the file since we read it: leave their version; the next load merges again.
      if ((await readConfigText(file)) !== text) return false;
      await saveConfigFile(file, raw);
      return true;
    });
  }
  return { config, warnings, wroteDefaults, changes };
}

/**
 * Writes a fresh config: the defaults (without the gated `api` block) with `overrides` laid over
 * them, validated first, saved atomically with mode 0600. Overwrites an existing file; callers
 * check `configExists` first. Returns the resulting config.
 */
export async function createDefaultConfig(file: string, overrides: Record<string, unknown> = {}): Promise<Config> {
  const raw = overlay(fileDefaults(), overrides);
  const config = validateConfig(file, raw);
  normalizeRuntimeConfig(config, Object.hasOwn(overrides, 'transport'));
  await withFileLock(file, () => saveConfigFile(file, raw));
  return config;
}

/**
 * Read-modify-write of named keys (dotted paths such as `"webhooks.token"`) under the file lock.
 * Skips the write when every value is already equal; refuses (ConfigError, file untouched) when
 * the result would not validate. Returns the key paths that changed — names only, for logs.
 */
export async function updateConfigKeys(file: string, patch: Record<string, unknown>): Promise<string[]> {
  return withFileLock(file, async () => {
    const raw = parseConfigObject(file, await readConfigText(file));
    const changed = Object.keys(patch).filter((path) => !isDeepStrictEqual(getAtPath(raw, path), patch[path]));
    if (changed.length === 0) return [];
    for (const path of changed) setAtPath(raw, path, structuredClone(patch[path]));
    validateConfig(file, raw);
    await saveConfigFile(file, raw);
    return changed;
  });
}

async function readConfigText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const found = code === 'ENOENT' ? 'no file' : `an unreadable file (${code ?? 'error'})`;
    throw new ConfigError(
      file,
      '',
      'a config file',
      found,
      code === 'ENOENT'
        ? `${file} does not exist. Run \`ductor onboarding\` to create it.`
        : `${file} cannot be read (${code ?? 'error'}). Check its permissions.`,
      { cause: error },
    );
  }
}

/** Parses the text as a JSON object, or throws a ConfigError naming line and column. */
function parseConfigObject(file: string, text: string): Record<string, unknown> {
  const parsed = parseJsonFileText(file, text);
  if (!isPlainObject(parsed)) {
    const found = Array.isArray(parsed) ? 'a list' : JSON.stringify(parsed);
    const message = `${basename(file)}: the file must hold one JSON object ({ ... }), found ${found}.`;
    throw new ConfigError(file, '', 'a JSON object ({ ... })', found, message);
  }
  return parsed;
}

/** Validates a raw object; the ConfigError lists every bad key and carries the first one's fields. */
function validateConfig(file: string, raw: Record<string, unknown>): Config {
  const result = ConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = describeIssues(ConfigSchema, result.error.issues, raw, SECRET_CONFIG_PATHS);
  const first = problems[0] ?? { keyPath: '', expected: 'a valid config', found: 'an invalid value' };
  throw new ConfigError(file, first.keyPath, first.expected, first.found, formatProblems(basename(file), problems), {
    cause: result.error,
  });
}

/** Config files hold tokens: written atomically, owner-only, two-space indent, trailing newline. */
function saveConfigFile(file: string, value: unknown): Promise<void> {
  return writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`, { ownerOnly: true });
}
