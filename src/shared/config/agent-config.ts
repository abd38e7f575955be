/**
 * Sub-agents: the schema of `agents.json` entries and the effective config of a sub-agent, built
 * as the original does: main config as the base, the entry's non-null fields over it,
 * then the entry's own identity (home, transport, allowlists) forced.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as z from 'zod/mini';
import '../zod-english.js';
import { ConfigError } from '../errors.js';
import { describeIssues } from './describe-issues.js';
import { isPlainObject } from './key-path.js';
import { overlay } from './merge-defaults.js';
import { parseJsonFileText } from './parse-json-file.js';
import {
  ApiSchema,
  ChatIdSchema,
  CleanupSchema,
  CliParametersSchema,
  CountSchema,
  DockerSchema,
  HeartbeatSchema,
  HourSchema,
  MatrixSchema,
  StreamingSchema,
  MemoryLimitSchema,
  WebhooksSchema,
} from './schema-blocks.js';
import { ConfigSchema, LOG_LEVELS, PROVIDERS, REASONING_EFFORTS, TRANSPORTS, type Config } from './schema.js';

/** Lowercase letters, digits, `-` and `_`; no spaces. `main` is reserved for the main agent. */
export const AGENT_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
export const MAIN_AGENT_NAME = 'main';

/** An object schema with the same keys, each optional and without its default (for overrides). */
function overrideOf<T extends z.ZodMiniObject>(block: T) {
  const shape = Object.fromEntries(
    Object.entries(block.shape).map(([key, schema]) => {
      const def = (schema as z.ZodMiniType)._zod.def as { type: string; innerType?: z.ZodMiniType };
      const bare = (def.type === 'default' || def.type === 'prefault') && def.innerType ? def.innerType : (schema as z.ZodMiniType);
      return [key, z.optional(bare)];
    }),
  );
  return z.nullish(z.looseObject(shape));
}

/** One entry of `agents.json`. Omitted or null fields inherit from the main config. */
export const AgentEntrySchema = z
  .looseObject({
    name: z.string().check(
      z.regex(AGENT_NAME_PATTERN),
      z.refine((name) => name !== MAIN_AGENT_NAME, { message: 'a name other than "main" (reserved for the main agent)' }),
    ),
    transport: z.nullish(z.enum(TRANSPORTS)),
    telegram_token: z.nullish(z.string()),
    matrix: overrideOf(MatrixSchema),
    allowed_user_ids: z.nullish(z.array(ChatIdSchema)),
    allowed_group_ids: z.nullish(z.array(ChatIdSchema)),
    group_mention_only: z.nullish(z.boolean()),
    // create_agent.py stores Codex as "openai".
    provider: z.nullish(z.enum([...PROVIDERS, 'openai'])),
    model: z.nullish(z.string().check(z.minLength(1))),
    log_level: z.nullish(z.enum(LOG_LEVELS)),
    idle_timeout_minutes: z.nullish(CountSchema),
    session_age_warning_hours: z.nullish(CountSchema),
    daily_reset_hour: z.nullish(HourSchema),
    daily_reset_enabled: z.nullish(z.boolean()),
    max_budget_usd: z.nullish(z.number().check(z.positive())),
    max_turns: z.nullish(z.int().check(z.gte(1))),
    max_session_messages: z.nullish(z.int().check(z.gte(1))),
    permission_mode: z.nullish(z.string().check(z.minLength(1))),
    cli_timeout: z.nullish(z.number().check(z.positive())),
    reasoning_effort: z.nullish(z.enum(REASONING_EFFORTS)),
    file_access: z.nullish(z.string()),
    user_timezone: z.nullish(z.string()),
    streaming: overrideOf(StreamingSchema),
    docker: overrideOf(DockerSchema),
    heartbeat: overrideOf(HeartbeatSchema),
    cleanup: overrideOf(CleanupSchema),
    webhooks: overrideOf(WebhooksSchema),
    cli_parameters: overrideOf(CliParametersSchema),
    api: overrideOf(ApiSchema),
    /** This agent worker's resident memory limit (MiB); null: the global `agents.memory_limit_mb`. */
    memory_limit_mb: z.nullish(MemoryLimitSchema),
  })
  .check(
    z.superRefine((entry, ctx) => {
      const transport = entry.transport ?? 'telegram';
      if (transport === 'telegram' && !entry.telegram_token) {
        ctx.addIssue({ code: 'custom', path: ['telegram_token'], message: 'set for a Telegram sub-agent' });
      }
      if (transport === 'matrix' && (!entry.matrix?.homeserver || !entry.matrix.user_id)) {
        ctx.addIssue({ code: 'custom', path: ['matrix'], message: 'an object with homeserver and user_id for a Matrix sub-agent' });
      }
    }),
  );
export type AgentEntry = z.infer<typeof AgentEntrySchema>;

/** `agents.json`: a top-level list of entries. */
export const AgentsFileSchema = z.array(AgentEntrySchema);
export type AgentsFile = z.infer<typeof AgentsFileSchema>;

