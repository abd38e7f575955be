/** The "configured" gate `ductor` checks before starting. */
import type { Config } from './schema.js';

/** Placeholder tokens written by templates start with this and are never real. */
const PLACEHOLDER_PREFIX = 'YOUR_';

/**
 * Whether every configured transport has what it needs to start: Telegram a real token and at
 * least one allowed user; Matrix a homeserver and a user id; the console nothing (`ductor chat`
 * works on any running ductor). `reason` says what is missing.
 */
export function isConfigured(config: Config): { ok: boolean; reason?: string } {
  const transports = config.transports.length > 0 ? config.transports : [config.transport];
  for (const transport of transports) {
    if (transport === 'telegram') {
      const token = config.telegram_token.trim();
      if (token === '' || token.startsWith(PLACEHOLDER_PREFIX)) {
        return { ok: false, reason: 'telegram_token is not set (get one from @BotFather)' };
      }
      if (config.allowed_user_ids.length === 0) {
        return { ok: false, reason: 'allowed_user_ids is empty (add your Telegram user id)' };
      }
    } else if (transport === 'matrix') {
      if (config.matrix.homeserver.trim() === '') return { ok: false, reason: 'matrix.homeserver is not set' };
      if (config.matrix.user_id.trim() === '') return { ok: false, reason: 'matrix.user_id is not set' };
    }
  }
  return { ok: true };
}
