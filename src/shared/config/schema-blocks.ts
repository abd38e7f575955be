/** zod schemas of the nested blocks of config.json (spec/config.md §3), one per block. */
import { z } from 'zod';

/** Local hour of day, 0-23. */
export const HourSchema = z.int().min(0).max(23);
/** A TCP port, 1-65535. */
export const PortSchema = z.int().min(1).max(65535);
/** A whole number that is zero or more (counts, minutes, days). */
export const CountSchema = z.int().min(0);
/** Seconds as a number that is greater than zero. */
export const PositiveSecondsSchema = z.number().positive();
/** A Telegram chat, user or group id (negative for groups and channels). */
export const ChatIdSchema = z.int();

/** `streaming`: live-edit output in chat (telegram.md). Sizes in characters, `idle_ms` in ms, intervals in seconds. */
export const StreamingSchema = z.looseObject({
  enabled: z.boolean().default(true),
  min_chars: CountSchema.default(200),
  max_chars: z.int().min(1).max(4096).default(4000),
  idle_ms: CountSchema.default(800),
  edit_interval_seconds: z.number().min(0).default(2.0),
  max_edit_failures: CountSchema.default(3),
  append_mode: z.boolean().default(false),
  sentence_break: z.boolean().default(true),
  show_reasoning_stream: z.boolean().default(false),
  show_tool_progress: z.boolean().default(true),
  show_thinking_indicator: z.boolean().default(true),
});

/** Optional packages the sandbox image can bake in (infra-and-security.md). */
export const DOCKER_EXTRAS = [
  'ffmpeg', 'whisper', 'opencv', 'tesseract', 'easyocr', 'pymupdf', 'pandoc',
  'scipy', 'pandas', 'matplotlib', 'pytorch-cpu', 'transformers', 'playwright',
] as const;

/** `docker`: the optional CLI sandbox container (infra-and-security.md). */
export const DockerSchema = z.looseObject({
  enabled: z.boolean().default(false),
  image_name: z.string().min(1).default('ductor-sandbox'),
  container_name: z.string().min(1).default('ductor-sandbox'),
  auto_build: z.boolean().default(true),
  mount_host_cache: z.boolean().default(false),
  mounts: z.array(z.string()).default(() => []),
  extras: z.array(z.enum(DOCKER_EXTRAS)).default(() => []),
  published_ports: z.array(z.string()).default(() => []),
  /** When Docker is not usable, run the CLIs on the host (with a warning) instead of refusing the turn. */
  fallback_to_host: z.boolean().default(false),
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
  enabled: z.boolean().default(true),
  chat_id: ChatIdSchema.nullable().default(null),
  topic_id: z.int().nullable().default(null),
  transport: z.string().default('tg'),
  prompt: z.string().nullable().default(null),
  ack_token: z.string().nullable().default(null),
  interval_minutes: z.int().min(1).nullable().default(null),
  quiet_start: HourSchema.nullable().default(null),
  quiet_end: HourSchema.nullable().default(null),
});

/** `heartbeat`: periodic proactive turns; minutes, quiet hours as local hours 0-23 (start > end wraps midnight). */
export const HeartbeatSchema = z.looseObject({
  enabled: z.boolean().default(false),
  interval_minutes: z.int().min(1).default(30),
  cooldown_minutes: CountSchema.default(5),
  quiet_start: HourSchema.default(21),
  quiet_end: HourSchema.default(8),
  prompt: z.string().default(DEFAULT_HEARTBEAT_PROMPT),
  ack_token: z.string().min(1).default(DEFAULT_HEARTBEAT_ACK),
  // The disabled placeholder shows the shape of a target to whoever opens the file.
  group_targets: z.array(HeartbeatTargetSchema).default(() => [
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
  enabled: z.boolean().default(true),
  media_files_days: CountSchema.default(30),
  output_to_user_days: CountSchema.default(30),
  api_files_days: CountSchema.default(30),
  check_hour: HourSchema.default(3),
});

/** `webhooks`: the webhook HTTP server; `token` is the global bearer fallback (secret), body limit in bytes. */
export const WebhooksSchema = z.looseObject({
  enabled: z.boolean().default(false),
  host: z.string().min(1).default('127.0.0.1'),
  port: PortSchema.default(8742),
  token: z.string().default(''),
  max_body_bytes: z.int().min(1).default(262_144),
  rate_limit_per_minute: z.int().min(1).default(30),
});

/** `api`: the WebSocket API (beta); written only by `ductor api enable`; `chat_id` 0 = first allowed user. */
export const ApiSchema = z.looseObject({
  enabled: z.boolean().default(false),
  // Loopback by default (issue 9), unlike the original's 0.0.0.0: the API reaches the agent's files.
  host: z.string().min(1).default('127.0.0.1'),
  port: PortSchema.default(8741),
  token: z.string().default(''),
  chat_id: ChatIdSchema.default(0),
  allow_public: z.boolean().default(false),
});

/** Extra argv entries per provider; each element is one argument, never split on spaces. */
export const CliParametersSchema = z.looseObject({
  claude: z.array(z.string()).default(() => []),
  codex: z.array(z.string()).default(() => []),
  gemini: z.array(z.string()).default(() => []),
});

/** `image`: incoming images are downscaled to `max_dimension` px and re-encoded at `quality` (1-100). */
export const ImageSchema = z.looseObject({
  max_dimension: z.int().min(1).default(2000),
  output_format: z.string().min(1).default('webp'),
  quality: z.int().min(1).max(100).default(85),
});

/** `scene`: reactions on received messages and the technical footer of final replies. */
export const SceneSchema = z.looseObject({
  seen_reaction: z.boolean().default(false),
  status_reaction: z.boolean().default(true),
  technical_footer: z.boolean().default(false),
});

/** `timeouts`: per-path CLI deadlines in seconds; extended by `activity_extension` s while output flows. */
export const TimeoutsSchema = z.looseObject({
  normal: PositiveSecondsSchema.default(600),
  background: PositiveSecondsSchema.default(1800),
  subagent: PositiveSecondsSchema.default(3600),
  warning_intervals: z.array(PositiveSecondsSchema).default(() => [60, 10]),
  extend_on_activity: z.boolean().default(true),
  activity_extension: PositiveSecondsSchema.default(120),
  max_extensions: CountSchema.default(3),
});

/** `tasks`: background task hub; `max_parallel` per chat, seconds, retention in hours / entries (0 = off). */
export const TasksSchema = z.looseObject({
  enabled: z.boolean().default(true),
  max_parallel: z.int().min(1).default(5),
  // Newest upstream: no wall clock by default, a task is killed only after stall_seconds of silence.
  timeout_seconds: PositiveSecondsSchema.nullable().default(null),
  stall_seconds: PositiveSecondsSchema.nullable().default(1800),
  finished_retention_hours: CountSchema.default(168),
  finished_keep_last: CountSchema.default(100),
});

/** `matrix`: the Matrix account; `password` and `access_token` are secrets, `store_path` is home-relative. */
export const MatrixSchema = z.looseObject({
  homeserver: z.string().default(''),
  user_id: z.string().default(''),
  password: z.string().default(''),
  access_token: z.string().default(''),
  device_id: z.string().default(''),
  allowed_rooms: z.array(z.string()).default(() => []),
  allowed_users: z.array(z.string()).default(() => []),
  store_path: z.string().min(1).default('matrix_store'),
});

/** Limits for agent worker processes (ductor-TS only). */
export const AgentsLimitsSchema = z.looseObject({
  /** Heap limit of each agent worker, MiB (passed as --max-old-space-size). */
  memory_limit_mb: z.int().min(16).max(65_536).default(256),
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
