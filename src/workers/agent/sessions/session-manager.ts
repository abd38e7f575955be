/**
 * Chat sessions of one agent: resolve the session for a turn (fresh or resumed, per provider
 * bucket), record a turn's outcome, reset a bucket. Backed by `sessions.json` (written only by
 * this agent's worker, so no cross-process lock is needed).
 */
import { JsonStore, type CorruptReport } from '../../../shared/store/json-store.js';
import { staleReason, type FreshnessPolicy, type StaleReason } from './freshness.js';
import { parseStorageKey, storageKey, type SessionKey } from './session-key.js';
import { SessionsFileSchema, type ProviderBucket, type ProviderId, type SessionRecord, type SessionsFile } from './session-schema.js';
import { SerialWrites } from '../../../shared/store/serial-writes.js';

export type Target = { provider: ProviderId; model: string; reasoningEffort: string | null };

export type ResolvedSession = {
  record: SessionRecord;
  bucket: ProviderBucket;
  /** The bucket has no CLI session yet: the turn starts a new one. */
  isNew: boolean;
  /** Why the previous session was replaced, when it was. */
  replaced: StaleReason | null;
  /** Identifies this session generation: a `/new` during the turn makes the turn's results stale. */
  epoch: string;
  /** What this turn runs: the `@model` directive when given, else the session's own target. */
  target: Target;
};

export type TurnOutcome = { sessionId: string | null; costUsd: number; tokens: number; countsAsMessage: boolean };

export class SessionManager {
  private readonly store: JsonStore<typeof SessionsFileSchema>;
  private cache: SessionsFile | null = null;
  private loading: Promise<SessionsFile> | null = null;
  private readonly writes = new SerialWrites();

  constructor(file: string, onCorrupt: (report: CorruptReport) => void) {
    this.store = new JsonStore({ file, schema: SessionsFileSchema, empty: () => ({}), onCorrupt });
  }

  async all(): Promise<SessionsFile> {
    // One load for all first callers: turns of several chats start together after a restart, and
    // each assigning its own fresh load dropped the records the others had added meanwhile.
    this.loading ??= this.load().then(
      (loaded) => (this.cache = loaded),
      (error: unknown) => {
        this.loading = null; // a failed read is tried again by the next caller
        throw error;
      },
    );
    return this.cache ?? this.loading;
  }

  async get(key: SessionKey): Promise<SessionRecord | undefined> {
    return (await this.all())[storageKey(key)];
  }

  /** Topic names told by Telegram, also for topics without a session yet (shown by /status). */
  private readonly topicNames = new Map<string, string>();

  topicName(key: SessionKey): string | undefined {
    return this.topicNames.get(storageKey(key));
  }

  /** Remembers a forum topic's name, in the session record when there is one. */
  async setTopicName(key: SessionKey, name: string): Promise<void> {
    this.topicNames.set(storageKey(key), name);
    const record = (await this.all())[storageKey(key)];
    if (!record || record.topic_name === name) return;
    record.topic_name = name;
    await this.save();
  }

  /**
   * The session for a user turn. A stale record is replaced whole; a fresh one keeps its own
   * target. A `directive` (`@opus …`) retargets this turn only: the stored target stays, so the
   * next plain message and `/model` see the session's own model.
   */
  async resolve(key: SessionKey, configured: Target, policy: FreshnessPolicy, directive: Target | null, now = new Date()): Promise<ResolvedSession> {
    const { saved, ...resolved } = await this.resolveWhileSaving(key, configured, policy, directive, now);
    await saved;
    return resolved;
  }

