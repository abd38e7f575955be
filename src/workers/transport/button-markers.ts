// `[button:Label]` markers in a reply become an inline keyboard; markers inside code stay as written.

/** Telegram's limit on callback_data, in UTF-8 bytes. */
export const CALLBACK_DATA_MAX_BYTES = 64;

export interface InlineButton {
  text: string;
  callback_data: string;
}

export interface InlineKeyboard {
  inline_keyboard: InlineButton[][];
}

export interface ExtractedButtons {
  /** The text with markers removed and runs of blank lines collapsed. */
  text: string;
  /** One row per source line that held markers; undefined when there were none. */
  keyboard: InlineKeyboard | undefined;
}

const MARKER = /\[button:([^\]\n]+)\]/g;

/** Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const encoder = new TextEncoder();
  if (encoder.encode(text).length <= maxBytes) return text;
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const size = encoder.encode(ch).length;
    if (bytes + size > maxBytes) break;
    out += ch;
    bytes += size;
  }
  return out;
}

export function extractButtons(text: string): ExtractedButtons {
  const rows: InlineButton[][] = [];
  const lines = text.split('\n');
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of lines) {
    const fenceMatch = /^\s*(`{3,}|~{3,})/.exec(line);
    if (fence !== undefined) {
      if (fenceMatch && (fenceMatch[1] ?? '')[0] === fence[0] && /^\s*(`{3,}|~{3,})\s*$/.test(line)) fence = undefined;
      out.push(line);
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1];
      out.push(line);
      continue;
    }
    const row: InlineButton[] = [];
    // Odd segments between backticks are inline code: markers there are shown, not turned into buttons.
    const kept = line
      .split('`')
      .map((segment, index) =>
        index % 2 === 1
          ? segment
          : segment.replace(MARKER, (_, label: string) => {
              const text = label.trim();
              if (text) row.push({ text, callback_data: truncateUtf8(text, CALLBACK_DATA_MAX_BYTES) });
              return '';
            }),
      )
      .join('`');
    if (row.length === 0) {
      out.push(line);
      continue;
    }
    rows.push(row);
    const trimmed = kept.trimEnd();
    if (trimmed.trim() !== '') out.push(trimmed);
  }
  const cleaned = out.join('\n').replace(/\n{3,}/g, '\n\n').trim();
  return { text: cleaned, keyboard: rows.length > 0 ? { inline_keyboard: rows } : undefined };
}
