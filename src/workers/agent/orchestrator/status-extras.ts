/**
 * The parts of `/status` a user needs to trust what runs: when the session started, in their own
 * time zone and in words a person reads; which forum topic this is; whether each provider CLI is
 * logged in; and a warning when `user_timezone` names no real zone (the fallback is shown).
 */
import { homedir } from 'node:os';
import type { Config } from '../../../shared/config/schema.js';
import { isValidTimezone, resolveTimezone, wallClock } from '../../../shared/config/timezone.js';
import { loggedInProviders } from '../../../shared/home/provider-logins.js';
import type { Catalogue } from '../../../shared/i18n/index.js';

const PROVIDERS = ['claude', 'codex', 'gemini'] as const;

const two = (n: number) => String(n).padStart(2, '0');

/** `2026-12-07 23:25 (Europe/Berlin)`. */
export function readableTime(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const c = wallClock(date, timeZone);
  return `${c.year}-${two(c.month)}-${two(c.day)} ${two(c.hour)}:${two(c.minute)} (${timeZone})`;
}

/** The warning line for an unknown `user_timezone`, or null when it is empty or valid. */
export function timeZoneWarning(config: Pick<Config, 'user_timezone'>, text: Pick<Catalogue, 'statusTimeZoneInvalid'>): string | null {
  const zone = config.user_timezone.trim();
  if (zone === '' || isValidTimezone(zone)) return null;
  return text.statusTimeZoneInvalid(zone, resolveTimezone(config));
}

/** `Logins: claude ✅ logged in · codex ❌ not logged in · …`, from files and variables only. */
export async function loginLine(config: Pick<Config, 'gemini_api_key'>, text: Pick<Catalogue, 'statusLogins' | 'statusLoggedIn' | 'statusLoggedOut'>, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const found = await loggedInProviders({ env, userHome: env.HOME ?? homedir(), geminiApiKey: config.gemini_api_key });
  const parts = PROVIDERS.map((p) => `${p}: ${found.includes(p) ? `✅ ${text.statusLoggedIn}` : `❌ ${text.statusLoggedOut}`}`);
  return `${text.statusLogins}: ${parts.join(' · ')}`;
}
