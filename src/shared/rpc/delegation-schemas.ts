/**
 * Payloads of inter-agent delegation, background tasks and the internal API that the agents'
 * tool scripts call. The task registry
 * format lives here too because the scheduler (list route) and every agent worker read it.
 */
import * as z from 'zod/mini';
import '../zod-english.js';
import { lazySchema } from '../lazy-schema.js';
import { ChatRefSchema } from './conversation-schemas.js';
import { AgentNameSchema } from './targets.js';

// Delegation ---------------------------------------------------------------------------------------

/** Sync waits this long for the recipient's answer (spec: 300 s). */
export const DELEGATE_SYNC_TIMEOUT_MS = 300_000;
/** An async job runs at most this long (spec: 3600 s). */
export const DELEGATE_ASYNC_TIMEOUT_MS = 3_600_000;

export const DelegateParamsSchema = lazySchema(() => z.object({
  from: AgentNameSchema,
  message: z.string().check(z.minLength(1), z.maxLength(200_000)),
  mode: z.enum(['sync', 'async']),
  /** End the recipient's inter-agent session with this sender first. */
  newSession: z._default(z.boolean(), false),
  /** The sender's chat/topic the request came from; async results go back there. */
  origin: z._default(z.nullable(ChatRefSchema), null),
  /** Async only: the agent that gets the result instead of the sender (no notice to the recipient's user). */
  replyTo: z._default(z.nullable(AgentNameSchema), null),
  /** Async only: no notice in the recipient's chat. */
  silent: z._default(z.boolean(), false),
  summary: z._default(z.nullable(z.string().check(z.maxLength(500))), null),
}));
export type DelegateParams = z.infer<typeof DelegateParamsSchema>;

export const DelegateResultSchema = lazySchema(() => z.object({
  success: z.boolean(),
  /** Sync: the recipient's answer. Async: empty. */
  text: z.string(),
  error: z.nullable(z.string()),
  /** The recipient's inter-agent session (the user continues it with `@<name>` in the recipient's chat). */
  sessionName: z.nullable(z.string()),
  /** Provider switch or stale session on the recipient side, shown with the result. */
  notice: z.nullable(z.string()),
  /** Async only: the job id (12 hex). */
  taskId: z.nullable(z.string()),
}));
export type DelegateResult = z.infer<typeof DelegateResultSchema>;

/** Recipient → the sender (or `replyTo`) agent: an async job finished. */
export const DelegateDoneParamsSchema = lazySchema(() => z.object({
  taskId: z.string(),
  recipient: AgentNameSchema,
  sender: AgentNameSchema,
  request: z.string(),
  origin: z.nullable(ChatRefSchema),
  success: z.boolean(),
  text: z.string(),
  error: z.nullable(z.string()),
  sessionName: z.nullable(z.string()),
  notice: z.nullable(z.string()),
}));
export type DelegateDoneParams = z.infer<typeof DelegateDoneParamsSchema>;

// Background tasks ----------------------------------------------------------------------------------

/** `queued`: a batch task accepted but held back while a background/interactive task of its chat runs. */
export const TASK_STATUSES = ['queued', 'running', 'waiting', 'done', 'failed', 'cancelled', 'interrupted'] as const;
export const TASK_PRIORITIES = ['interactive', 'background', 'batch'] as const;

/** One entry of `tasks.json`; unknown fields written by others are kept. */
export const TaskEntrySchema = lazySchema(() => z.looseObject({
  task_id: z.string().check(z.regex(/^[0-9a-f]{8}$/)),
  chat_id: z.int(),
  thread_id: z._default(z.nullable(z.int()), null),
  transport: z._default(z.enum(['tg', 'mx', 'api', 'cli']), 'tg'),
  parent_agent: AgentNameSchema,
  name: z.string(),
  prompt_preview: z.string(),
  original_prompt: z.string(),
  provider: z.string(),
  model: z.string(),
  status: z.enum(TASK_STATUSES),
  session_id: z._default(z.string(), ''),
  created_at: z.number(),
  completed_at: z._default(z.nullable(z.number()), null),
  elapsed_seconds: z._default(z.number(), 0),
  error: z._default(z.string(), ''),
  result_preview: z._default(z.string(), ''),
  question_count: z._default(z.int(), 0),
  last_question: z._default(z.string(), ''),
  num_turns: z._default(z.int(), 0),
  thinking: z._default(z.nullable(z.string()), null),
  reasoning_effort: z._default(z.nullable(z.string()), null),
  tasks_dir: z.string(),
  priority: z._default(z.enum(TASK_PRIORITIES), 'background'),
  /** A question asked during the current run, waiting to be forwarded when the run ends. */
  pending_question: z._default(z.nullable(z.string()), null),
  /** The interruption after a restart was announced (announced once only). */
  announced: z._default(z.boolean(), false),
}));
export type TaskEntry = z.infer<typeof TaskEntrySchema>;

export const TasksFileSchema = lazySchema(() => z.object({ tasks: z._default(z.array(TaskEntrySchema), []) }));
export type TasksFile = z.infer<typeof TasksFileSchema>;

/** Task routes answer like HTTP: the internal API passes status and body through unchanged. */
export const ApiReplySchema = lazySchema(() => z.object({
  httpStatus: z.int().check(z.gte(200), z.lte(599)),
  body: z.record(z.string(), z.unknown()),
}));
export type ApiReply = z.infer<typeof ApiReplySchema>;

export const TaskCreateParamsSchema = lazySchema(() => z.object({
  from: AgentNameSchema,
  prompt: z.string().check(z.minLength(1), z.maxLength(200_000)),
  name: z._default(z.nullable(z.string().check(z.maxLength(100))), null),
  provider: z._default(z.nullable(z.enum(['claude', 'codex', 'gemini'])), null),
  model: z._default(z.nullable(z.string().check(z.maxLength(100))), null),
  thinking: z._default(z.nullable(z.string().check(z.maxLength(20))), null),
  /** Unknown values are normalised to `background` by the hub. */
  priority: z._default(z.nullable(z.string().check(z.maxLength(20))), null),
  chat: z._default(z.nullable(ChatRefSchema), null),
}));
export type TaskCreateParams = z.infer<typeof TaskCreateParamsSchema>;

export const TaskResumeParamsSchema = lazySchema(() => z.object({
  taskId: z.string(),
  prompt: z.string().check(z.minLength(1), z.maxLength(200_000)),
  from: z._default(z.nullable(AgentNameSchema), null),
}));
export const TaskAskParentParamsSchema = lazySchema(() => z.object({ taskId: z.string(), question: z.string().check(z.minLength(1), z.maxLength(20_000)) }));
export const TaskIdParamsSchema = lazySchema(() => z.object({ taskId: z.string(), from: z._default(z.nullable(AgentNameSchema), null) }));
