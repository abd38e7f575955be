/**
 * Two nudges of the original's chat flow: a memory
 * check appended to every 6th user prompt, and an age note under replies of an old session.
 */

/** Appended to the prompt (model-facing, so not translated). */
export const MEMORY_CHECK_SUFFIX = [
  '',
  '',
  '[MEMORY CHECK — do not mention this to the user]',
  'Quietly compare what you learned in this conversation with memory_system/MAINMEMORY.md, tools/user_tools/ and',
  'cron_tasks/. Update MAINMEMORY.md if something durable changed (preferences, facts, ongoing projects).',
  'If it fits naturally, end your reply with at most one short follow-up question.',
].join('\n');

/** The message about to be sent is the `messageCount + 1`-th of its session. */
export function wantsMemoryCheck(messageCount: number): boolean {
  const next = messageCount + 1;
  return next > 1 && next % 6 === 0;
}

export function withMemoryCheck(prompt: string, messageCount: number): string {
  return wantsMemoryCheck(messageCount) ? `${prompt}${MEMORY_CHECK_SUFFIX}` : prompt;
}

/**
 * The session's age as the note shows it, when one is due: every 10th message once the session is
 * older than `warningHours` (0 disables). Ages from 48 h on are given in days.
 */
export function sessionAgeLabel(createdAtIso: string, messageCount: number, warningHours: number, now = new Date()): string | null {
  if (warningHours <= 0 || messageCount === 0 || messageCount % 10 !== 0) return null;
  const created = Date.parse(createdAtIso);
  if (!Number.isFinite(created)) return null;
  const hours = (now.getTime() - created) / 3_600_000;
  if (hours < warningHours) return null;
  return hours >= 48 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours)}h`;
}