  /**
   * `resolve`, handing back the write to sessions.json instead of waiting for it: a turn starts
   * its CLI meanwhile (the write took a few ms of the path from message to CLI) and waits for
   * `saved` before it records its outcome. The session id the CLI reports later is saved after
   * this write, with the same record.
   */
  async resolveWhileSaving(key: SessionKey, configured: Target, policy: FreshnessPolicy, directive: Target | null, now = new Date()): Promise<ResolvedSession & { saved: Promise<void> }> {
    const sessions = await this.all();
    const id = storageKey(key);
    const existing = sessions[id];
    const target = directive ?? (existing ? { provider: existing.provider, model: existing.model, reasoningEffort: existing.reasoning_effort } : configured);
    let replaced: StaleReason | null = null;
    let record = existing;
    if (record) {
      const activeCount = record.provider_sessions[target.provider]?.message_count ?? 0;
      replaced = staleReason(record.last_active, activeCount, policy, now);
      if (replaced) record = undefined;
    }
    const fresh = !record;
    if (!record) {
      record = {
        transport: key.transport, chat_id: key.chatId, topic_id: key.topicId, topic_name: null,
        provider: configured.provider, model: configured.model, reasoning_effort: configured.reasoningEffort,
        created_at: now.toISOString(), last_active: now.toISOString(), provider_sessions: {},
      };
    }
    const own = fresh ? configured : { provider: record.provider, model: record.model, reasoningEffort: record.reasoning_effort };
    const effective = directive ?? own;
    sessions[id] = record;
    const saved = this.save();
    saved.catch(() => undefined); // the caller awaits it; until then a failure must not go unhandled
    const bucket = record.provider_sessions[effective.provider] ?? { session_id: '', message_count: 0, total_cost_usd: 0, total_tokens: 0 };
    return { record, bucket, isNew: bucket.session_id === '', replaced, epoch: record.created_at, target: effective, saved };
  }

  /** Stores the CLI session id as soon as the stream reveals it, so a crash mid-turn still resumes. */
  async captureSessionId(key: SessionKey, provider: ProviderId, sessionId: string, epoch?: string): Promise<void> {
    const record = (await this.all())[storageKey(key)];
    if (!record || (epoch !== undefined && record.created_at !== epoch)) return;
    const bucket = bucketOf(record, provider);
    if (bucket.session_id === sessionId) return;
    bucket.session_id = sessionId;
    await this.save();
  }

  async recordTurn(key: SessionKey, provider: ProviderId, outcome: TurnOutcome, now = new Date(), epoch?: string): Promise<SessionRecord | undefined> {
    const record = (await this.all())[storageKey(key)];
    // A /new while the turn ran started a new generation: this turn's session must not come back.
    if (!record || (epoch !== undefined && record.created_at !== epoch)) return undefined;
    const bucket = bucketOf(record, provider);
    if (outcome.sessionId) bucket.session_id = outcome.sessionId;
    if (outcome.countsAsMessage) bucket.message_count += 1;
    bucket.total_cost_usd += Math.max(0, outcome.costUsd);
    bucket.total_tokens += Math.max(0, Math.trunc(outcome.tokens));
    record.last_active = now.toISOString();
    await this.save();
    return record;
  }

  /** `/new` and `/reset`: forget the active provider's CLI session; other buckets stay. */
  async resetActiveBucket(key: SessionKey): Promise<ProviderId | null> {
    const record = (await this.all())[storageKey(key)];
    if (!record) return null;
    delete record.provider_sessions[record.provider];
    const now = new Date().toISOString();
    // Always a new value, even within the same millisecond: it is the session's generation mark.
    record.created_at = now === record.created_at ? new Date(Date.parse(now) + 1).toISOString() : now;
    await this.save();
    return record.provider;
  }

  /** Forgets a session id the CLI no longer knows (a stale resume). */
  async dropSessionId(key: SessionKey, provider: ProviderId): Promise<void> {
    const record = (await this.all())[storageKey(key)];
    if (!record?.provider_sessions[provider]) return;
    record.provider_sessions[provider]!.session_id = '';
    await this.save();
  }

  /** Sets the session's target (`/model` inside a topic). */
  async setTarget(key: SessionKey, target: Target): Promise<void> {
    const record = (await this.all())[storageKey(key)];
    if (!record) return;
    record.provider = target.provider;
    record.model = target.model;
    record.reasoning_effort = target.reasoningEffort;
    await this.save();
  }

  private async load(): Promise<SessionsFile> {
    const raw = await this.store.read();
    const out: SessionsFile = {};
    for (const [id, record] of Object.entries(raw)) {
      const key = parseStorageKey(id);
      if (!key) continue; // a key we cannot parse can never be resolved again; dropping it loses nothing usable
      out[storageKey(key)] = record;
    }
    return out;
  }

  /** Writes the records as they are when this write's turn comes (SerialWrites keeps the order). */
  private save(): Promise<void> {
    return this.writes.run(async () => {
      if (this.cache) await this.store.write(this.cache);
    });
  }
}

function bucketOf(record: SessionRecord, provider: ProviderId): ProviderBucket {
  let bucket = record.provider_sessions[provider];
  if (!bucket) {
    bucket = { session_id: '', message_count: 0, total_cost_usd: 0, total_tokens: 0 };
    record.provider_sessions[provider] = bucket;
  }
  return bucket;
}
