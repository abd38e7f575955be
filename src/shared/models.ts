/**
 * Which provider a model belongs to: claude, then gemini, then codex. Shared:
 * the agent resolves turns with it, the transports offer model lists with it.
 */
import type { Provider as ProviderId } from './config/schema.js';

export const CLAUDE_ALIASES = ['haiku', 'sonnet', 'sonnet[1m]', 'opus', 'opus[1m]'];
export const GEMINI_ALIASES = ['auto', 'pro', 'flash', 'flash-lite'];
/** Offered in the /model keyboard when no discovered Codex list is cached. */
export const CODEX_FALLBACK_MODELS = ['gpt-5.2-codex', 'gpt-5.2', 'gpt-5.1-codex-mini'];

export function isClaudeModel(model: string): boolean {
  return CLAUDE_ALIASES.includes(model) || model.startsWith('claude-');
}

export function isGeminiModel(model: string, discovered: readonly string[] = []): boolean {
  return GEMINI_ALIASES.includes(model) || discovered.includes(model) || model.startsWith('gemini-') || model.startsWith('auto-gemini-');
}

export function providerForModel(model: string, geminiDiscovered: readonly string[] = []): ProviderId {
  if (isClaudeModel(model)) return 'claude';
  if (isGeminiModel(model, geminiDiscovered)) return 'gemini';
  return 'codex';
}

/** A model name worth treating as a directive/selection: known to one of the providers. */
export function isKnownModel(model: string, codexModels: readonly string[], geminiDiscovered: readonly string[] = []): boolean {
  return isClaudeModel(model) || isGeminiModel(model, geminiDiscovered) || codexModels.includes(model) || /^(gpt|o\d|codex)[\w.-]*$/.test(model);
}
