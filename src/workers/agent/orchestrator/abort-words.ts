/** Messages that mean "stop" or "interrupt" without a slash command. */

const STOP_WORDS = new Set(['stop', 'abort', 'cancel', 'halt', 'hold', 'wait', 'quit', 'exit', 'stopp', 'warte', 'abbruch', 'abbrechen', 'aufhören']);
const STOP_ALL_PHRASES = new Set(['stop all', 'stopp alle', 'alles stoppen', 'cancel all', 'abort all']);
const INTERRUPT_WORDS = new Set(['esc', 'interrupt']);

export type AbortIntent = 'stop' | 'stop_all' | 'interrupt' | null;

/** Classifies `/stop`, `/stop_all`, `/interrupt` (with an optional `@bot` suffix) and the bare words. */
export function abortIntent(text: string): AbortIntent {
  const trimmed = text.trim();
  const command = /^\/([a-z_]+)(?:@\w+)?(?:\s|$)/i.exec(trimmed)?.[1]?.toLowerCase();
  if (command === 'stop') return 'stop';
  if (command === 'stop_all') return 'stop_all';
  if (command === 'interrupt') return 'interrupt';
  const lower = trimmed.toLowerCase();
  if (STOP_ALL_PHRASES.has(lower)) return 'stop_all';
  if (STOP_WORDS.has(lower)) return 'stop';
  if (INTERRUPT_WORDS.has(lower)) return 'interrupt';
  return null;
}
