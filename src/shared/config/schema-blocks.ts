/** zod schemas of the nested blocks of config.json, one per block. */
import * as z from 'zod/mini';
import '../zod-english.js';

/** Local hour of day, 0-23. */
export const HourSchema = z.int().check(z.gte(0), z.lte(23));
/** A TCP port, 1-65535. */
export const PortSchema = z.int().check(z.gte(1), z.lte(65535));
/** A whole number that is zero or more (counts, minutes, days). */
export const CountSchema = z.int().check(z.gte(0));
/** Seconds as a number that is greater than zero. */
export const PositiveSecondsSchema = z.number().check(z.positive());
/** A Telegram chat, user or group id (negative for groups and channels). */
export const ChatIdSchema = z.int();

/** `streaming`: live-edit output in chat. Sizes in characters, `idle_ms` in ms, intervals in seconds. */
export const StreamingSchema = z.looseObject({
  enabled: z._default(z.boolean(), true),
  min_chars: z._default(CountSchema, 200),
  max_chars: z._default(z.int().check(z.gte(1), z.lte(4096)), 4000),
  idle_ms: z._default(CountSchema, 800),
  edit_interval_seconds: z._default(z.number().check(z.gte(0)), 2.0),
  max_edit_failures: z._default(CountSchema, 3),
  append_mode: z._default(z.boolean(), false),
  sentence_break: z._default(z.boolean(), true),
  show_reasoning_stream: z._default(z.boolean(), false),
  show_tool_progress: z._default(z.boolean(), true),
  show_thinking_indicator: z._default(z.boolean(), true),
});

/** Optional packages the sandbox image can bake in. */
export const DOCKER_EXTRAS = [
  'ffmpeg', 'whisper', 'opencv', 'tesseract', 'easyocr', 'pymupdf', 'pandoc',
  'scipy', 'pandas', 'matplotlib', 'pytorch-cpu', 'transformers', 'playwright',
] as const;

/** `docker`: the optional CLI sandbox container. */
export const DockerSchema = z.looseObject({
  enabled: z._default(z.boolean(), false),
  image_name: z._default(z.string().check(z.minLength(1)), 'ductor-sandbox'),
  container_name: z._default(z.string().check(z.minLength(1)), 'ductor-sandbox'),
  auto_build: z._default(z.boolean(), true),
  mount_host_cache: z._default(z.boolean(), false),
  mounts: z._default(z.array(z.string()), () => []),
  extras: z._default(z.array(z.enum(DOCKER_EXTRAS)), () => []),
  published_ports: z._default(z.array(z.string()), () => []),
  /** When Docker is not usable, run the CLIs on the host (with a warning) instead of refusing the turn. */
  fallback_to_host: z._default(z.boolean(), false),
});

export const DEFAULT_HEARTBEAT_ACK = 'HEARTBEAT_OK';
export const DEFAULT_HEARTBEAT_PROMPT = [
  'This is a scheduled heartbeat, not a message from the user.',
  'Look at memory_system/MAINMEMORY.md (what the user cares about) and cron_tasks/ (running projects).',
  'If there is something genuinely useful to tell the user right now (a reminder, an idea, a problem you noticed), write it as your reply.',
  `Otherwise reply with exactly: ${DEFAULT_HEARTBEAT_ACK}`,
].join('\n');

/** One chat (or forum topic) that receives heartbeats; null overrides fall back to the block. */
export const HeartbeatTargetSchema = z.looseObject({
  enabled: z._default(z.boolean(), true),
  chat_id: z._default(z.nullable(ChatIdSchema), null),
  topic_id: z._default(z.nullable(z.int()), null),
  transport: z._default(z.string(), 'tg'),
  prompt: z._default(z.nullable(z.string()), null),
  ack_token: z._default(z.nullable(z.string()), null),
  interval_minutes: z._default(z.nullable(z.int().check(z.gte(1))), null),
  quiet_start: z._default(z.nullable(HourSchema), null),
  quiet_end: z._default(z.nullable(HourSchema), null),
});

/** `heartbeat`: periodic proactive turns; minutes, quiet hours as local hours 0-23 (start > end wraps midnight). */
export const HeartbeatSchema = z.looseObject({
  enabled: z._default(z.boolean(), false),
  interval_minutes: z._default(z.int().check(z.gte(1)), 30),
  cooldown_minutes: z._default(CountSchema, 5),
  quiet_start: z._default(HourSchema, 21),
  quiet_end: z._default(HourSchema, 8),
  prompt: z._default(z.string(), DEFAULT_HEARTBEAT_PROMPT),
  ack_token: z._default(z.string().check(z.minLength(1)), DEFAULT_HEARTBEAT_ACK),
  // The disabled placeholder shows the shape of a target to whoever opens the file.
  group_targets: z._default(z.array(HeartbeatTargetSchema), () => [
    {
      enabled: false,
      chat_id: null,
      topic_id: null,
      transport: 'tg',
      prompt: 'Put your group id into chat_id and set enabled to true to use this target.',
      ack_token: null,
      interval_minutes: null,
      quiet_start: null,
      quiet_end: null,
    },
  ]),
});

/** `cleanup`: retention of received media, deliverables and API files, in days; runs daily at `check_hour`. */
export const CleanupSchema = z.looseObject({
  enabled: z._default(z.boolean(), true),
  media_files_days: z._default(CountSchema, 30),
  output_to_user_days: z._default(CountSchema, 30),
  api_files_days: z._default(CountSchema, 30),
  check_hour: z._default(HourSchema, 3),
});

