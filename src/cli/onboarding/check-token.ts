/** Checks a bot token the way the bot will use it: `getMe` against the configured Bot API root. */
import { redactSecrets } from '../../shared/security/redact.js';

/** `<bot id>:<secret>` as BotFather hands it out. */
const TOKEN_SHAPE = /^\d{5,}:[A-Za-z0-9_-]{30,}$/;
const GET_ME_TIMEOUT_MS = 10_000;

export type TokenCheck = { ok: true; username: string } | { ok: false; reason: string };

export async function checkBotToken(token: string, apiRoot: string, signal?: AbortSignal): Promise<TokenCheck> {
  const trimmed = token.trim();
  if (!TOKEN_SHAPE.test(trimmed)) {
    return { ok: false, reason: 'that does not look like a bot token (digits, a colon, then a long code, e.g. 123456789:AAE…)' };
  }
  const timeout = AbortSignal.timeout(GET_ME_TIMEOUT_MS);
  try {
    const response = await fetch(`${apiRoot.replace(/\/+$/, '')}/bot${trimmed}/getMe`, {
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    const body = (await response.json().catch(() => null)) as { ok?: boolean; result?: { username?: string }; description?: string } | null;
    if (response.status === 401) return { ok: false, reason: 'Telegram does not know this token (401 Unauthorized); copy it again from @BotFather' };
    if (!response.ok || body?.ok !== true) return { ok: false, reason: `Telegram answered ${response.status}${body?.description ? `: ${body.description}` : ''}` };
    return { ok: true, username: body.result?.username ?? 'unknown' };
  } catch (error) {
    // The URL holds the token; never let it reach the screen or a log.
    return { ok: false, reason: `could not reach ${apiRoot}: ${redactSecrets(error instanceof Error ? error.message : String(error))}` };
  }
}
