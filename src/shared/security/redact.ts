/** Removes secrets from text before it is logged or shown: bot tokens travel inside URLs. */

/** Telegram bot tokens: `<digits>:<35 url-safe chars>`, alone or inside `/bot<token>/` URLs. */
const BOT_TOKEN = /\b\d{5,}:[A-Za-z0-9_-]{30,}\b/g;
/** `Authorization: Bearer xyz` and `token=xyz` style values. */
const BEARER = /(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi;
const TOKEN_PARAM = /((?:token|secret|password|api_key|apikey)=)[^&\s"']+/gi;

export const REDACTED = '[redacted]';

/** Returns `text` with every recognisable secret replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  return text
    .replace(BOT_TOKEN, REDACTED)
    .replace(BEARER, `$1${REDACTED}`)
    .replace(TOKEN_PARAM, `$1${REDACTED}`);
}

/** Also removes exact known secret values (configured tokens that match no pattern). */
export function redactKnown(text: string, secrets: readonly string[]): string {
  let out = redactSecrets(text);
  for (const secret of secrets) {
    if (secret.length >= 6) out = out.split(secret).join(REDACTED);
  }
  return out;
}
