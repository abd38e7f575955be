/** Recognizes the CLIs' auth failures and unknown-resume-id errors, and words the one-line notices. */
import type { ProviderName } from './events.js';
import { texts } from '../orchestrator/texts.js';

/** Texts by which a CLI says it no longer knows a session id, plus gemini's own wording (fixture resume-unknown-session). */
const STALE_SESSION_PATTERN =
  /invalid session|session not found|no conversation found|no rollout found|thread\/resume failed|error resuming session/i;

const AUTH_PATTERNS: Record<ProviderName, RegExp> = {
  // claude-local-not-logged-in, claude-gh-flywheel-not-logged-in, claude-local-authfail
  claude: /not logged in|please run \/login|invalid api key|authentication_failed|oauth token (has )?expired|setup-token/i,
  // codex-local-auth401; `codex exec` without login fails on the first API call with a 401
  codex: /401 unauthorized|invalid_api_key|incorrect api key|not logged in|please log ?in|codex login|refresh token/i,
  // gemini-local-no-auth (stderr, exit 41); a rejected key is HTTP 400 API_KEY_INVALID from Google
  gemini: /please set an auth method|gemini_api_key|not logged in|login required|authentication (failed|required)|api key not valid|api_key_invalid/i,
};


/** gemini's FatalAuthenticationError exit status. */
export const GEMINI_EXIT_AUTH = 41;

export function isStaleSessionText(text: string): boolean {
  return STALE_SESSION_PATTERN.test(text);
}

export function isAuthFailureText(provider: ProviderName, text: string): boolean {
  return AUTH_PATTERNS[provider].test(text);
}

/** What to run on the host to log the CLI in, in the configured language. */
export function loginHint(provider: ProviderName): string {
  return { claude: texts.cliLoginClaude, codex: texts.cliLoginCodex, gemini: texts.cliLoginGemini }[provider];
}

const INSTALL_HINTS: Record<ProviderName, string> = {
  claude: 'npm install -g @anthropic-ai/claude-code',
  codex: 'npm install -g @openai/codex',
  gemini: 'npm install -g @google/gemini-cli',
};

export function installHint(provider: ProviderName): string {
  return INSTALL_HINTS[provider];
}

/**
 * An API error body the CLI passed on verbatim (`{"error":{"message":…}}`, maybe wrapped in text
 * such as gemini's "[API Error: …]") → its inner message, with the code or status that names it.
 * Text that holds no such body comes back unchanged.
 */
export function unwrapApiError(text: string): string {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return text;
  let body: unknown;
  try {
    body = JSON.parse(text.slice(start, end + 1));
  } catch {
    return text;
  }
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return text;
  const { message, code, status } = error as { message?: unknown; code?: unknown; status?: unknown };
  if (typeof message !== 'string' || message === '') return text;
  const label = typeof code === 'string' && code !== '' ? code : typeof status === 'string' && status !== '' ? status : typeof code === 'number' ? `HTTP ${code}` : '';
  return label === '' ? message : `${message} (${label})`;
}

/** HTTP 429 / RESOURCE_EXHAUSTED / "rate limit" in a CLI's error text. */
export function isRateLimitText(text: string): boolean {
  return /\b429\b|resource_exhausted|rate.?limit/i.test(text);
}
