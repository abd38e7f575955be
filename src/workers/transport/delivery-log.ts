/**
 * Deliveries already sent, by agent and delivery id (`run/deliveries.json` in the main home, one
 * file for every bot). An agent retries a delivery after a crash with the same id; this log makes
 * the retry a no-op, so no reply is sent twice. The agent is part of the key: two agents may carry
 * the same delivery id (their bots number messages alike).
 *
 * The file is a journal: one JSON line per delivery, appended (and synced) as it is recorded, so a
 * delivery costs one short write instead of a rewrite of every remembered id. Past a bound it is
 * compacted to the newest ids by an atomic rewrite (temp file + rename). A line torn by a crash
 * mid-append is moved aside and reported; the other ids load. Only the transport worker writes
 * it, one instance per file (the supervisor runs one transport worker), so no cross-process lock.
 */
import { open, readFile, stat } from 'node:fs/promises';
import * as z from 'zod/mini';
import '../../shared/zod-english.js';
import { writeFileAtomic } from '../../shared/store/atomic-write.js';
import type { CorruptReport } from '../../shared/store/json-store.js';
import { OWNER_ONLY_FILE } from '../../shared/store/owner-only.js';
import { SerialWrites } from '../../shared/store/serial-writes.js';

/** Ids remembered; older ones cannot come back (the agent drops a delivery once confirmed). */
const KEEP = 2_000;
/** Lines the journal may hold before it is compacted back to KEEP. */
const COMPACT_AFTER = 2 * KEEP;

const EntrySchema = z.object({
  // Absent in logs of older versions: such entries match no agent and age out.
  agent: z.optional(z.string()),
  id: z.string(),
  messageIds: z.array(z.int()),
});

/** The format before the journal: one document holding every id, rewritten on each delivery. */
const SnapshotSchema = z.object({ sent: z.array(EntrySchema) });

type Entry = z.infer<typeof EntrySchema>;

export class DeliveryLog {
  private entries = new Map<string, Entry>();
  private readonly writes = new SerialWrites();
  /** Lines in the file now, to know when to compact. */
  private lines = 0;
  /** An append failed part-way: the file may end in a partial line, so it is rewritten first. */
  private dirty = false;

  constructor(private readonly file: string, private readonly onCorrupt: (report: CorruptReport) => void) {}

  async load(): Promise<void> {
    await this.writes.run(async () => {
      const text = await readFile(this.file, 'utf8').catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
        throw error;
      });
      const snapshot = oldSnapshot(text);
      const { entries, bad } = snapshot ? { entries: snapshot, bad: [] } : parseJournal(text);
      this.entries = new Map();
      for (const entry of entries) this.remember(entry);
      this.lines = entries.length;
      if (bad.length > 0) await this.setAside(text, bad);
      // A migrated document, a journal with a bad line, or one whose last line lost only its
      // newline (the next append would run into it) is written anew as a clean journal.
      if (snapshot || bad.length > 0 || (text !== '' && !text.endsWith('\n'))) await this.compact();
    });
  }

  get(agent: string, id: string): number[] | undefined {
    return this.entries.get(keyOf(agent, id))?.messageIds;
  }

  async record(agent: string, id: string, messageIds: number[]): Promise<void> {
    const entry: Entry = { agent, id, messageIds };
    this.remember(entry);
    await this.writes.run(async () => {
      if (this.dirty || this.lines >= COMPACT_AFTER) return this.compact();
      try {
        await this.append(`${JSON.stringify(entry)}\n`);
        this.lines += 1;
      } catch (error) {
        this.dirty = true;
        throw error;
      }
    });
  }

  private remember(entry: Entry): void {
    this.entries.set(keyOf(entry.agent, entry.id), entry);
    while (this.entries.size > KEEP) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** The newest KEEP ids, written atomically; the journal continues from there. */
  private async compact(): Promise<void> {
    const body = [...this.entries.values()].map((e) => `${JSON.stringify(e)}\n`).join('');
    await writeFileAtomic(this.file, body, { mode: OWNER_ONLY_FILE });
    this.lines = this.entries.size;
    this.dirty = false;
  }

  /** One line at the end of the journal, on disk before the delivery counts as recorded. */
  private async append(line: string): Promise<void> {
    // A new journal is made (owner-only whatever the umask, its folder too) by the atomic writer.
    const exists = await stat(this.file).then(() => true, (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    });
    if (!exists) await writeFileAtomic(this.file, '', { mode: OWNER_ONLY_FILE });
    // Opened per line, not held: nothing to close when the transport stops, and a compaction's
    // rename never leaves a handle on the replaced file.
    const handle = await open(this.file, 'a');
    try {
      await handle.appendFile(line);
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }

  /** Lines that do not parse are kept in a file beside the journal and reported; the rest loads. */
  private async setAside(text: string, bad: { line: string; last: boolean }[]): Promise<void> {
    const torn = bad.length === 1 && bad[0]!.last && !text.endsWith('\n');
    const movedTo = `${this.file}.${torn ? 'torn' : 'corrupt'}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await writeFileAtomic(movedTo, bad.map((b) => b.line).join('\n'), { mode: OWNER_ONLY_FILE });
    this.onCorrupt({
      file: this.file,
      movedTo,
      reason: torn
        ? `torn last line (a write cut off by a crash); the other ${this.entries.size} ids are kept`
        : `${bad.length} unreadable line(s) set aside; the other ${this.entries.size} ids are kept`,
    });
  }
}

/** The entries of a log in the old single-document format; null when `text` is not one. */
function oldSnapshot(text: string): Entry[] | null {
  if (!text.trimStart().startsWith('{')) return null;
  try {
    const parsed = SnapshotSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.sent : null;
  } catch {
    return null;
  }
}

function parseJournal(text: string): { entries: Entry[]; bad: { line: string; last: boolean }[] } {
  const entries: Entry[] = [];
  const bad: { line: string; last: boolean }[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let parsed: ReturnType<typeof EntrySchema.safeParse> | null = null;
    try {
      parsed = EntrySchema.safeParse(JSON.parse(line));
    } catch {
      parsed = null;
    }
    if (parsed?.success) entries.push(parsed.data);
    else bad.push({ line, last: index === lines.length - 1 });
  });
  return { entries, bad };
}

/** A newline cannot occur in an agent name, so the key is unambiguous. */
function keyOf(agent: string | undefined, id: string): string {
  return `${agent ?? ''}\n${id}`;
}
