/**
 * What a CLI status line shows in the chat. Only states a user can act on or should wait for get
 * a label; bookkeeping states (Claude's `requesting` before every API call, a cleared `null`)
 * show nothing rather than flashing as if they were tools.
 */
import type { Catalogue } from '../../../shared/i18n/index.js';

export function statusLabel(status: string, text: Catalogue): string | null {
  switch (status) {
    case 'compacting':
      return text.statusCompacting;
    case 'retrying':
      return text.statusRetrying;
    case 'rate_limit':
      return text.statusRateLimited;
    case 'reconnecting':
      return text.statusReconnecting;
    default:
      return null;
  }
}

/** The reasoning shown live (`streaming.show_reasoning_stream`): its newest part, one status line long. */
export function reasoningLine(reasoning: string, maxChars = 400): string {
  const flat = reasoning.replace(/\s+/g, ' ').trim();
  return `💭 ${flat.length > maxChars ? `…${flat.slice(-maxChars)}` : flat}`;
}
