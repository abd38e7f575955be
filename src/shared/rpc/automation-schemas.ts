/**
 * Payloads of the automation path: the scheduler decides when, the owning
 * agent worker runs the CLI. Cron jobs and webhook `cron_task` runs share one one-shot shape.
 */
import * as z from 'zod/mini';
import '../zod-english.js';
import { lazySchema } from '../lazy-schema.js';
import { ChatRefSchema } from './conversation-schemas.js';
import { AgentNameSchema } from './targets.js';

/** Per-task execution overrides; null = use the agent's global value. */
export const TaskOverridesSchema = lazySchema(() => z.object({
  provider: z._default(z.nullable(z.enum(['claude', 'codex', 'gemini'])), null),
  model: z._default(z.nullable(z.string().check(z.maxLength(200))), null),
  reasoningEffort: z._default(z.nullable(z.string().check(z.maxLength(40))), null),
  cliParameters: z._default(z.array(z.string().check(z.maxLength(4096))).check(z.maxLength(200)), []),
}));
export type TaskOverrides = z.infer<typeof TaskOverridesSchema>;

/** A one-shot run in `workspace/cron_tasks/<taskFolder>/` (a cron job, or a webhook `cron_task`). */
export const CronRunParamsSchema = lazySchema(() => z.object({
  /** What started the run: the job id, or the hook id for a webhook. */
  origin: z.object({ kind: z.enum(['cron', 'webhook']), id: z.string().check(z.minLength(1), z.maxLength(200)) }),
  /** Shown as the header of the delivered result. */
  title: z.string().check(z.maxLength(500)),
  /** Folder name under `workspace/cron_tasks/`; never a path. */
  taskFolder: z.string().check(z.minLength(1), z.maxLength(200)),
  /** The prompt base: the job's `agent_instruction`, or the hook's wrapped payload prompt. */
  instruction: z.string().check(z.minLength(1), z.maxLength(200_000)),
  overrides: z.prefault(TaskOverridesSchema, {}),
  /** Where the result goes; null = every allowed user's private chat. */
  chat: z.nullable(ChatRefSchema),
  /** Deliver only failures. */
  silentOnSuccess: z._default(z.boolean(), false),
}));
export type CronRunParams = z.infer<typeof CronRunParamsSchema>;

export const CronRunResultSchema = lazySchema(() => z.object({
  /** `success`, `error:<reason>`. */
  status: z.string(),
  /** One line for humans when the run failed; null on success. */
  error: z.nullable(z.string()),
  durationMs: z.number().check(z.nonnegative()),
  /** The user-facing result (truncated), null when there was none. */
  resultText: z.nullable(z.string()),
  /** `ok` delivered, `failed` could not deliver, `skipped` nothing to deliver (silent, folder missing). */
  delivery: z.enum(['ok', 'failed', 'skipped']),
  deliveryError: z.nullable(z.string()),
}));
export type CronRunResult = z.infer<typeof CronRunResultSchema>;

/** A webhook `wake`: the wrapped prompt runs as one turn in each allowed user's live chat session. */
export const WakeHookParamsSchema = lazySchema(() => z.object({
  hookId: z.string().check(z.minLength(1), z.maxLength(200)),
  prompt: z.string().check(z.minLength(1), z.maxLength(200_000)),
}));
export const WakeHookResultSchema = lazySchema(() => z.object({
  /** `success` if any chat got a non-empty reply, else `error:no_response` / `error:no_wake_handler`. */
  status: z.string(),
  chats: z.int().check(z.nonnegative()),
}));

/** One heartbeat poll of one chat. */
export const HeartbeatTickParamsSchema = lazySchema(() => z.object({
  chat: ChatRefSchema,
  prompt: z.string().check(z.minLength(1), z.maxLength(100_000)),
  ackToken: z.string().check(z.minLength(1), z.maxLength(200)),
  cooldownMinutes: z.number().check(z.nonnegative()),
}));
export const HeartbeatTickResultSchema = lazySchema(() => z.object({
  outcome: z.enum(['delivered', 'acked', 'skipped', 'failed']),
  /** Why it was skipped or failed (`cli_active`, `no_session`, `cooldown`, `provider_mismatch`, …). */
  reason: z.nullable(z.string()),
}));
export type HeartbeatTickResult = z.infer<typeof HeartbeatTickResultSchema>;

/** Run a scheduled job now through the scheduler's pipeline (quiet hours, locks, recording). */
export const RunCronNowParamsSchema = lazySchema(() => z.object({
  agent: AgentNameSchema,
  jobId: z.string().check(z.minLength(1), z.maxLength(200)),
}));
export const RunCronNowResultSchema = lazySchema(() => z.object({
  ran: z.boolean(),
  /** When it ran: its status; when not: why (`unknown_job`, `disabled`, `quiet_hours`, `already_running`, `stopped`). */
  status: z.string(),
}));

/** Ask the scheduler to re-read an agent's registries now instead of at the next mtime poll. */
export const ReloadAutomationParamsSchema = lazySchema(() => z.object({ agent: AgentNameSchema }));
export const ReloadAutomationResultSchema = lazySchema(() => z.object({ jobs: z.int(), hooks: z.int() }));
