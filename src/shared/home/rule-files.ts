/**
 * Rule files: which `RULES*.md` template variant a folder gets, and which
 * provider files (`CLAUDE.md`, `AGENTS.md`, `GEMINI.md`) it is written to.
 */

export type ProviderName = 'claude' | 'codex' | 'gemini';

/** The rule file each provider's CLI reads. */
export const RULE_FILE_OF: Readonly<Record<ProviderName, string>> = {
  claude: 'CLAUDE.md',
  codex: 'AGENTS.md',
  gemini: 'GEMINI.md',
};
export const RULE_FILE_NAMES: readonly string[] = Object.values(RULE_FILE_OF);
const ALL_PROVIDERS: readonly ProviderName[] = ['claude', 'codex', 'gemini'];

/** `RULES.md`, `RULES-claude-only.md`, ...: templates, never copied verbatim. */
export function isRuleTemplate(fileName: string): boolean {
  return /^RULES(-[a-z-]+)?\.md$/.test(fileName);
}

/**
 * The providers rule files are written for. Without knowledge of who is authenticated (undefined
 * or empty), all three get their file so whichever CLI runs finds its rules.
 */
export function ruleTargets(authenticated: readonly ProviderName[] | undefined): ProviderName[] {
  const known = ALL_PROVIDERS.filter((p) => authenticated?.includes(p));
  return known.length > 0 ? known : [...ALL_PROVIDERS];
}

/**
 * Template names to try, best first: two or more providers → `all-clis`; only Codex →
 * `codex-only`; only Gemini → `gemini-only`; else `claude-only`; then plain `RULES.md`.
 */
export function templateCandidates(providers: readonly ProviderName[]): string[] {
  let variant = 'claude-only';
  if (providers.length >= 2) variant = 'all-clis';
  else if (providers[0] === 'codex') variant = 'codex-only';
  else if (providers[0] === 'gemini') variant = 'gemini-only';
  return [`RULES-${variant}.md`, 'RULES.md'];
}