/** `webhooks`: the webhook HTTP server; `token` is the global bearer fallback (secret), body limit in bytes. */
export const WebhooksSchema = z.looseObject({
  enabled: z._default(z.boolean(), false),
  host: z._default(z.string().check(z.minLength(1)), '127.0.0.1'),
  port: z._default(PortSchema, 8742),
  token: z._default(z.string(), ''),
  max_body_bytes: z._default(z.int().check(z.gte(1)), 262_144),
  rate_limit_per_minute: z._default(z.int().check(z.gte(1)), 30),
});

/** `api`: the WebSocket API (beta); written only by `ductor api enable`; `chat_id` 0 = first allowed user. */
export const ApiSchema = z.looseObject({
  enabled: z._default(z.boolean(), false),
  // Loopback by default, unlike the original's 0.0.0.0: the API reaches the agent's files.
  host: z._default(z.string().check(z.minLength(1)), '127.0.0.1'),
  port: z._default(PortSchema, 8741),
  token: z._default(z.string(), ''),
  chat_id: z._default(ChatIdSchema, 0),
  allow_public: z._default(z.boolean(), false),
});

/** Extra argv entries per provider; each element is one argument, never split on spaces. */
export const CliParametersSchema = z.looseObject({
  claude: z._default(z.array(z.string()), () => []),
  codex: z._default(z.array(z.string()), () => []),
  gemini: z._default(z.array(z.string()), () => []),
});

/** `image`: incoming images are downscaled to `max_dimension` px and re-encoded at `quality` (1-100). */
export const ImageSchema = z.looseObject({
  max_dimension: z._default(z.int().check(z.gte(1)), 2000),
  output_format: z._default(z.string().check(z.minLength(1)), 'webp'),
  quality: z._default(z.int().check(z.gte(1), z.lte(100)), 85),
});

/** `scene`: reactions on received messages and the technical footer of final replies. */
export const SceneSchema = z.looseObject({
  seen_reaction: z._default(z.boolean(), false),
  status_reaction: z._default(z.boolean(), true),
  technical_footer: z._default(z.boolean(), false),
});

/** `timeouts`: per-path CLI deadlines in seconds; extended by `activity_extension` s while output flows. */
export const TimeoutsSchema = z.looseObject({
  normal: z._default(PositiveSecondsSchema, 600),
  background: z._default(PositiveSecondsSchema, 1800),
  /** Reserved (RESERVED_CONFIG_PATHS): validated, not applied yet. */
  subagent: z._default(PositiveSecondsSchema, 3600),
  warning_intervals: z._default(z.array(PositiveSecondsSchema), () => [60, 10]),
  extend_on_activity: z._default(z.boolean(), true),
  activity_extension: z._default(PositiveSecondsSchema, 120),
  max_extensions: z._default(CountSchema, 3),
});

/** `tasks`: background task hub; `max_parallel` per chat, seconds, retention in hours / entries (0 = off). */
export const TasksSchema = z.looseObject({
  enabled: z._default(z.boolean(), true),
  max_parallel: z._default(z.int().check(z.gte(1)), 5),
  // Newest upstream: no wall clock by default, a task is killed only after stall_seconds of silence.
  timeout_seconds: z._default(z.nullable(PositiveSecondsSchema), null),
  stall_seconds: z._default(z.nullable(PositiveSecondsSchema), 1800),
  finished_retention_hours: z._default(CountSchema, 168),
  finished_keep_last: z._default(CountSchema, 100),
});

/** `matrix`: the Matrix account; `password` and `access_token` are secrets, `store_path` is home-relative. */
export const MatrixSchema = z.looseObject({
  homeserver: z._default(z.string(), ''),
  user_id: z._default(z.string(), ''),
  password: z._default(z.string(), ''),
  access_token: z._default(z.string(), ''),
  device_id: z._default(z.string(), ''),
  allowed_rooms: z._default(z.array(z.string()), () => []),
  allowed_users: z._default(z.array(z.string()), () => []),
  store_path: z._default(z.string().check(z.minLength(1)), 'matrix_store'),
});

/** A worker's resident memory limit in MiB. */
export const MemoryLimitSchema = z.int().check(z.gte(16), z.lte(65_536));

/** Limits for agent worker processes (ductor-TS only). */
export const AgentsLimitsSchema = z.looseObject({
  /**
   * Resident memory limit of each agent worker, MiB: one over it is restarted alone (checked every
   * 10 s, applied live). An agents.json entry's own `memory_limit_mb` wins.
   */
  memory_limit_mb: z._default(MemoryLimitSchema, 256),
});

export type StreamingConfig = z.infer<typeof StreamingSchema>;
export type DockerConfig = z.infer<typeof DockerSchema>;
export type HeartbeatTarget = z.infer<typeof HeartbeatTargetSchema>;
export type HeartbeatConfig = z.infer<typeof HeartbeatSchema>;
export type CleanupConfig = z.infer<typeof CleanupSchema>;
export type WebhooksConfig = z.infer<typeof WebhooksSchema>;
export type ApiConfig = z.infer<typeof ApiSchema>;
export type CliParametersConfig = z.infer<typeof CliParametersSchema>;
export type ImageConfig = z.infer<typeof ImageSchema>;
export type SceneConfig = z.infer<typeof SceneSchema>;
export type TimeoutsConfig = z.infer<typeof TimeoutsSchema>;
export type TasksConfig = z.infer<typeof TasksSchema>;
export type MatrixConfig = z.infer<typeof MatrixSchema>;
export type AgentsLimitsConfig = z.infer<typeof AgentsLimitsSchema>;
