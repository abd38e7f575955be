/**
 * The one schema of `config/config.json`: every key with its default, bounds on
 * numbers, enums where the spec lists values. Objects are loose, so unknown keys survive a load
 * (load.ts names them in warnings); later-version upstream keys are declared so they round-trip
 * without being reported.
 */
import * as z from 'zod/mini';
import { describeConfigSchema } from './schema-descriptions.js';
import '../zod-english.js';
import {
  AgentsLimitsSchema,
  ApiSchema,
  ChatIdSchema,
  CleanupSchema,
  CliParametersSchema,
  CountSchema,
  DockerSchema,
  HeartbeatSchema,
  HourSchema,
  ImageSchema,
  MatrixSchema,
  PortSchema,
  SceneSchema,
  StreamingSchema,
  TasksSchema,
  TimeoutsSchema,
  WebhooksSchema,
} from './schema-blocks.js';

export const PROVIDERS = ['claude', 'codex', 'gemini'] as const;
export type Provider = (typeof PROVIDERS)[number];

/**
 * `console`: no chat network at all; the agents answer `ductor chat` (and the WebSocket API when
 * enabled), so a machine without a bot token can run ductor.
 */
export const TRANSPORTS = ['telegram', 'matrix', 'console'] as const;
export type TransportName = (typeof TRANSPORTS)[number];

/** UI languages. */
export const LANGUAGES = ['en', 'de', 'nl', 'fr', 'ru', 'es', 'pt'] as const;

/** `default` means "do not pass an effort flag"; `max` is Claude only. */
export const REASONING_EFFORTS = ['default', 'low', 'medium', 'high', 'xhigh', 'max'] as const;

/** Python logging names as written by the original, accepted in either case. */
const LOG_LEVEL_NAMES = ['DEBUG', 'INFO', 'WARNING', 'WARN', 'ERROR', 'CRITICAL'] as const;
export const LOG_LEVELS = [...LOG_LEVEL_NAMES, ...LOG_LEVEL_NAMES.map((l) => l.toLowerCase())] as const;

/** `file_access` values with a meaning; anything else behaves as `workspace` (load.ts warns). */
export const FILE_ACCESS_SCOPES = ['all', 'home', 'workspace'] as const;

/**
 * Keys of newer upstream versions. Kept verbatim (never merged in, never reported as unknown);
 * nothing in ductor-TS reads them yet.
 */
export const LATER_VERSION_KEYS = [
  'memory_flush', 'memory_compaction', 'memory_reflection', 'cron_delivery_retry', 'cron_preflight',
  'notifications', 'transcription', 'skills', 'disallowed_tools', 'claude_accounts', 'claude_account',
  'persona_prompt', 'project_roots', 'managed_topics', 'consult_wipe', 'consult_wipe_hour', 'slack',
] as const;

/**
 * Keys the original documents as reserved: validated and round-tripped, with no behaviour yet.
 * `timeouts.subagent` is the deadline of sub-agent runs, which the original never applied either.
 */
export const RESERVED_CONFIG_PATHS = ['timeouts.subagent'] as const;

const laterVersionShape = Object.fromEntries(
  LATER_VERSION_KEYS.map((key) => [key, z.optional(z.unknown())]),
) as Record<(typeof LATER_VERSION_KEYS)[number], z.ZodMiniOptional<z.ZodMiniUnknown>>;

/**
 * Dotted key paths whose values are secrets. Logging redacts them (see redact-config.ts) and
 * validation messages never quote them.
 */
export const SECRET_CONFIG_PATHS = [
  'telegram_token',
  'webhooks.token',
  'api.token',
  'gemini_api_key',
  'matrix.password',
  'matrix.access_token',
] as const;

export const ConfigSchema = z.looseObject({
  /** Written by the wizard so editors find config.schema.json; never read otherwise. */
  $schema: z.optional(z.string()),
  log_level: z._default(z.enum(LOG_LEVELS), 'INFO'),
  provider: z._default(z.enum(PROVIDERS), 'claude'),
  model: z._default(z.string().check(z.minLength(1)), 'opus'),
  ductor_home: z._default(z.string().check(z.minLength(1)), '~/.ductor'),
  idle_timeout_minutes: z._default(CountSchema, 1440),
  session_age_warning_hours: z._default(CountSchema, 12),
  daily_reset_hour: z._default(HourSchema, 4),
  daily_reset_enabled: z._default(z.boolean(), false),
  max_budget_usd: z._default(z.nullable(z.number().check(z.positive())), null),
  max_turns: z._default(z.nullable(z.int().check(z.gte(1))), null),
  max_session_messages: z._default(z.nullable(z.int().check(z.gte(1))), null),
  permission_mode: z._default(z.string().check(z.minLength(1)), 'bypassPermissions'),
  cli_timeout: z._default(z.number().check(z.positive()), 1800),
  /** How long a tool approval asked in the chat waits for an answer before it is denied (seconds). */
  approval_timeout_seconds: z._default(z.number().check(z.positive()), 300),
  reasoning_effort: z._default(z.enum(REASONING_EFFORTS), 'medium'),
  file_access: z._default(z.string(), 'all'),
  append_system_prompt_files: z._default(z.array(z.string()), () => []),
  // Persisted as the string "null"; "", "null" and "none" all mean unset (load.ts turns them into null).
  gemini_api_key: z._default(z.nullable(z.string()), null),
  transport: z._default(z.enum(TRANSPORTS), 'telegram'),
  transports: z._default(z.array(z.enum(TRANSPORTS)), () => []),
  telegram_token: z._default(z.string(), ''),
  /** Base URL of the Telegram Bot API; a local Bot API server or a test fake may stand in. */
  telegram_api_root: z._default(z.url({ protocol: /^https?$/ }), 'https://api.telegram.org'),
  allowed_user_ids: z._default(z.array(ChatIdSchema), () => []),
  allowed_group_ids: z._default(z.array(ChatIdSchema), () => []),
  allowed_channel_ids: z._default(z.array(ChatIdSchema), () => []),
  group_mention_only: z._default(z.boolean(), false),
  user_timezone: z._default(z.string(), ''),
  language: z._default(z.enum(LANGUAGES), 'en'),
  update_check: z._default(z.boolean(), true),
  /** Where the update check and `ductor upgrade` look (src/shared/upgrade/update-source.ts). */
  update_source: z._default(z.string().check(z.regex(/^(?:auto|git|off|npm:(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*|https:\/\/\S+)$/)), 'auto'),
  interagent_port: z._default(PortSchema, 8799),
  matrix: z.prefault(MatrixSchema, {}),
  streaming: z.prefault(StreamingSchema, {}),
  docker: z.prefault(DockerSchema, {}),
  heartbeat: z.prefault(HeartbeatSchema, {}),
  cleanup: z.prefault(CleanupSchema, {}),
  webhooks: z.prefault(WebhooksSchema, {}),
  api: z.prefault(ApiSchema, {}),
  cli_parameters: z.prefault(CliParametersSchema, {}),
  image: z.prefault(ImageSchema, {}),
  scene: z.prefault(SceneSchema, {}),
  timeouts: z.prefault(TimeoutsSchema, {}),
  tasks: z.prefault(TasksSchema, {}),
  agents: z.prefault(AgentsLimitsSchema, {}),
  ...laterVersionShape,
});

/** A validated config with every default filled in. */
export type Config = z.infer<typeof ConfigSchema>;

/** The JSON Schema of config.json (draft 2020-12), for editors; describes the file as written. */
export function configJsonSchema(): Record<string, unknown> {
  describeConfigSchema(ConfigSchema);
  const schema = z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, title: 'ductor config.json' };
}
