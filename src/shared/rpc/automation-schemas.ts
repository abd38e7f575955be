/**
 * Payloads of the automation path (spec/automation.md): the scheduler decides when, the owning
 * agent worker runs the CLI. Cron jobs and webhook `cron_task` runs share one one-shot shape.
 */
import { z } from 'zod';
import { ChatRefSchema } from './conversation-schemas.js';
import { AgentNameSchema } from './targets.js';

/** Per-task execution overrides (config.md §7); null = use the agent's global value. */
export const TaskOverridesSchema = z.object({
  provider: z.enum(['claude', 'codex', 'gemini']).nullable().default(null),
  model: z.string().max(200).nullable().default(null),
  reasoningEffort: z.string().max(40).nullable().default(null),
  cliParameters: z.array(z.string().max(4096)).max(200).default([]),
});
export type TaskOverrides = z.infer<typeof TaskOverridesSchema>;

/** A one-shot run in `workspace/cron_tasks/<taskFolder>/` (a cron job, or a webhook `cron_task`). */
export const CronRunParamsSchema = z.object({
  /** What started the run: the job id, or the hook id for a webhook. */
  origin: z.object({ kind: z.enum(['cron', 'webhook']), id: z.string().min(1).max(200) }),
  /** Shown as the header of the delivered result. */
  title: z.string().max(500),
  /** Folder name under `workspace/cron_tasks/`; never a path. */
  taskFolder: z.string().min(1).max(200),
  /** The prompt base: the job's `agent_instruction`, or the hook's wrapped payload prompt. */
  instruction: z.string().min(1).max(200_000),
  overrides: TaskOverridesSchema.prefault({}),
  /** Where the result goes; null = every allowed user's private chat. */
  chat: ChatRefSchema.nullable(),
  /** Deliver only failures. */
  silentOnSuccess: z.boolean().default(false),
});
export type CronRunParams = z.infer<typeof CronRunParamsSchema>;

export const CronRunResultSchema = z.object({
  /** `success`, `error:<reason>` (automation.md §1 steps 4-8). */
  status: z.string(),
  /** One line for humans when the run failed; null on success. */
  error: z.string().nullable(),
  durationMs: z.number().nonnegative(),
  /** The user-facing result (truncated), null when there was none. */
  resultText: z.string().nullable(),
  /** `ok` delivered, `failed` could not deliver, `skipped` nothing to deliver (silent, folder missing). */
  delivery: z.enum(['ok', 'failed', 'skipped']),
  deliveryError: z.string().nullable(),
});
export type CronRunResult = z.infer<typeof CronRunResultSchema>;

/** A webhook `wake`: the wrapped prompt runs as one turn in each allowed user's live chat session. */
export const WakeHookParamsSchema = z.object({
  hookId: z.string().min(1).max(200),
  prompt: z.string().min(1).max(200_000),
});
export const WakeHookResultSchema = z.object({
  /** `success` if any chat got a non-empty reply, else `error:no_response` / `error:no_wake_handler`. */
  status: z.string(),
  chats: z.number().int().nonnegative(),
});

/** One heartbeat poll of one chat (automation.md §3). */
export const HeartbeatTickParamsSchema = z.object({
  chat: ChatRefSchema,
  prompt: z.string().min(1).max(100_000),
  ackToken: z.string().min(1).max(200),
  cooldownMinutes: z.number().nonnegative(),
});
export const HeartbeatTickResultSchema = z.object({
  outcome: z.enum(['delivered', 'acked', 'skipped', 'failed']),
  /** Why it was skipped or failed (`cli_active`, `no_session`, `cooldown`, `provider_mismatch`, …). */
  reason: z.string().nullable(),
});
export type HeartbeatTickResult = z.infer<typeof HeartbeatTickResultSchema>;

/** Run a scheduled job now through the scheduler's pipeline (quiet hours, locks, recording). */
export const RunCronNowParamsSchema = z.object({
  agent: AgentNameSchema,
  jobId: z.string().min(1).max(200),
});
export const RunCronNowResultSchema = z.object({
  ran: z.boolean(),
  /** When it ran: its status; when not: why (`unknown_job`, `disabled`, `quiet_hours`, `already_running`, `stopped`). */
  status: z.string(),
});

/** Ask the scheduler to re-read an agent's registries now instead of at the next mtime poll. */
export const ReloadAutomationParamsSchema = z.object({ agent: AgentNameSchema });
export const ReloadAutomationResultSchema = z.object({ jobs: z.number().int(), hooks: z.number().int() });
