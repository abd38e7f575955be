/** The models the setup wizard offers per provider, the default first. */
import { CLAUDE_ALIASES, CODEX_FALLBACK_MODELS, GEMINI_ALIASES } from '../../shared/models.js';
import type { ProviderName } from '../../workers/agent/providers/events.js';

/** claude: opus (the config default) first; codex: its offered list; gemini: auto first. */
export function modelChoices(provider: ProviderName): string[] {
  if (provider === 'claude') return ['opus', ...CLAUDE_ALIASES.filter((m) => m !== 'opus')];
  if (provider === 'codex') return [...CODEX_FALLBACK_MODELS];
  return [...GEMINI_ALIASES];
}
