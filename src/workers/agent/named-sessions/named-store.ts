/** `named_sessions.json` of one agent; written only by that agent's worker. */
import * as z from 'zod/mini';
import { lazySchema } from '../../../shared/lazy-schema.js';
import '../../../shared/zod-english.js';
import { JsonStore, type CorruptReport } from '../../../shared/store/json-store.js';
import { SerialWrites } from '../../../shared/store/serial-writes.js';

export const NamedSessionSchema = lazySchema(() => z.looseObject({
  name: z.string().check(z.minLength(1), z.maxLength(40)),
  /** `user` = `/session`; `interagent` = the scoped session another agent talks to. */
  kind: z._default(z.enum(['user', 'interagent']), 'user'),
  chat_id: z.int(),
  topic_id: z._default(z.nullable(z.int()), null),
  transport: z._default(z.enum(['tg', 'mx', 'api', 'cli']), 'tg'),
  provider: z.enum(['claude', 'codex', 'gemini']),
  model: z.string(),
  reasoning_effort: z._default(z.nullable(z.string()), null),
  session_id: z._default(z.string(), ''),
  prompt_preview: z._default(z.string(), ''),
  last_prompt: z._default(z.string(), ''),
  status: z.enum(['running', 'idle', 'ended']),
  created_at: z.number(),
  message_count: z._default(z.int(), 0),
  /** Inter-agent sessions: who talks to this session. */
  sender: z._default(z.nullable(z.string()), null),
  /**
   * Set when a run cut off by a restart was re-submitted; cleared when a run ends. A re-run that is
   * itself cut off is not re-submitted again, so a crashing prompt cannot loop.
   */
  resubmitted: z._default(z.boolean(), false),
}));
export type NamedSession = z.infer<typeof NamedSessionSchema>;

const FileSchema = lazySchema(() => z.looseObject({
  sessions: z._default(z.array(NamedSessionSchema), []),
  active_targets: z._default(z.record(z.string(), z.unknown()), {}),
}));

export class NamedSessionStore {
  private readonly store: JsonStore<typeof FileSchema>;
  private sessions: NamedSession[] = [];
  private readonly writes = new SerialWrites();

  constructor(file: string, onCorrupt: (r: CorruptReport) => void) {
    this.store = new JsonStore({ file, schema: FileSchema, empty: () => ({ sessions: [], active_targets: {} }), onCorrupt });
  }

  /** Loads the file; runs cut off by a restart become `idle`. */
  async load(): Promise<NamedSession[]> {
    const file = await this.store.read();
    this.sessions = file.sessions.filter((s) => s.status !== 'ended');
    const wasRunning = this.sessions.filter((s) => s.status === 'running').map((s) => ({ ...s }));
    for (const s of this.sessions) if (s.status === 'running') s.status = 'idle';
    await this.save();
    return wasRunning;
  }

  all(): NamedSession[] {
    return this.sessions;
  }

  find(name: string): NamedSession | undefined {
    return this.sessions.find((s) => s.name === name && s.status !== 'ended');
  }

  add(session: NamedSession): Promise<void> {
    this.sessions.push(session);
    return this.save();
  }

  remove(name: string): Promise<void> {
    this.sessions = this.sessions.filter((s) => s.name !== name);
    return this.save();
  }

  /** Ended sessions are not persisted. */
  save(): Promise<void> {
    const snapshot = { sessions: structuredClone(this.sessions.filter((s) => s.status !== 'ended')), active_targets: {} };
    return this.writes.run(() => this.store.write(snapshot));
  }
}
