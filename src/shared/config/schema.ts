/**
 * The one schema of `config/config.json` (spec/config.md): every key with its default, bounds on
 * numbers, enums where the spec lists values. Objects are loose, so unknown keys survive a load
 * (load.ts names them in warnings); later-version upstream keys are declared so they round-trip
 * without being reported.
 */
import { z } from 'zod';
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

export const TRANSPORTS = ['telegram', 'matrix'] as const;
export type TransportName = (typeof TRANSPORTS)[number];

/** UI languages (spec §2 `language`). */
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

const laterVersionShape = Object.fromEntries(
  LATER_VERSION_KEYS.map((key) => [key, z.unknown().optional()]),
) as Record<(typeof LATER_VERSION_KEYS)[number], z.ZodOptional<z.ZodUnknown>>;

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
  log_level: z.enum(LOG_LEVELS).default('INFO'),
  provider: z.enum(PROVIDERS).default('claude'),
  model: z.string().min(1).default('opus'),
  ductor_home: z.string().min(1).default('~/.ductor'),
  idle_timeout_minutes: CountSchema.default(1440),
  session_age_warning_hours: CountSchema.default(12),
  daily_reset_hour: HourSchema.default(4),
  daily_reset_enabled: z.boolean().default(false),
  max_budget_usd: z.number().positive().nullable().default(null),
  max_turns: z.int().min(1).nullable().default(null),
  max_session_messages: z.int().min(1).nullable().default(null),
  permission_mode: z.string().min(1).default('bypassPermissions'),
  cli_timeout: z.number().positive().default(1800),
  reasoning_effort: z.enum(REASONING_EFFORTS).default('medium'),
  file_access: z.string().default('all'),
  append_system_prompt_files: z.array(z.string()).default(() => []),
  // Persisted as the string "null"; "", "null" and "none" all mean unset (load.ts turns them into null).
  gemini_api_key: z.string().nullable().default(null),
  transport: z.enum(TRANSPORTS).default('telegram'),
  transports: z.array(z.enum(TRANSPORTS)).default(() => []),
  telegram_token: z.string().default(''),
  /** Base URL of the Telegram Bot API; a local Bot API server or a test fake may stand in. */
  telegram_api_root: z.url({ protocol: /^https?$/ }).default('https://api.telegram.org'),
  allowed_user_ids: z.array(ChatIdSchema).default(() => []),
  allowed_group_ids: z.array(ChatIdSchema).default(() => []),
  allowed_channel_ids: z.array(ChatIdSchema).default(() => []),
  group_mention_only: z.boolean().default(false),
  user_timezone: z.string().default(''),
  language: z.enum(LANGUAGES).default('en'),
  update_check: z.boolean().default(true),
  interagent_port: PortSchema.default(8799),
  matrix: MatrixSchema.prefault({}),
  streaming: StreamingSchema.prefault({}),
  docker: DockerSchema.prefault({}),
  heartbeat: HeartbeatSchema.prefault({}),
  cleanup: CleanupSchema.prefault({}),
  webhooks: WebhooksSchema.prefault({}),
  api: ApiSchema.prefault({}),
  cli_parameters: CliParametersSchema.prefault({}),
  image: ImageSchema.prefault({}),
  scene: SceneSchema.prefault({}),
  timeouts: TimeoutsSchema.prefault({}),
  tasks: TasksSchema.prefault({}),
  agents: AgentsLimitsSchema.prefault({}),
  ...laterVersionShape,
});

/** A validated config with every default filled in. */
export type Config = z.infer<typeof ConfigSchema>;

/** The JSON Schema of config.json (draft 2020-12), for editors; describes the file as written. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, title: 'ductor config.json' };
}
