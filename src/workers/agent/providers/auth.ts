/** Which providers are logged in, by the files and variables each CLI uses (spec/providers.md §2-4). */
import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { isObject, obj, str } from './json-fields.js';
import type { ProviderName } from './events.js';

export type AuthStatus = 'authenticated' | 'installed' | 'not_found';
export type AuthInfo = { provider: ProviderName; status: AuthStatus; source: string | null; ageMs?: number };

export type AuthContext = { env?: NodeJS.ProcessEnv; home?: string; geminiApiKeyFromConfig?: string; claudeStatusTimeoutMs?: number };

const CLAUDE_STATUS_TIMEOUT_MS = 10_000;

export async function detectAuth(provider: ProviderName, ctx: AuthContext = {}): Promise<AuthInfo> {
  switch (provider) {
    case 'claude':
      return detectClaudeAuth(ctx);
    case 'codex':
      return detectCodexAuth(ctx);
    case 'gemini':
      return detectGeminiAuth(ctx);
  }
}

async function detectClaudeAuth(ctx: AuthContext): Promise<AuthInfo> {
  const env = ctx.env ?? process.env;
  const home = ctx.home ?? homedir();
  const creds = await statOrNull(join(home, '.claude', '.credentials.json'));
  if (creds !== null) return { provider: 'claude', status: 'authenticated', source: 'credentials file', ageMs: Math.max(0, Date.now() - creds.mtimeMs) };
  if (nonEmpty(env.ANTHROPIC_API_KEY)) return { provider: 'claude', status: 'authenticated', source: 'ANTHROPIC_API_KEY' };
  // Keychain logins (macOS) leave no file: ask the CLI itself.
  const status = await runForJson('claude', ['auth', 'status'], env, ctx.claudeStatusTimeoutMs ?? CLAUDE_STATUS_TIMEOUT_MS);
  if (status !== null && status.loggedIn === true) return { provider: 'claude', status: 'authenticated', source: 'claude auth status' };
  if ((await statOrNull(join(home, '.claude'))) !== null) return { provider: 'claude', status: 'installed', source: null };
  return { provider: 'claude', status: 'not_found', source: null };
}

async function detectCodexAuth(ctx: AuthContext): Promise<AuthInfo> {
  const env = ctx.env ?? process.env;
  const codexHome = nonEmpty(env.CODEX_HOME) ? env.CODEX_HOME! : join(ctx.home ?? homedir(), '.codex');
  const auth = await statOrNull(join(codexHome, 'auth.json'));
  if (auth !== null) return { provider: 'codex', status: 'authenticated', source: 'auth.json', ageMs: Math.max(0, Date.now() - auth.mtimeMs) };
  if (nonEmpty(env.OPENAI_API_KEY)) return { provider: 'codex', status: 'authenticated', source: 'OPENAI_API_KEY' };
  for (const marker of ['version.json', 'config.toml']) {
    if ((await statOrNull(join(codexHome, marker))) !== null) return { provider: 'codex', status: 'installed', source: null };
  }
  return { provider: 'codex', status: 'not_found', source: null };
}

const GEMINI_AUTH_TYPES = new Set(['gemini-api-key', 'vertex-ai', 'compute-default-credentials', 'cloud-shell']);

async function detectGeminiAuth(ctx: AuthContext): Promise<AuthInfo> {
  const env = ctx.env ?? process.env;
  const home = ctx.home ?? homedir();
  const gem = join(home, '.gemini');
  if (!(await onPath('gemini', env))) return { provider: 'gemini', status: 'not_found', source: null };
  const oauth = await statOrNull(join(gem, 'oauth_creds.json'));
  if (oauth !== null && oauth.size > 0) return { provider: 'gemini', status: 'authenticated', source: 'oauth_creds.json' };
  for (const [source, vars] of [
    ['environment', env],
    ['~/.gemini/.env', await readDotEnv(join(gem, '.env'))],
    ['~/.env', await readDotEnv(join(home, '.env'))],
  ] as const) {
    if (hasGeminiKey(vars)) return { provider: 'gemini', status: 'authenticated', source };
  }
  if (nonEmpty(ctx.geminiApiKeyFromConfig)) return { provider: 'gemini', status: 'authenticated', source: 'config gemini_api_key' };
  const settings = await readJson(join(gem, 'settings.json'));
  const selected = str(obj(obj(obj(settings)?.security)?.auth)?.selectedType);
  if (selected === 'oauth-personal') {
    const accounts = await readJson(join(gem, 'google_accounts.json'));
    if (nonEmpty(str(obj(accounts)?.active))) return { provider: 'gemini', status: 'authenticated', source: 'oauth-personal' };
  } else if (selected !== undefined && GEMINI_AUTH_TYPES.has(selected)) {
    return { provider: 'gemini', status: 'authenticated', source: selected };
  }
  return { provider: 'gemini', status: 'installed', source: null };
}

function hasGeminiKey(vars: NodeJS.ProcessEnv | Record<string, string>): boolean {
  return nonEmpty(vars.GEMINI_API_KEY) || nonEmpty(vars.GOOGLE_API_KEY) || (nonEmpty(vars.GOOGLE_CLOUD_PROJECT) && nonEmpty(vars.GOOGLE_CLOUD_LOCATION));
}

function nonEmpty(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}

async function statOrNull(path: string) {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return null;
  }
}

async function readDotEnv(path: string): Promise<Record<string, string>> {
  const vars: Record<string, string> = {};
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return vars;
  }
  for (const line of text.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) vars[m[1]!] = m[2]!.replace(/^(['"])(.*)\1$/, '$2');
  }
  return vars;
}

async function onPath(binary: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && (await statOrNull(join(dir, binary))) !== null) return true;
  }
  return false;
}

function runForJson(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Record<string, unknown> | null> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: timeoutMs, encoding: 'utf8' }, (_error, stdout) => {
      try {
        const value: unknown = JSON.parse(stdout);
        resolve(isObject(value) ? value : null);
      } catch {
        // Not installed, timed out or not JSON: no answer.
        resolve(null);
      }
    });
  });
}
