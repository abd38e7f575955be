/**
 * Telegram delivers an album as one message per picture, and the parts may arrive in different
 * polls. Each part is journaled (so the transport may move on), then held here until no sibling
 * has arrived for a moment; the whole album then runs as one turn, as the user meant it.
 */
import type { Inbound } from '../../../shared/rpc/conversation-schemas.js';

/** How long to wait for more parts of an album after the last one arrived (ms). */
export const ALBUM_QUIET_MS = 1_500;

export type Album = { merged: Inbound; partIds: string[] };

export class AlbumCollector {
  private readonly pending = new Map<string, { parts: Inbound[]; timer: NodeJS.Timeout }>();

  constructor(private readonly onAlbum: (album: Album) => void, private readonly quietMs = ALBUM_QUIET_MS) {}

  /** Adds one part; the album is handed on `quietMs` after its latest part. */
  add(part: Inbound): void {
    const key = `${part.chat.chatId}:${part.chat.topicId ?? ''}:${part.mediaGroup}`;
    const entry = this.pending.get(key);
    if (entry) clearTimeout(entry.timer);
    const parts = [...(entry?.parts ?? []), part];
    const timer = setTimeout(() => {
      this.pending.delete(key);
      this.onAlbum(mergeAlbum(parts));
    }, this.quietMs);
    timer.unref();
    this.pending.set(key, { parts, timer });
  }
}

/** One inbound for the whole album: the first part's identity, every caption, every file. */
export function mergeAlbum(parts: readonly Inbound[]): Album {
  const ordered = [...parts].sort((a, b) => (a.messageId ?? 0) - (b.messageId ?? 0));
  const first = ordered[0]!;
  return {
    merged: {
      ...first,
      text: ordered.map((p) => p.text).filter((t) => t.trim() !== '').join('\n\n'),
      attachments: ordered.flatMap((p) => p.attachments).slice(0, 20),
    },
    partIds: ordered.map((p) => p.id),
  };
}
