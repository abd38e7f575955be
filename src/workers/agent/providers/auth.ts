/** Which providers are logged in, by the files and variables each CLI uses. */
import { execFile } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { filled, GEMINI_AUTH_TYPES, hasGeminiKey, onPath, readDotEnv, readJson, statOrNull } from '../../../shared/home/login-evidence.js';
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
  if (filled(env.ANTHROPIC_API_KEY)) return { provider: 'claude', status: 'authenticated', source: 'ANTHROPIC_API_KEY' };
  // Keychain logins (macOS) leave no file: ask the CLI itself.
  const status = await runForJson('claude', ['auth', 'status'], env, ctx.claudeStatusTimeoutMs ?? CLAUDE_STATUS_TIMEOUT_MS);
  if (status !== null && status.loggedIn === true) return { provider: 'claude', status: 'authenticated', source: 'claude auth status' };
  if ((await statOrNull(join(home, '.claude'))) !== null) return { provider: 'claude', status: 'installed', source: null };
  return { provider: 'claude', status: 'not_found', source: null };
}

async function detectCodexAuth(ctx: AuthContext): Promise<AuthInfo> {
  const env = ctx.env ?? process.env;
  const codexHome = filled(env.CODEX_HOME) ? env.CODEX_HOME! : join(ctx.home ?? homedir(), '.codex');
  const auth = await statOrNull(join(codexHome, 'auth.json'));
  if (auth !== null) return { provider: 'codex', status: 'authenticated', source: 'auth.json', ageMs: Math.max(0, Date.now() - auth.mtimeMs) };
  if (filled(env.OPENAI_API_KEY)) return { provider: 'codex', status: 'authenticated', source: 'OPENAI_API_KEY' };
  for (const marker of ['version.json', 'config.toml']) {
    if ((await statOrNull(join(codexHome, marker))) !== null) return { provider: 'codex', status: 'installed', source: null };
  }
  return { provider: 'codex', status: 'not_found', source: null };
}

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
  if (filled(ctx.geminiApiKeyFromConfig)) return { provider: 'gemini', status: 'authenticated', source: 'config gemini_api_key' };
  const settings = await readJson(join(gem, 'settings.json'));
  const selected = str(obj(obj(obj(settings)?.security)?.auth)?.selectedType);
  if (selected === 'oauth-personal') {
    const accounts = await readJson(join(gem, 'google_accounts.json'));
    if (filled(str(obj(accounts)?.active))) return { provider: 'gemini', status: 'authenticated', source: 'oauth-personal' };
  } else if (selected !== undefined && GEMINI_AUTH_TYPES.has(selected)) {
    return { provider: 'gemini', status: 'authenticated', source: selected };
  }
  return { provider: 'gemini', status: 'installed', source: null };
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
