/**
 * `/effort`: the reasoning effort of this chat's session. Without an argument it shows the
 * current level and a button per level the active provider knows; `/effort high` (or a button)
 * sets it. It is a command, never a prompt: nothing of it reaches the CLI as text.
 */
import { encodeCallback } from '../../../shared/callbacks/callback-data.js';
import type { Button, ChatRef } from '../../../shared/rpc/conversation-schemas.js';
import type { CommandDeps, Reply } from './commands.js';
import { texts } from './texts.js';
import { sessionKeyOf } from './turn.js';

/** Levels each provider's CLI accepts; `max` is Claude's, `xhigh` Codex's. Gemini has none. */
export const EFFORT_LEVELS: Record<string, readonly string[]> = {
  claude: ['low', 'medium', 'high', 'max'],
  codex: ['low', 'medium', 'high', 'xhigh'],
  gemini: [],
};

const plain = (text: string, buttons: Button[][] = []): Reply => ({ text, format: 'plain', buttons });

export async function effortCommand(deps: CommandDeps, args: string, chat: ChatRef): Promise<Reply> {
  const key = sessionKeyOf(chat);
  const record = await deps.sessions.get(key);
  const configured = deps.configuredTarget();
  const current = record
    ? { provider: record.provider, model: record.model, reasoningEffort: record.reasoning_effort }
    : configured;
  const levels = EFFORT_LEVELS[current.provider] ?? [];
  if (levels.length === 0) return plain(texts.effortUnsupported(current.provider));
  const wanted = args.trim().toLowerCase();
  if (wanted === '') {
    const shown = current.reasoningEffort ?? texts.statusDefault;
    return plain(texts.effortPick(shown, current.provider), [levels.map((level) => ({ label: level === current.reasoningEffort ? `✓ ${level}` : level, data: encodeCallback('command', `effort ${level}`) }))]);
  }
  if (!levels.includes(wanted)) return plain(texts.effortUnknown(wanted, levels.join(', ')));
  const target = { ...current, reasoningEffort: wanted };
  // A chat without a session gets one first: a target given to `resolve` applies to one turn only.
  if (!record) await deps.sessions.resolve(key, configured, { idleTimeoutMinutes: 0, dailyResetEnabled: false, dailyResetHour: 4, maxSessionMessages: null, timeZone: 'UTC' }, null);
  await deps.sessions.setTarget(key, target);
  return plain(texts.effortSet(wanted));
}
