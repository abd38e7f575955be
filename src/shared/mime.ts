/** MIME types by file extension, for files ductor receives and sends: mime-db's table through mime-types. */
import { createRequire } from 'node:module';

type MimeTypes = typeof import('mime-types');

/** Telegram's animated stickers; mime-db has no entry for them. */
const TELEGRAM_EXTRAS: Record<string, string> = { tgs: 'application/x-tgsticker' };

// Required on first use, not imported: mime-db is a large JSON table, and a worker that never
// handles a file (most agent workers between files) should not hold it.
const requireHere = createRequire(import.meta.url);
let mimeTypes: MimeTypes | undefined;

export function mimeOf(name: string): string {
  mimeTypes ??= requireHere('mime-types') as MimeTypes;
  const found = mimeTypes.lookup(name);
  if (found !== false) return found;
  const extension = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  return (name.includes('.') ? TELEGRAM_EXTRAS[extension] : undefined) ?? 'application/octet-stream';
}
