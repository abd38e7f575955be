/**
 * Markdown for a terminal (`ductor chat`): headings and **bold** in bold, `code` and fenced
 * blocks in cyan without their fences, `- ` items as bullets, links as `text (url)`, and
 * `[button:…]` markers taken out (the choices are listed with numbers instead). Rendered line by
 * line, so streamed text can be shown as each line completes.
 */
const BOLD = '\x1b[1m';
const CYAN = '\x1b[36m';
const ITALIC = '\x1b[3m';
const RESET = '\x1b[0m';

export type FenceState = { inFence: boolean };

export function renderTerminalLine(line: string, state: FenceState): string | null {
  if (/^\s*(```|~~~)/.test(line)) {
    state.inFence = !state.inFence;
    return null; // fences themselves are not shown
  }
  if (state.inFence) return `${CYAN}${line}${RESET}`;
  let out = line.replace(/\[button:[^\]\n]+\]/g, '').replace(/\s+$/, '');
  if (line.trim() !== '' && out.trim() === '') return null; // a line of only button markers
  const heading = /^#{1,6}\s+(.*)$/.exec(out);
  if (heading) return `${BOLD}${heading[1]}${RESET}`;
  out = out.replace(/^(\s*)[-*]\s+/, '$1• ');
  out = out.replace(/`([^`]+)`/g, `${CYAN}$1${RESET}`);
  out = out.replace(/\*\*([^*]+)\*\*/g, `${BOLD}$1${RESET}`);
  out = out.replace(/(^|[^*\w])\*([^*\n]+)\*(?!\w)/g, `$1${ITALIC}$2${RESET}`);
  out = out.replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, '$1 ($2)');
  return out;
}

export function renderTerminal(markdown: string): string {
  const state: FenceState = { inFence: false };
  return markdown
    .split('\n')
    .map((line) => renderTerminalLine(line, state))
    .filter((line): line is string => line !== null)
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
}

/** `  1) Alpha   2) Beta`: the choices a typed number picks. */
export function numberedChoices(labels: readonly string[]): string {
  return labels.map((label, i) => `  ${i + 1}) ${label}`).join('\n');
}
