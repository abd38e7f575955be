/**
 * One description per config.json key, attached to the schema as zod metadata (the global
 * registry) so `ductor config schema` carries them and editors show them as help. Keyed by dotted
 * path; `[]` stands for the elements of a list. A path the schema does not have is an error.
 */
import * as z from 'zod/mini';
import '../zod-english.js';
import { arrayElement, objectShape } from './schema-walk.js';

const LATER = 'Kept from newer versions of the original project; ductor does not use it yet.';

export const CONFIG_DESCRIPTIONS: Record<string, string> = {
  $schema: 'The JSON Schema this file follows (written by the setup wizard; ductor keeps config/config.schema.json current).',
  log_level: 'How much the log files record: DEBUG, INFO, WARNING, ERROR or CRITICAL (either case).',
  provider: 'The CLI that answers: claude, codex or gemini.',
  model: 'The model the provider runs (for example opus, sonnet, gpt-5.2-codex, auto); /model changes it in the chat.',
  ductor_home: 'The ductor home folder (informational; the home in use is $DUCTOR_HOME or ~/.ductor).',
  idle_timeout_minutes: 'A session idle this many minutes starts fresh on the next message (0: never).',
  session_age_warning_hours: 'Warn when a session is older than this many hours (0: never).',
  daily_reset_hour: 'Local hour (0-23) at which sessions are reset when daily_reset_enabled is true.',
  daily_reset_enabled: 'Start every session fresh once a day at daily_reset_hour.',
  max_budget_usd: 'Spending cap per turn in US dollars passed to the CLI, where it supports one (null: none).',
  max_turns: 'Most agentic turns a CLI may take per message, where it supports a limit (null: none).',
  max_session_messages: 'Messages after which a session starts fresh (null: no limit).',
  permission_mode: 'The CLI permission mode (claude: bypassPermissions lets it act without asking).',
  approval_timeout_seconds: 'How long a tool approval asked in the chat waits for an answer before the tool is denied (seconds).',
  cli_timeout: 'Seconds a CLI run may take before it is stopped.',
  reasoning_effort: 'Reasoning effort for providers that have one (codex: low, medium, high).',
  file_access: 'Which files the bot may send with <file:…>: all, home or workspace.',
  append_system_prompt_files: 'Files whose text is appended to the system prompt of every turn.',
  gemini_api_key: 'Gemini API key, when gemini is not logged in with an account (secret; "null" for none).',
  transport: 'The primary messenger: telegram or matrix.',
  transports: 'All messengers to run at once, primary first (empty: just transport).',
  telegram_token: 'The bot token from @BotFather (secret).',
  telegram_api_root: 'Base URL of the Telegram Bot API; a local Bot API server may stand in.',
  allowed_user_ids: 'Telegram user ids allowed to talk to the bot; everyone else is ignored.',
  allowed_group_ids: 'Telegram group ids the bot serves; it leaves any other group.',
  allowed_channel_ids: 'Telegram channel ids the bot serves.',
  group_mention_only: 'In groups, answer only messages that mention the bot or reply to it.',
  user_timezone: 'IANA time zone for cron jobs, quiet hours and daily resets (empty: $TZ or the host).',
  language: 'Language of the bot\'s own messages.',
  update_check: 'Announce new versions from update_source once (hourly check).',
  update_source: 'Where new versions come from: auto (the git remote of a source checkout), git, npm:PACKAGE, an https:// tarball URL, or off.',
  interagent_port: 'Loopback port of the internal API the agents\' tools call.',
  matrix: 'The Matrix account and who may talk to it.',
  'matrix.homeserver': 'Homeserver URL, for example https://matrix.example.org.',
  'matrix.user_id': 'The bot\'s Matrix user id, for example @bot:example.org.',
  'matrix.password': 'The bot account\'s password, used for the first login only (secret).',
  'matrix.access_token': 'Access token kept after the first login (secret).',
  'matrix.device_id': 'Device id of the bot\'s session (kept after the first login).',
  'matrix.allowed_rooms': 'Room ids (!abc:server) or aliases (#room:server) the bot serves.',
  'matrix.allowed_users': 'Matrix user ids allowed to talk to the bot.',
  'matrix.store_path': 'Folder under the home for Matrix credentials and sync state.',
  streaming: 'How answers stream into a live-edited message.',
  'streaming.enabled': 'Stream answers as they are written (false: send the finished answer).',
  'streaming.min_chars': 'Characters collected before the first message is sent.',
  'streaming.max_chars': 'Characters per message before the next one starts (at most 4096).',
  'streaming.idle_ms': 'Milliseconds of quiet after which pending text is flushed.',
  'streaming.edit_interval_seconds': 'Least seconds between two edits of the same message.',
  'streaming.max_edit_failures': 'Failed edits after which streaming falls back to new messages.',
  'streaming.append_mode': 'Send each chunk as a new message instead of editing one.',
  'streaming.sentence_break': 'Prefer to split at the end of a sentence.',
  'streaming.show_reasoning_stream': 'Show the model\'s reasoning text while it thinks.',
  'streaming.show_tool_progress': 'Show which tool the CLI is running.',
  'streaming.show_thinking_indicator': 'Show a thinking indicator until the first text arrives.',
  docker: 'The Docker sandbox every CLI run goes through when enabled.',
  'docker.enabled': 'Run the CLIs inside the sandbox container (docker exec).',
  'docker.image_name': 'Name of the sandbox image.',
  'docker.container_name': 'Name of the long-lived sandbox container.',
  'docker.auto_build': 'Build the image when it is missing.',
  'docker.mount_host_cache': 'Mount the host\'s ~/.cache into the container.',
  'docker.mounts': 'Host folders mounted at /mnt/<name> (ductor docker mount).',
  'docker.extras': 'Optional image layers (ffmpeg, whisper, pytorch-cpu, …; ductor docker extras).',
  'docker.published_ports': 'docker run -p specs, for example 127.0.0.1:8080:8080.',
  'docker.fallback_to_host': 'When Docker is not usable, run on the host with a warning instead of refusing.',
  heartbeat: 'Resumes idle sessions now and then with a prompt, outside quiet hours.',
  'heartbeat.enabled': 'Send heartbeat prompts.',
  'heartbeat.interval_minutes': 'Minutes between heartbeats.',
  'heartbeat.cooldown_minutes': 'A session must have been idle this long to get a heartbeat.',
  'heartbeat.quiet_start': 'Local hour at which quiet hours begin (no heartbeats).',
  'heartbeat.quiet_end': 'Local hour at which quiet hours end.',
  'heartbeat.prompt': 'The prompt a heartbeat sends.',
  'heartbeat.ack_token': 'A reply that is just this token is not delivered.',
  'heartbeat.group_targets': 'Groups or topics that get heartbeats of their own.',
  'heartbeat.group_targets[].enabled': 'Send heartbeats to this target.',
  'heartbeat.group_targets[].chat_id': 'The group\'s chat id.',
  'heartbeat.group_targets[].topic_id': 'The forum topic id (null: the whole group).',
  'heartbeat.group_targets[].transport': 'The messenger of this target (tg for Telegram).',
  'heartbeat.group_targets[].prompt': 'This target\'s prompt (null: heartbeat.prompt).',
  'heartbeat.group_targets[].ack_token': 'This target\'s ack token (null: heartbeat.ack_token).',
  'heartbeat.group_targets[].interval_minutes': 'This target\'s interval (null: heartbeat.interval_minutes).',
  'heartbeat.group_targets[].quiet_start': 'This target\'s quiet start hour (null: heartbeat.quiet_start).',
  'heartbeat.group_targets[].quiet_end': 'This target\'s quiet end hour (null: heartbeat.quiet_end).',
  cleanup: 'Daily removal of old received and sent files.',
  'cleanup.enabled': 'Delete old files once a day.',
  'cleanup.media_files_days': 'Days files received from chats are kept.',
  'cleanup.output_to_user_days': 'Days files in output_to_user/ are kept.',
  'cleanup.api_files_days': 'Days files uploaded through the API are kept.',
  'cleanup.check_hour': 'Local hour at which the cleanup runs.',
  webhooks: 'The webhook server (POST /hooks/<id>).',
  'webhooks.enabled': 'Run the webhook server.',
  'webhooks.host': 'Address it listens on (127.0.0.1: this machine only).',
  'webhooks.port': 'Port it listens on.',
  'webhooks.token': 'Bearer token for hooks without one of their own; generated when empty (secret).',
  'webhooks.max_body_bytes': 'Largest request body accepted.',
  'webhooks.rate_limit_per_minute': 'Requests per minute before answers become 429.',
  api: 'The WebSocket API (beta).',
  'api.enabled': 'Run the WebSocket API.',
  'api.host': 'Address it listens on (127.0.0.1: this machine only).',
  'api.port': 'Port it listens on.',
  'api.token': 'Token clients authenticate with (secret).',
  'api.chat_id': 'The chat id API sessions use (0: the first allowed user).',
  'api.allow_public': 'Allow listening on a non-loopback address.',
  cli_parameters: 'Extra command-line arguments per CLI, added to every run.',
  'cli_parameters.claude': 'Extra arguments for claude.',
  'cli_parameters.codex': 'Extra arguments for codex.',
  'cli_parameters.gemini': 'Extra arguments for gemini.',
  image: 'How received images are converted before the CLI sees them.',
  'image.max_dimension': 'Longest side in pixels after downscaling.',
  'image.output_format': 'Format images are re-encoded to (webp, jpeg, png).',
  'image.quality': 'Encoding quality, 1-100.',
  scene: 'Small extras around answers.',
  'scene.seen_reaction': 'React to a message when it is received.',
  'scene.status_reaction': 'Show the turn\'s state as a reaction on the message.',
  'scene.technical_footer': 'Add model, duration and cost under each answer.',
  timeouts: 'How long CLI runs may take, in seconds.',
  'timeouts.normal': 'Seconds a chat turn may take.',
  'timeouts.background': 'Seconds a background task may take.',
  'timeouts.subagent': 'Seconds a sub-agent turn may take.',
  'timeouts.warning_intervals': 'Seconds before the limit at which a warning is shown.',
  'timeouts.extend_on_activity': 'Extend the limit while the CLI keeps producing output.',
  'timeouts.activity_extension': 'Seconds added per extension.',
  'timeouts.max_extensions': 'Most extensions per run.',
  tasks: 'Background tasks agents start.',
  'tasks.enabled': 'Allow background tasks.',
  'tasks.max_parallel': 'Most tasks running at once.',
  'tasks.timeout_seconds': 'Seconds a task may run (null: timeouts.background).',
  'tasks.stall_seconds': 'Seconds without output after which a task counts as stalled (null: never).',
  'tasks.finished_retention_hours': 'Hours finished tasks are listed.',
  'tasks.finished_keep_last': 'Finished tasks kept at least, whatever their age.',
  agents: 'Limits of the agent worker processes.',
  'agents.memory_limit_mb': 'Heap limit of each agent worker in MB.',
  memory_flush: LATER,
  memory_compaction: LATER,
  memory_reflection: LATER,
  cron_delivery_retry: LATER,
  cron_preflight: LATER,
  notifications: LATER,
  transcription: LATER,
  skills: LATER,
  disallowed_tools: LATER,
  claude_accounts: LATER,
  claude_account: LATER,
  persona_prompt: LATER,
  project_roots: LATER,
  managed_topics: LATER,
  consult_wipe: LATER,
  consult_wipe_hour: LATER,
  slack: LATER,
};

/** The schema of the value at a dotted path (`a.b`, `a[].c`), or null. */
function schemaAt(root: z.core.$ZodType, path: string): z.core.$ZodType | null {
  let current: z.core.$ZodType | null = root;
  for (const part of path.split('.')) {
    if (current === null) return null;
    const list = part.endsWith('[]');
    const key = list ? part.slice(0, -2) : part;
    current = objectShape(current)?.[key] ?? null;
    if (list && current !== null) current = arrayElement(current);
  }
  return current;
}

const described = new WeakSet<z.core.$ZodType>();

/** Attaches every description to the key's schema; throws on a path the schema lacks. */
export function describeConfigSchema(root: z.core.$ZodType): void {
  if (described.has(root)) return;
  for (const [path, description] of Object.entries(CONFIG_DESCRIPTIONS)) {
    const schema = schemaAt(root, path);
    if (schema === null) throw new Error(`config description for "${path}": no such key in the schema`);
    z.globalRegistry.add(schema, { ...z.globalRegistry.get(schema), description });
  }
  described.add(root);
}
