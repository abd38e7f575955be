/**
 * Which CLIs `/model` offers: those installed here and logged in, judged as `/status` judges its
 * "Logins" line (files and variables, no subprocess). When no login is found at all (a login the
 * files do not show, e.g. a key set elsewhere), the installed CLIs are offered with that said, as
 * the setup wizard does, rather than an empty selector.
 */
import { homedir } from 'node:os';
import type { Config } from '../../../shared/config/schema.js';
import { onPath } from '../../../shared/home/login-evidence.js';
import { loggedInProviders } from '../../../shared/home/provider-logins.js';
import type { ProviderName } from '../providers/events.js';

const PROVIDERS: readonly ProviderName[] = ['claude', 'codex', 'gemini'];

export type ProviderChoices = {
  /** In the order claude, codex, gemini; never empty. */
  offered: ProviderName[];
  /** False when no CLI login was found and `offered` are the installed ones (or all). */
  loggedIn: boolean;
};

export type ProviderChoiceOptions = {
  config: Pick<Config, 'gemini_api_key' | 'docker'>;
  env?: NodeJS.ProcessEnv;
};

export async function providerChoices({ config, env = process.env }: ProviderChoiceOptions): Promise<ProviderChoices> {
  // In the Docker sandbox the CLIs run in the container: the host's PATH says nothing about them.
  const installed = config.docker.enabled ? [...PROVIDERS] : await filterAsync(PROVIDERS, (p) => onPath(p, env));
  const loggedIn = await loggedInProviders({ env, userHome: env.HOME ?? homedir(), geminiApiKey: config.gemini_api_key });
  const ready = installed.filter((p) => loggedIn.includes(p));
  if (ready.length > 0) return { offered: ready, loggedIn: true };
  return { offered: installed.length > 0 ? installed : [...PROVIDERS], loggedIn: false };
}

async function filterAsync<T>(items: readonly T[], keep: (item: T) => Promise<boolean>): Promise<T[]> {
  const kept = await Promise.all(items.map(keep));
  return items.filter((_, i) => kept[i]);
}
