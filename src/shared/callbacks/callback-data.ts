/**
 * The one codec of inline-button callback data, used by the transport (which reads some buttons
 * itself) and by the agents (which make and answer the rest). Telegram gives a button at most 64
 * bytes of data, so every kind has a short tag; the wire forms are kept as they were so buttons
 * already shown in chats still work after an upgrade.
 */

/** Telegram's limit for `callback_data`, in bytes of UTF-8. */
export const CALLBACK_DATA_MAX_BYTES = 64;

/** Each kind of button, with the tag its data starts with. */
export const CALLBACK_TAGS = {
  /** Run a turn again that a crash or restart cut off; payload: the inbound id. */
  retry: 'rt:',
  /** A model picked in `/model`; payload: the model name. */
  model: 'ms:',
  /** The `/cron` selector; payload: its own small grammar (see commands/cron.ts). */
  cron: 'crn:',
  /** The `/upgrade` offer; payload: `yes:<version>` or `no`. */
  upgrade: 'upg:',
  /** A button that runs a slash command; payload: the command without its slash. */
  command: 'cmd:',
  /** `/showfiles`: open a folder; payload: the browser's short id of the folder. */
  showFolder: 'sf:',
  /** `/showfiles`: send a file; payload: the browser's id (transport) or a home-relative path (agent). */
  showFile: 'sf!',
  /** A `[button:Label]` of an answer; payload: the label, sent as the user's next message. */
  answerButton: 'b:',
  /** Cancel one queued message; payload: the inbound id. */
  cancelQueued: 'mq:',
  /** A tool approval's answer; payload: `<request key>:<a|s|d>` (allow once, for the session, deny). */
  approval: 'ap:',
} as const;

export type CallbackKind = keyof typeof CALLBACK_TAGS;
export type CallbackData = { kind: CallbackKind; payload: string };

/** Longest tag first, so `sf!` is never read as a shorter tag. */
const DECODE_ORDER = (Object.entries(CALLBACK_TAGS) as [CallbackKind, string][]).sort((a, b) => b[1].length - a[1].length);

/** The data for a button of `kind`; a payload too long for Telegram is cut at a character boundary. */
export function encodeCallback(kind: CallbackKind, payload: string): string {
  return clipUtf8(`${CALLBACK_TAGS[kind]}${payload}`, CALLBACK_DATA_MAX_BYTES);
}

/**
 * What a button's data means. Data without a known tag is a `[button:…]` label from an older
 * version (labels were once sent bare), so it is read as an answer button.
 */
export function decodeCallback(data: string): CallbackData {
  for (const [kind, tag] of DECODE_ORDER) {
    if (data.startsWith(tag)) return { kind, payload: data.slice(tag.length) };
  }
  return { kind: 'answerButton', payload: data };
}

/** Cuts `text` to at most `maxBytes` of UTF-8 without splitting a character. */
export function clipUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}
