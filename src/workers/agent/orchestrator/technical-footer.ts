/** `scene.technical_footer`: one line under a final answer with the model, tokens, cost and time. */
import type { Catalogue } from '../../../shared/i18n/index.js';

export type FooterFacts = { model: string; tokens: number; costUsd: number; durationMs: number };

export function technicalFooter(facts: FooterFacts, text: Pick<Catalogue, 'technicalFooter'>): string {
  const tokens = facts.tokens.toLocaleString('en-US');
  const cost = facts.costUsd.toFixed(4);
  const seconds = (facts.durationMs / 1000).toFixed(1);
  return `———\n${text.technicalFooter(facts.model, tokens, cost, seconds)}`;
}
