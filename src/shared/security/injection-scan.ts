/**
 * Prompt-injection detection on inbound text and webhook payloads.
 * Log only: a hit is reported with the pattern names; the text still goes through unchanged.
 */

type Pattern = { name: InjectionPatternName; regex: RegExp };

export type InjectionPatternName =
  | 'instruction_override'
  | 'role_hijack'
  | 'fake_system_prompt'
  | 'special_token'
  | 'llama_markers'
  | 'anthropic_markers'
  | 'internal_file_ref'
  | 'tool_injection'
  | 'cli_flag_injection'
  | 'file_tag_injection';

const PATTERNS: readonly Pattern[] = [
  {
    name: 'instruction_override',
    regex:
      /\bignore\s+(?:all\s+)?(?:previous|prior|above)\s+(?:instructions?|prompts?)\b|\bdisregard\s+(?:all\s+)?(?:previous|prior|above)\b|\bforget\s+(?:everything|all|your\s+instructions|your\s+rules)\b/i,
  },
  { name: 'role_hijack', regex: /\byou\s+are\s+now\s+(?:a|an)\b|\bnew\s+instructions?\s*:/i },
  { name: 'fake_system_prompt', regex: /\bsystem\s*:\s*prompt\b/i },
  { name: 'special_token', regex: /<\|(?:im_start|im_end|system|endoftext)\|>/i },
  { name: 'llama_markers', regex: /\[\/?INST\]|<<\/?SYS>>/i },
  { name: 'anthropic_markers', regex: /^\s*(?:Human|Assistant|System)\s*:/im },
  { name: 'internal_file_ref', regex: /GROUND_RULES|\b(?:AGENT_)?SOUL\.md|\b(?:AGENT_)?SYSTEM\.md|\bBOOTSTRAP\.md|\b(?:AGENT_)?IDENTITY\.md/i },
  { name: 'tool_injection', regex: /\b(?:mem_add|mem_edit|mem_delete|task_add)\.py\b/i },
  { name: 'cli_flag_injection', regex: /--(?:append-)?system-prompt\b|--permission-mode\b/i },
  { name: 'file_tag_injection', regex: /<file:[^>]*>/i },
];

/** Fullwidth forms U+FF01–U+FF5E (Ｉｇｎｏｒｅ, ＜ ＞) folded to ASCII so look-alike text is caught too. */
export function foldFullwidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0));
}

/** Names of the patterns `text` matches, in table order; empty when clean. */
export function scanForInjection(text: string): InjectionPatternName[] {
  const folded = foldFullwidth(text);
  return PATTERNS.filter((p) => p.regex.test(folded)).map((p) => p.name);
}

/**
 * Scans and, on a hit, logs one warning naming the patterns and the source (never the text
 * itself: it may hold secrets). Returns the names so callers can count or test.
 */
export function logInjectionAttempt(
  text: string,
  source: string,
  log: { warn: (fields: Record<string, unknown>, message: string) => void },
): InjectionPatternName[] {
  const hits = scanForInjection(text);
  if (hits.length > 0) log.warn({ source, patterns: hits }, 'possible prompt injection');
  return hits;
}
