/**
 * Which provider CLIs are logged in, judged from files and variables only (no subprocess, no
 * network), so the supervisor can pick the rule-file variant on every start without delay. The agent worker's fuller check, which may ask
 * `claude auth status`, stays in its providers folder.
 */
import { join } from 'node:path';
import { isPlainObject } from '../config/key-path.js';
import { filled, GEMINI_AUTH_TYPES, hasGeminiKey, onPath, readDotEnv, readJson, statOrNull } from './login-evidence.js';
import type { ProviderName } from './rule-files.js';

export type LoginCheckOptions = {
  env: NodeJS.ProcessEnv;
  /** The user's home folder (`os.homedir()`). */
  userHome: string;
  /** `gemini_api_key` from config.json, which counts as a Gemini login. */
  geminiApiKey?: string | null;
};


/** The logged-in providers, in the order claude, codex, gemini; empty when none is found. */
export async function loggedInProviders(options: LoginCheckOptions): Promise<ProviderName[]> {
  const found: ProviderName[] = [];
  if (await claudeLoggedIn(options)) found.push('claude');
  if (await codexLoggedIn(options)) found.push('codex');
  if (await geminiLoggedIn(options)) found.push('gemini');
  return found;
}

async function claudeLoggedIn({ env, userHome }: LoginCheckOptions): Promise<boolean> {
  if (filled(env.ANTHROPIC_API_KEY) || filled(env.CLAUDE_CODE_OAUTH_TOKEN)) return true;
  if ((await statOrNull(join(userHome, '.claude', '.credentials.json'))) !== null) return true;
  // Keychain logins (macOS) leave no credentials file, but the account lands in ~/.claude.json.
  const state = await readJson(join(userHome, '.claude.json'));
  return isPlainObject(state) && isPlainObject(state.oauthAccount);
}

async function codexLoggedIn({ env, userHome }: LoginCheckOptions): Promise<boolean> {
  if (filled(env.OPENAI_API_KEY)) return true;
  const codexHome = filled(env.CODEX_HOME) ? env.CODEX_HOME! : join(userHome, '.codex');
  return (await statOrNull(join(codexHome, 'auth.json'))) !== null;
}

async function geminiLoggedIn({ env, userHome, geminiApiKey }: LoginCheckOptions): Promise<boolean> {
  // Keys lying around in the environment mean nothing without the CLI that would use them.
  if (!(await onPath('gemini', env))) return false;
  const dir = join(userHome, '.gemini');
  if (((await statOrNull(join(dir, 'oauth_creds.json')))?.size ?? 0) > 0) return true;
  if (filled(geminiApiKey ?? undefined) || hasGeminiKey(env)) return true;
  for (const file of [join(dir, '.env'), join(userHome, '.env')]) if (hasGeminiKey(await readDotEnv(file))) return true;
  const settings = await readJson(join(dir, 'settings.json'));
  const security = isPlainObject(settings) && isPlainObject(settings.security) ? settings.security : null;
  const selected = security && isPlainObject(security.auth) ? security.auth.selectedType : undefined;
  if (selected === 'oauth-personal') {
    const accounts = await readJson(join(dir, 'google_accounts.json'));
    return isPlainObject(accounts) && typeof accounts.active === 'string' && filled(accounts.active);
  }
  return typeof selected === 'string' && GEMINI_AUTH_TYPES.has(selected);
}
