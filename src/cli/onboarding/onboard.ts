/**
 * One onboarding run: (for a reset) ask what to keep, run the wizard, then write config.json once,
 * atomically, with mode 0600. Cancelling anywhere before that write leaves the old file untouched.
 */
import { readFile } from 'node:fs/promises';
import prompts from 'prompts';
import { configExists, createDefaultConfig, resolveTimezone } from '../../shared/config/load.js';
import { mainPaths } from '../../shared/paths.js';
import { runCommand, type CommandRunner } from '../../shared/command-runner.js';
import { checkBotToken } from './check-token.js';
import { CONFIG_SCHEMA_REF, refreshConfigSchemaFile } from '../config-schema-file.js';
import { detectClis } from './detect-clis.js';
import { runWizard, WizardCancelled, type WizardDeps } from './wizard.js';

export type OnboardOptions = {
  home: string;
  /** `ductor reset`: offer to keep parts of the existing config. */
  reset: boolean;
  prompt?: typeof prompts;
  say?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  run?: CommandRunner;
  serviceAvailable?: boolean;
  /** Runs after the last answer, before config.json is written (stops a running bot). */
  beforeWrite?: () => Promise<void>;
  /** Replace single wizard dependencies (tests). */
  deps?: Partial<WizardDeps>;
};

export type OnboardResult = { configFile: string; installService: boolean; botUsername?: string };

const DEFAULT_API_ROOT = 'https://api.telegram.org';

/** Kept groups of keys in a smart reset, and the config keys each one covers. */
const KEEP_GROUPS = {
  telegram: ['telegram_token', 'allowed_user_ids', 'allowed_group_ids', 'telegram_api_root', 'transport', 'transports', 'matrix'],
  timezone: ['user_timezone'],
  docker: ['docker'],
  rest: [] as string[],
} as const;
type KeepGroup = keyof typeof KEEP_GROUPS;

export async function onboard(options: OnboardOptions): Promise<OnboardResult> {
  const env = options.env ?? process.env;
  const say = options.say ?? ((line: string) => process.stdout.write(`${line}\n`));
  const prompt = options.prompt ?? prompts;
  const { configFile } = mainPaths(options.home);
  const existing = (await configExists(configFile)) ? await readRawConfig(configFile) : null;

  let keep = new Set<KeepGroup>();
  if (options.reset && existing !== null) {
    const answer = await prompt(
      {
        type: 'multiselect',
        name: 'keep',
        message: 'Reset: which parts of the current config do you keep?',
        choices: [
          { title: 'Telegram token and allowed users', value: 'telegram', selected: true },
          { title: 'Time zone', value: 'timezone', selected: true },
          { title: 'Docker settings', value: 'docker', selected: true },
          { title: 'Everything else (model, heartbeat, webhooks, …)', value: 'rest', selected: false },
        ],
        instructions: false,
      },
      {
        onCancel: () => {
          throw new WizardCancelled();
        },
      },
    );
    keep = new Set((answer.keep as KeepGroup[] | undefined) ?? []);
  }

  // An env override (tests, self-hosted Bot API servers) wins; else the kept/existing root.
  const apiRoot = env.DUCTOR_TELEGRAM_API_ROOT?.trim() || (typeof existing?.telegram_api_root === 'string' ? existing.telegram_api_root : DEFAULT_API_ROOT);
  let botUsername: string | undefined;
  const answers = await runWizard({
    prompt,
    say,
    clis: () => detectClis(env),
    checkToken: async (token) => {
      const result = await checkBotToken(token, apiRoot);
      if (result.ok) botUsername = result.username;
      return result;
    },
    dockerRunning: async () => (await (options.run ?? runCommand)('docker', ['info'], { timeoutMs: 15_000, env })).code === 0,
    defaultTimezone: resolveTimezone({ user_timezone: '' }, { env }),
    serviceAvailable: options.serviceAvailable ?? true,
    keep: { telegram: keep.has('telegram'), timezone: keep.has('timezone'), docker: keep.has('docker'), provider: keep.has('rest') },
    ...options.deps,
  });

  const overrides: Record<string, unknown> = {};
  if (existing !== null) {
    if (keep.has('rest')) {
      Object.assign(overrides, structuredClone(existing));
      // "Everything else" must not bring back the groups the user chose to set again.
      for (const group of Object.keys(KEEP_GROUPS) as KeepGroup[]) {
        if (!keep.has(group)) for (const key of KEEP_GROUPS[group]) delete overrides[key];
      }
    }
    for (const group of keep) for (const key of KEEP_GROUPS[group]) if (Object.hasOwn(existing, key)) overrides[key] = existing[key];
  }
  if (answers.transports !== undefined) {
    overrides.transport = answers.transports[0];
    overrides.transports = answers.transports;
  }
  if (answers.matrix !== undefined) overrides.matrix = { ...answers.matrix, store_path: 'matrix_store' };
  if (answers.provider !== undefined) overrides.provider = answers.provider;
  if (answers.model !== undefined) overrides.model = answers.model;
  if (answers.telegram_token !== undefined) overrides.telegram_token = answers.telegram_token;
  if (answers.allowed_user_ids !== undefined) overrides.allowed_user_ids = answers.allowed_user_ids;
  if (answers.user_timezone !== undefined) overrides.user_timezone = answers.user_timezone;
  if (answers.docker_enabled !== undefined) {
    const docker = typeof overrides.docker === 'object' && overrides.docker !== null ? (overrides.docker as Record<string, unknown>) : {};
    overrides.docker = { ...docker, enabled: answers.docker_enabled };
  }
  if (apiRoot !== DEFAULT_API_ROOT) overrides.telegram_api_root = apiRoot;

  // Editors find the schema (with a description per key) through "$schema", kept next to the file.
  if (typeof overrides.$schema !== 'string') overrides.$schema = CONFIG_SCHEMA_REF;
  await options.beforeWrite?.();
  // The single write: validated first, then temp file + rename, mode 0600 (it holds the token).
  await createDefaultConfig(configFile, overrides);
  await refreshConfigSchemaFile(options.home);
  say(`\nsaved ${configFile}`);
  return { configFile, installService: answers.installService, botUsername };
}

async function readRawConfig(file: string): Promise<Record<string, unknown> | null> {
  try {
    const value: unknown = JSON.parse(await readFile(file, 'utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null; // unreadable or broken: a reset starts from the defaults
  }
}
