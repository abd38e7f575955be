/**
 * Payloads of inter-agent delegation, background tasks and the internal API that the agents'
 * tool scripts call (spec/multiagent.md §5-6, spec/sessions-and-tasks.md §4-5). The task registry
 * format lives here too because the scheduler (list route) and every agent worker read it.
 */
import { z } from 'zod';
import { ChatRefSchema } from './conversation-schemas.js';
import { AgentNameSchema } from './targets.js';

// Delegation ---------------------------------------------------------------------------------------

/** Sync waits this long for the recipient's answer (spec: 300 s). */
export const DELEGATE_SYNC_TIMEOUT_MS = 300_000;
/** An async job runs at most this long (spec: 3600 s). */
export const DELEGATE_ASYNC_TIMEOUT_MS = 3_600_000;

export const DelegateParamsSchema = z.object({
  from: AgentNameSchema,
  message: z.string().min(1).max(200_000),
  mode: z.enum(['sync', 'async']),
  /** End the recipient's inter-agent session with this sender first. */
  newSession: z.boolean().default(false),
  /** The sender's chat/topic the request came from; async results go back there. */
  origin: ChatRefSchema.nullable().default(null),
  /** Async only: the agent that gets the result instead of the sender (no notice to the recipient's user). */
  replyTo: AgentNameSchema.nullable().default(null),
  /** Async only: no notice in the recipient's chat. */
  silent: z.boolean().default(false),
  summary: z.string().max(500).nullable().default(null),
});
export type DelegateParams = z.infer<typeof DelegateParamsSchema>;

export const DelegateResultSchema = z.object({
  success: z.boolean(),
  /** Sync: the recipient's answer. Async: empty. */
  text: z.string(),
  error: z.string().nullable(),
  /** The recipient's inter-agent session (the user continues it with `@<name>` in the recipient's chat). */
  sessionName: z.string().nullable(),
  /** Provider switch or stale session on the recipient side, shown with the result. */
  notice: z.string().nullable(),
  /** Async only: the job id (12 hex). */
  taskId: z.string().nullable(),
});
export type DelegateResult = z.infer<typeof DelegateResultSchema>;

/** Recipient → the sender (or `replyTo`) agent: an async job finished. */
export const DelegateDoneParamsSchema = z.object({
  taskId: z.string(),
  recipient: AgentNameSchema,
  sender: AgentNameSchema,
  request: z.string(),
  origin: ChatRefSchema.nullable(),
  success: z.boolean(),
  text: z.string(),
  error: z.string().nullable(),
  sessionName: z.string().nullable(),
  notice: z.string().nullable(),
});
export type DelegateDoneParams = z.infer<typeof DelegateDoneParamsSchema>;

// Background tasks ----------------------------------------------------------------------------------

/** `queued`: a batch task accepted but held back while a background/interactive task of its chat runs. */
export const TASK_STATUSES = ['queued', 'running', 'waiting', 'done', 'failed', 'cancelled', 'interrupted'] as const;
export const TASK_PRIORITIES = ['interactive', 'background', 'batch'] as const;

/** One entry of `tasks.json` (home-layout.md §3); unknown fields written by others are kept. */
export const TaskEntrySchema = z.looseObject({
  task_id: z.string().regex(/^[0-9a-f]{8}$/),
  chat_id: z.number().int(),
  thread_id: z.number().int().nullable().default(null),
  transport: z.enum(['tg', 'mx', 'api', 'cli']).default('tg'),
  parent_agent: AgentNameSchema,
  name: z.string(),
  prompt_preview: z.string(),
  original_prompt: z.string(),
  provider: z.string(),
  model: z.string(),
  status: z.enum(TASK_STATUSES),
  session_id: z.string().default(''),
  created_at: z.number(),
  completed_at: z.number().nullable().default(null),
  elapsed_seconds: z.number().default(0),
  error: z.string().default(''),
  result_preview: z.string().default(''),
  question_count: z.number().int().default(0),
  last_question: z.string().default(''),
  num_turns: z.number().int().default(0),
  thinking: z.string().nullable().default(null),
  reasoning_effort: z.string().nullable().default(null),
  tasks_dir: z.string(),
  priority: z.enum(TASK_PRIORITIES).default('background'),
  /** A question asked during the current run, waiting to be forwarded when the run ends. */
  pending_question: z.string().nullable().default(null),
  /** The interruption after a restart was announced (announced once only). */
  announced: z.boolean().default(false),
});
export type TaskEntry = z.infer<typeof TaskEntrySchema>;

export const TasksFileSchema = z.object({ tasks: z.array(TaskEntrySchema).default([]) });
export type TasksFile = z.infer<typeof TasksFileSchema>;

/** Task routes answer like HTTP: the internal API passes status and body through unchanged. */
export const ApiReplySchema = z.object({
  httpStatus: z.number().int().min(200).max(599),
  body: z.record(z.string(), z.unknown()),
});
export type ApiReply = z.infer<typeof ApiReplySchema>;

export const TaskCreateParamsSchema = z.object({
  from: AgentNameSchema,
  prompt: z.string().min(1).max(200_000),
  name: z.string().max(100).nullable().default(null),
  provider: z.enum(['claude', 'codex', 'gemini']).nullable().default(null),
  model: z.string().max(100).nullable().default(null),
  thinking: z.string().max(20).nullable().default(null),
  /** Unknown values are normalised to `background` by the hub. */
  priority: z.string().max(20).nullable().default(null),
  chat: ChatRefSchema.nullable().default(null),
});
export type TaskCreateParams = z.infer<typeof TaskCreateParamsSchema>;

export const TaskResumeParamsSchema = z.object({ taskId: z.string(), prompt: z.string().min(1).max(200_000), from: AgentNameSchema.nullable().default(null) });
export const TaskAskParentParamsSchema = z.object({ taskId: z.string(), question: z.string().min(1).max(20_000) });
export const TaskIdParamsSchema = z.object({ taskId: z.string(), from: AgentNameSchema.nullable().default(null) });
