/** The `sessions.json` format (home-layout.md §3), with the legacy flat fields migrated on read. */
import { z } from 'zod';

export const ProviderIdSchema = z.enum(['claude', 'codex', 'gemini']);
export type ProviderId = z.infer<typeof ProviderIdSchema>;

export const ProviderBucketSchema = z.object({
  session_id: z.string().default(''),
  message_count: z.number().int().nonnegative().default(0),
  total_cost_usd: z.number().nonnegative().default(0),
  total_tokens: z.number().int().nonnegative().default(0),
});
export type ProviderBucket = z.infer<typeof ProviderBucketSchema>;

const LegacyFlat = {
  session_id: z.string().optional(),
  message_count: z.number().optional(),
  total_cost_usd: z.number().optional(),
  total_tokens: z.number().optional(),
};

export const SessionRecordSchema = z
  .looseObject({
    transport: z.string().default('tg'),
    chat_id: z.number().int(),
    topic_id: z.number().int().nullable().default(null),
    topic_name: z.string().nullable().default(null),
    provider: ProviderIdSchema.default('claude'),
    model: z.string().default('opus'),
    reasoning_effort: z.string().nullable().default(null),
    created_at: z.string(),
    last_active: z.string(),
    provider_sessions: z.partialRecord(ProviderIdSchema, ProviderBucketSchema).default({}),
    ...LegacyFlat,
  })
  .transform((record) => {
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
  });
export type SessionRecord = z.output<typeof SessionRecordSchema>;

export const SessionsFileSchema = z.record(z.string(), SessionRecordSchema);
export type SessionsFile = z.output<typeof SessionsFileSchema>;
