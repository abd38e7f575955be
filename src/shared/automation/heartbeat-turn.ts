/**
 * The agent's heartbeat turn, decided without side effects: whether a chat's session may be polled
 * now (no CLI running, a resumable session of the configured provider, past the cooldown after
 * the user's last message), and what of the reply is delivered (the ack token means "nothing to say").
 */

export const DEFAULT_ACK_TOKEN = 'HEARTBEAT_OK';
const MINUTE_MS = 60_000;

/** What the heartbeat needs to know about a chat's active session (read-only; never creates one). */
export interface SessionSnapshot {
  sessionId: string | null;
  provider: string;
  lastActiveAt: Date;
}

export type TurnDecision =
  | { run: true }
  | { run: false; reason: 'cli_active' | 'no_session' | 'no_session_id' | 'provider_mismatch' | 'cooldown' };

/** Whether the heartbeat may resume this chat's session now. */
export function planHeartbeatTurn(input: {
  session: SessionSnapshot | null;
  /** Provider of the configured model; a session of another provider is left alone. */
  configuredProvider: string;
  /** A CLI process is already running for this chat. */
  cliActive: boolean;
  cooldownMinutes: number;
  now: Date;
}): TurnDecision {
  if (input.cliActive) return { run: false, reason: 'cli_active' };
  const session = input.session;
  if (!session) return { run: false, reason: 'no_session' };
  if (!session.sessionId) return { run: false, reason: 'no_session_id' };
  if (session.provider !== input.configuredProvider) return { run: false, reason: 'provider_mismatch' };
  if (input.now.getTime() - session.lastActiveAt.getTime() < input.cooldownMinutes * MINUTE_MS) {
    return { run: false, reason: 'cooldown' };
  }
  return { run: true };
}

/**
 * The text to deliver, or null when the reply is suppressed: the whole reply equals the ack
 * token, or nothing is left after removing a leading or trailing token. A suppressed reply
 * must not touch the session (its `last_active` stays the user's).
 */
export function stripAck(text: string, ackToken: string): string | null {
  const token = ackToken || DEFAULT_ACK_TOKEN;
  let rest = text.trim();
  if (rest === token) return null;
  if (rest.startsWith(token)) rest = rest.slice(token.length).trim();
  if (rest.endsWith(token)) rest = rest.slice(0, rest.length - token.length).trim();
  return rest === '' ? null : rest;
}
