/** Which of claude/codex/gemini are on PATH and logged in, for the wizard's first screen. */
import { detectAuth, type AuthStatus } from '../../workers/agent/providers/auth.js';
import type { ProviderName } from '../../workers/agent/providers/events.js';
import { which } from '../which.js';

export type CliReport = { provider: ProviderName; path: string | null; auth: AuthStatus };

const PROVIDERS: readonly ProviderName[] = ['claude', 'codex', 'gemini'];

export async function detectClis(env: NodeJS.ProcessEnv = process.env): Promise<CliReport[]> {
  return Promise.all(
    PROVIDERS.map(async (provider) => {
      const path = which(provider, env.PATH ?? '');
      // Without the binary, leftover credentials do not make the provider usable.
      const auth = path === null ? 'not_found' : (await detectAuth(provider, { env, claudeStatusTimeoutMs: 5_000 })).status;
      return { provider, path, auth };
    }),
  );
}

const LOGIN_HINT: Record<ProviderName, string> = {
  claude: 'run `claude` once and log in',
  codex: 'run `codex login`',
  gemini: 'run `gemini` once and log in (or set GEMINI_API_KEY)',
};
const INSTALL_HINT: Record<ProviderName, string> = {
  claude: 'npm install -g @anthropic-ai/claude-code',
  codex: 'npm install -g @openai/codex',
  gemini: 'npm install -g @google/gemini-cli',
};

/** One line per CLI: found and logged in, found but not logged in (with the fix), or missing. */
export function describeClis(reports: readonly CliReport[]): string[] {
  return reports.map(({ provider, path, auth }) => {
    if (path === null) return `  ✖ ${provider}: not installed (${INSTALL_HINT[provider]})`;
    if (auth === 'authenticated') return `  ✔ ${provider}: ${path}, logged in`;
    return `  ◐ ${provider}: ${path}, not logged in (${LOGIN_HINT[provider]})`;
  });
}
