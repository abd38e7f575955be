/** The default config, as the runtime sees it and as it is written to a fresh config.json. */
import { ConfigSchema, type Config } from './schema.js';

/** Blocks left out of the file until a command adds them. */
const GATED_BLOCKS = ['api'] as const;

/** Every key with its default value, as `loadConfig` would return for an empty file. */
export function configDefaults(): Config {
  return ConfigSchema.parse({});
}

/**
 * The defaults as they are written to disk and merged into existing files: without the gated
 * `api` block, and with `gemini_api_key` persisted as the string `"null"` like the original.
 */
export function fileDefaults(): Record<string, unknown> {
  const defaults: Record<string, unknown> = { ...configDefaults() };
  for (const key of GATED_BLOCKS) delete defaults[key];
  defaults.gemini_api_key = 'null';
  return defaults;
}
