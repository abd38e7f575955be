/** The `sessions.json` format, with the legacy flat fields migrated on read. */
import * as z from 'zod/mini';
import { lazySchema } from '../../../shared/lazy-schema.js';
import '../../../shared/zod-english.js';

export const ProviderIdSchema = lazySchema(() => z.enum(['claude', 'codex', 'gemini']));
export type ProviderId = z.infer<typeof ProviderIdSchema>;

export const ProviderBucketSchema = lazySchema(() => z.object({
  session_id: z._default(z.string(), ''),
  message_count: z._default(z.int().check(z.nonnegative()), 0),
  total_cost_usd: z._default(z.number().check(z.nonnegative()), 0),
  total_tokens: z._default(z.int().check(z.nonnegative()), 0),
}));
export type ProviderBucket = z.infer<typeof ProviderBucketSchema>;

const LegacyFlat = {
  session_id: z.optional(z.string()),
  message_count: z.optional(z.number()),
  total_cost_usd: z.optional(z.number()),
  total_tokens: z.optional(z.number()),
};

export const SessionRecordSchema = lazySchema(() => z.pipe(
  z.looseObject({
    transport: z._default(z.string(), 'tg'),
    chat_id: z.int(),
    topic_id: z._default(z.nullable(z.int()), null),
    topic_name: z._default(z.nullable(z.string()), null),
    provider: z._default(ProviderIdSchema, 'claude'),
    model: z._default(z.string(), 'opus'),
    reasoning_effort: z._default(z.nullable(z.string()), null),
    created_at: z.string(),
    last_active: z.string(),
    provider_sessions: z._default(z.partialRecord(ProviderIdSchema, ProviderBucketSchema), {}),
    ...LegacyFlat,
  }),
  z.transform((record) => {
    // Older files kept one provider's counters at the top level: fold them into its bucket.
    const { session_id, message_count, total_cost_usd, total_tokens, ...rest } = record;
    if (session_id && !rest.provider_sessions[rest.provider]) {
      rest.provider_sessions[rest.provider] = {
        session_id,
        message_count: Math.max(0, Math.trunc(message_count ?? 0)),
        total_cost_usd: Math.max(0, total_cost_usd ?? 0),
        total_tokens: Math.max(0, Math.trunc(total_tokens ?? 0)),
      };
    }
    return rest;
  }),
));
export type SessionRecord = z.output<typeof SessionRecordSchema>;

export const SessionsFileSchema = lazySchema(() => z.record(z.string(), SessionRecordSchema));
export type SessionsFile = z.output<typeof SessionsFileSchema>;