/** Plain fields an entry may override; anything else is inherited (timeouts, tasks, scene, language, ...). */
const SCALAR_OVERRIDES = [
  'group_mention_only', 'provider', 'model', 'log_level', 'idle_timeout_minutes', 'session_age_warning_hours',
  'daily_reset_hour', 'daily_reset_enabled', 'max_budget_usd', 'max_turns', 'max_session_messages',
  'permission_mode', 'cli_timeout', 'reasoning_effort', 'file_access', 'user_timezone',
] as const;
/** Blocks an entry may override; the entry's keys are laid over the main block key by key. */
const BLOCK_OVERRIDES = ['streaming', 'docker', 'heartbeat', 'cleanup', 'webhooks', 'cli_parameters'] as const;

/**
 * The config a sub-agent runs with: `main` ← the entry's non-null overrides, then forced:
 * `ductor_home` = `<mainHome>/agents/<name>`, transport, token, Matrix account and allowlists
 * from the entry only (never inherited), `api.enabled` false unless the entry has an `api` block.
 */
export function effectiveAgentConfig(main: Config, entry: AgentEntry, mainHome: string): Config {
  const merged: Record<string, unknown> = structuredClone(main);
  for (const key of SCALAR_OVERRIDES) {
    const value = entry[key];
    if (value !== undefined && value !== null) merged[key] = key === 'provider' && value === 'openai' ? 'codex' : value;
  }
  for (const key of BLOCK_OVERRIDES) {
    const value = entry[key];
    if (isPlainObject(value)) merged[key] = overlay(main[key], value);
  }
  const transport = entry.transport ?? 'telegram';
  merged.ductor_home = join(mainHome, 'agents', entry.name);
  merged.transport = transport;
  merged.transports = [transport];
  merged.telegram_token = entry.telegram_token ?? '';
  merged.matrix = overlay(MatrixSchema.parse({}), entry.matrix ?? {});
  merged.allowed_user_ids = entry.allowed_user_ids ?? [];
  merged.allowed_group_ids = entry.allowed_group_ids ?? [];
  merged.api = entry.api ? overlay(main.api, entry.api) : { ...main.api, enabled: false };
  return ConfigSchema.parse(merged);
}

/** The memory limit (MiB) of agent `name`: its agents.json entry, else the global `agents.memory_limit_mb`. */
export function memoryLimitOf(main: Config, entries: readonly AgentEntry[], name: string): number {
  const own = name === MAIN_AGENT_NAME ? undefined : entries.find((e) => e.name === name)?.memory_limit_mb;
  return own ?? main.agents.memory_limit_mb;
}

export type LoadAgentsOptions = {
  /** The main agent's bot token: an entry using it is skipped (one bot can serve one agent). */
  mainTelegramToken?: string;
};

/**
 * Reads `agents.json` (main home). A missing file means no sub-agents. Invalid JSON or a file
 * that is not a list throws ConfigError; an entry that fails validation, repeats a name, or uses
 * the bot token of main or of an earlier entry is skipped with a warning (naming the other agent,
 * never the token), so one bad sub-agent never keeps the others from starting.
 */
export async function loadAgentsFile(file: string, options: LoadAgentsOptions = {}): Promise<{ agents: AgentEntry[]; warnings: string[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { agents: [], warnings: [] };
    throw error;
  }
  if (text.trim() === '') return { agents: [], warnings: [] };
  const label = basename(file);
  const parsed = parseJsonFileText(file, text);
  if (!Array.isArray(parsed)) {
    throw new ConfigError(file, '', 'a JSON list ([ ... ])', typeof parsed, `${label}: the file must hold a list of agents ([ ... ]).`);
  }
  const agents: AgentEntry[] = [];
  const warnings: string[] = [];
  const names = new Set<string>();
  const tokens = new Map<string, string>();
  if (options.mainTelegramToken) tokens.set(options.mainTelegramToken, MAIN_AGENT_NAME);
  parsed.forEach((item, index) => {
    const result = AgentEntrySchema.safeParse(item);
    const shownName = isPlainObject(item) && typeof item.name === 'string' ? ` ("${item.name}")` : '';
    if (!result.success) {
      const problems = describeIssues(AgentEntrySchema, result.error.issues, item, ['telegram_token', 'matrix.password', 'matrix.access_token', 'api.token', 'webhooks.token']);
      const details = problems.map((p) => `"${p.keyPath}" must be ${p.expected}, found ${p.found}`).join('; ');
      warnings.push(`${label}: entry ${index}${shownName} skipped: ${details}`);
      return;
    }
    if (names.has(result.data.name)) {
      warnings.push(`${label}: entry ${index}${shownName} skipped: the name is already used by an earlier entry`);
      return;
    }
    const token = (result.data.transport ?? 'telegram') === 'telegram' ? result.data.telegram_token : null;
    const owner = token ? tokens.get(token) : undefined;
    if (owner !== undefined) {
      warnings.push(`${label}: entry ${index}${shownName} skipped: its telegram_token is already used by agent "${owner}"; every agent needs a bot of its own (a new token from @BotFather)`);
      return;
    }
    names.add(result.data.name);
    if (token) tokens.set(token, result.data.name);
    agents.push(result.data);
  });
  return { agents, warnings };
}

/** Names of the valid sub-agents in `agents.json`, in file order; problems go to `warn`. */
export async function readAgentNames(file: string, warn: (message: string) => void = () => undefined): Promise<string[]> {
  const { agents, warnings } = await loadAgentsFile(file);
  for (const warning of warnings) warn(warning);
  return agents.map((agent) => agent.name);
}
