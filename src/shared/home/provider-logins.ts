/**
 * Which provider CLIs are logged in, judged from files and variables only (no subprocess, no
 * network), so the supervisor can pick the rule-file variant on every start without delay
 * (spec/home-layout.md §4, spec/providers.md §2-4). The agent worker's fuller check, which may ask
 * `claude auth status`, stays in its providers folder.
 */
import { readFile, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { ProviderName } from './rule-files.js';

export type LoginCheckOptions = {
  env: NodeJS.ProcessEnv;
  /** The user's home folder (`os.homedir()`). */
  userHome: string;
  /** `gemini_api_key` from config.json, which counts as a Gemini login. */
  geminiApiKey?: string | null;
};

const GEMINI_AUTH_TYPES = new Set(['gemini-api-key', 'vertex-ai', 'compute-default-credentials', 'cloud-shell']);

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
  if (await exists(join(userHome, '.claude', '.credentials.json'))) return true;
  // Keychain logins (macOS) leave no credentials file, but the account lands in ~/.claude.json.
  const state = await readJson(join(userHome, '.claude.json'));
  return isRecord(state) && isRecord(state.oauthAccount);
}

async function codexLoggedIn({ env, userHome }: LoginCheckOptions): Promise<boolean> {
  if (filled(env.OPENAI_API_KEY)) return true;
  const codexHome = filled(env.CODEX_HOME) ? env.CODEX_HOME! : join(userHome, '.codex');
  return exists(join(codexHome, 'auth.json'));
}

async function geminiLoggedIn({ env, userHome, geminiApiKey }: LoginCheckOptions): Promise<boolean> {
  // Keys lying around in the environment mean nothing without the CLI that would use them.
  if (!(await onPath('gemini', env))) return false;
  const dir = join(userHome, '.gemini');
  if (((await stat(join(dir, 'oauth_creds.json')).catch(() => null))?.size ?? 0) > 0) return true;
  if (filled(geminiApiKey ?? undefined) || hasGeminiKey(env)) return true;
  for (const file of [join(dir, '.env'), join(userHome, '.env')]) if (hasGeminiKey(await readDotEnv(file))) return true;
  const settings = await readJson(join(dir, 'settings.json'));
  const security = isRecord(settings) && isRecord(settings.security) ? settings.security : null;
  const selected = security && isRecord(security.auth) ? security.auth.selectedType : undefined;
  if (selected === 'oauth-personal') {
    const accounts = await readJson(join(dir, 'google_accounts.json'));
    return isRecord(accounts) && typeof accounts.active === 'string' && filled(accounts.active);
  }
  return typeof selected === 'string' && GEMINI_AUTH_TYPES.has(selected);
}

function hasGeminiKey(vars: Record<string, string | undefined>): boolean {
  return filled(vars.GEMINI_API_KEY) || filled(vars.GOOGLE_API_KEY) || (filled(vars.GOOGLE_CLOUD_PROJECT) && filled(vars.GOOGLE_CLOUD_LOCATION));
}

function filled(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null)) !== null;
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return null; // missing or unreadable: no evidence of a login
  }
}

async function readDotEnv(path: string): Promise<Record<string, string>> {
  const vars: Record<string, string> = {};
  const text = await readFile(path, 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) vars[m[1]!] = m[2]!.replace(/^(['"])(.*)\1$/, '$2');
  }
  return vars;
}

async function onPath(binary: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && (await exists(join(dir, binary)))) return true;
  }
  return false;
}
