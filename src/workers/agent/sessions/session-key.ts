/** Session identity: transport, chat and topic; stored as `tg:<chat>` or `tg:<chat>:<topic>`. */

export type TransportId = 'tg' | 'mx' | 'api' | 'cli';
export type SessionKey = { transport: TransportId; chatId: number; topicId: number | null };

const LONG_NAMES: Record<string, TransportId> = { telegram: 'tg', matrix: 'mx', websocket: 'api', console: 'cli' };

/** Long transport names are folded to the short id, or a second, divergent session would appear. */
export function normaliseTransport(name: string): TransportId {
  const short = LONG_NAMES[name] ?? name;
  if (short === 'tg' || short === 'mx' || short === 'api' || short === 'cli') return short;
  throw new Error(`unknown transport "${name}"`);
}

export function storageKey(key: SessionKey): string {
  return key.topicId === null ? `${key.transport}:${key.chatId}` : `${key.transport}:${key.chatId}:${key.topicId}`;
}

/** Parses a storage key; legacy `<chat>` / `<chat>:<topic>` keys are Telegram's. */
export function parseStorageKey(raw: string): SessionKey | null {
  const parts = raw.split(':');
  const hasTransport = parts[0] !== undefined && !/^-?\d+$/.test(parts[0]);
  const transport = hasTransport ? parts.shift()! : 'tg';
  const chatId = Number(parts[0]);
  const topicId = parts[1] === undefined ? null : Number(parts[1]);
  if (!Number.isSafeInteger(chatId) || (topicId !== null && !Number.isSafeInteger(topicId)) || parts.length > 2) return null;
  try {
    return { transport: normaliseTransport(transport), chatId, topicId };
  } catch {
    return null;
  }
}
