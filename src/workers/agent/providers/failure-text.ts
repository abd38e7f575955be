/** Recognizes the CLIs' auth failures and unknown-resume-id errors, and words the one-line notices. */
import type { ProviderName } from './events.js';

/** spec/providers.md §5 "Session recovery" trigger texts, plus gemini's own wording (fixture resume-unknown-session). */
const STALE_SESSION_PATTERN =
  /invalid session|session not found|no conversation found|no rollout found|thread\/resume failed|error resuming session/i;

const AUTH_PATTERNS: Record<ProviderName, RegExp> = {
  // claude-local-not-logged-in, claude-gh-flywheel-not-logged-in, claude-local-authfail
  claude: /not logged in|please run \/login|invalid api key|authentication_failed|oauth token (has )?expired|setup-token/i,
  // codex-local-auth401; `codex exec` without login fails on the first API call with a 401
  codex: /401 unauthorized|invalid_api_key|incorrect api key|not logged in|please log ?in|codex login|refresh token/i,
  // gemini-local-no-auth (stderr, exit 41)
  gemini: /please set an auth method|gemini_api_key|not logged in|login required|authentication (failed|required)/i,
};

const LOGIN_HINTS: Record<ProviderName, string> = {
  claude: 'Claude is not logged in (or its key was rejected): run `claude /login` or `claude setup-token` on the host, then send your message again.',
  codex: 'Codex is not logged in (or its API key was rejected): run `codex login` on the host, then send your message again.',
  gemini: 'Gemini is not logged in: run `gemini` on the host once and choose a login method (or set GEMINI_API_KEY), then send your message again.',
};

/** gemini's FatalAuthenticationError exit status (spec/stream-formats.md §3). */
export const GEMINI_EXIT_AUTH = 41;

export function isStaleSessionText(text: string): boolean {
  return STALE_SESSION_PATTERN.test(text);
}

export function isAuthFailureText(provider: ProviderName, text: string): boolean {
  return AUTH_PATTERNS[provider].test(text);
}

export function loginHint(provider: ProviderName): string {
  return LOGIN_HINTS[provider];
}

const INSTALL_HINTS: Record<ProviderName, string> = {
  claude: 'npm install -g @anthropic-ai/claude-code',
  codex: 'npm install -g @openai/codex',
  gemini: 'npm install -g @google/gemini-cli',
};

export function installHint(provider: ProviderName): string {
  return INSTALL_HINTS[provider];
}
