/**
 * SHAREDMEMORY.md (main home) mirrored into this agent's MAINMEMORY.md between marker lines. Each agent worker writes only its own memory file, at start and when
 * the shared file's mtime changes; unchanged files are not rewritten.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { writeFileAtomic } from '../../../shared/store/atomic-write.js';

export const SHARED_START = '--- SHARED KNOWLEDGE START ---';
export const SHARED_END = '--- SHARED KNOWLEDGE END ---';
const LEGACY_START = '<!-- SHARED:START -->';
const LEGACY_END = '<!-- SHARED:END -->';
const POLL_MS = 5_000;
const HEADER = '# Shared knowledge\n\nFacts every agent of this ductor installation should know.\n';

/** MAINMEMORY text with the shared block replaced (or appended); legacy markers are rewritten. */
export function mergeSharedBlock(memory: string, shared: string): string {
  const block = `${SHARED_START}\n${shared.trim()}\n${SHARED_END}`;
  for (const [start, end] of [[SHARED_START, SHARED_END], [LEGACY_START, LEGACY_END]] as const) {
    const from = memory.indexOf(start);
    const to = from < 0 ? -1 : memory.indexOf(end, from);
    if (from >= 0 && to >= 0) return `${memory.slice(0, from)}${block}${memory.slice(to + end.length)}`;
  }
  const base = memory.trimEnd();
  return `${base}${base === '' ? '' : '\n\n'}${block}\n`;
}

export class SharedMemorySync {
  private timer: NodeJS.Timeout | null = null;
  /** mtime and size of the shared file last mirrored: a change of either means new content. */
  private lastSeen = '';

  constructor(private readonly sharedFile: string, private readonly memoryFile: string, private readonly log: Logger, private readonly createIfMissing: boolean) {}

  async start(): Promise<void> {
    if (this.createIfMissing) {
      await mkdir(dirname(this.sharedFile), { recursive: true });
      await writeFile(this.sharedFile, HEADER, { flag: 'wx' }).catch(() => undefined); // exists already: keep it
    }
    await this.sync();
    this.timer = setInterval(() => void this.sync(), POLL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Mirrors the shared file if it changed since the last sync. */
  async sync(): Promise<boolean> {
    try {
      const info = await stat(this.sharedFile).catch(() => null);
      const seen = info ? `${info.mtimeMs}:${info.size}` : '';
      if (!info || seen === this.lastSeen) return false;
      const shared = await readFile(this.sharedFile, 'utf8');
      const memory = await readFile(this.memoryFile, 'utf8').catch(() => '');
      const next = mergeSharedBlock(memory, shared);
      this.lastSeen = seen;
      if (next === memory) return false;
      await writeFileAtomic(this.memoryFile, next);
      return true;
    } catch (error) {
      this.log.warn({ err: error }, 'shared knowledge could not be mirrored into MAINMEMORY.md');
      return false;
    }
  }
}
