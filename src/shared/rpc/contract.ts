/**
 * Every RPC method of the process bus, declared once: who serves it, its params schema and its
 * result schema (or `notify: true` for fire-and-forget notifications). Both ends import this.
 * Later features add their methods here; nothing else speaks on the wire.
 */
import * as z from 'zod/mini';
import '../zod-english.js';
import { lazySchema } from '../lazy-schema.js';
import {
  ButtonSchema,
  DeliveryResultSchema,
  DeliverySchema,
  InboundAckSchema,
  InboundSchema,
  QueueUpdateSchema,
  TurnStreamSchema,
  ChatRefSchema,
} from './conversation-schemas.js';
import { ConsoleOutputSchema } from './console-schemas.js';
// Automation (cron, webhooks, heartbeat) ---------------------------------------------------------
import {
  CronRunParamsSchema,
  CronRunResultSchema,
  HeartbeatTickParamsSchema,
  HeartbeatTickResultSchema,
  ReloadAutomationParamsSchema,
  ReloadAutomationResultSchema,
  RunCronNowParamsSchema,
  RunCronNowResultSchema,
  WakeHookParamsSchema,
  WakeHookResultSchema,
} from './automation-schemas.js';
// Delegation, background tasks, internal API -------------------------------------------
import {
  ApiReplySchema,
  DelegateDoneParamsSchema,
  DelegateParamsSchema,
  DelegateResultSchema,
  TaskAskParentParamsSchema,
  TaskCreateParamsSchema,
  TaskIdParamsSchema,
  TaskResumeParamsSchema,
} from './delegation-schemas.js';
import { AgentNameSchema, TargetSchema } from './targets.js';

export type MethodSpec = {
  /** Which kind of process registers the handler. `worker` = every worker; `any` = every process. */
  servedBy: 'supervisor' | 'transport' | 'scheduler' | 'agent' | 'worker' | 'any' | 'console';
  params: z.ZodMiniType;
  result?: z.ZodMiniType;
  notify?: boolean;
};

const Empty = z.strictObject({});
const Ok = z.object({ ok: z.literal(true) });

export const WorkerStateSchema = lazySchema(() => z.enum(['starting', 'ready', 'stopping', 'stopped', 'crashed', 'backoff']));

export const WorkerStatusSchema = lazySchema(() => z.object({
  id: TargetSchema,
  role: z.enum(['transport', 'scheduler', 'agent']),
  agent: z.nullable(z.string()),
  pid: z.nullable(z.int()),
  state: WorkerStateSchema,
  uptimeMs: z.nullable(z.number()),
  restarts: z.int(),
  lastExit: z.nullable(z.object({ code: z.nullable(z.number()), signal: z.nullable(z.string()), at: z.string() })),
}));
export type WorkerStatus = z.infer<typeof WorkerStatusSchema>;

export const SupervisorStatusSchema = lazySchema(() => z.object({
  pid: z.int(),
  home: z.string(),
  version: z.string(),
  startedAt: z.string(),
  uptimeMs: z.number(),
  workers: z.array(WorkerStatusSchema),
}));
export type SupervisorStatus = z.infer<typeof SupervisorStatusSchema>;

export const PingResultSchema = lazySchema(() => z.object({
  pid: z.int(),
  uptimeMs: z.number(),
  rssBytes: z.number(),
}));

export const contract = {
  // Lifecycle --------------------------------------------------------------------------------
  /** A worker announces it finished starting. Readiness is a protocol message, never log text. */
  ready: {
    servedBy: 'supervisor',
    params: lazySchema(() => z.object({ id: TargetSchema, pid: z.int() })),
    notify: true,
  },
  /**
   * The supervisor adopts a worker it forked in standby, before the config was read: the
   * environment values that depend on the config apply, then the worker starts. It arrives before
   * the worker has an RPC peer, so the worker reads this one message itself (worker/standby.ts).
   */
  begin: {
    servedBy: 'worker',
    params: lazySchema(() => z.object({ env: z.record(z.string(), z.string()) })),
    notify: true,
  },
  /** Liveness and a few figures of the serving process. */
  ping: { servedBy: 'any', params: Empty, result: PingResultSchema },
  /** Ordered stop: stop intake, abort turns, flush logs, then exit 0 after replying. */
  shutdown: { servedBy: 'worker', params: lazySchema(() => z.object({ reason: z.string() })), result: Ok },
  /** The supervisor validated a new config.json; `hot` keys apply now, `restart` keys need a restart. */
  configChanged: {
    servedBy: 'worker',
    params: lazySchema(() => z.object({ hot: z.array(z.string()), restart: z.array(z.string()) })),
    notify: true,
  },

  // Supervisor services -----------------------------------------------------------------------
  status: { servedBy: 'supervisor', params: Empty, result: SupervisorStatusSchema },
  /** Stop every worker and start them again from the code on disk (the exit-42 path). */
  restartAll: { servedBy: 'supervisor', params: lazySchema(() => z.object({ reason: z.string() })), result: Ok },
  /** Stop everything and release the lock. */
  stop: { servedBy: 'supervisor', params: lazySchema(() => z.object({ reason: z.string() })), result: Ok },
  // Process restart -----------------------------------------------------------------
  /**
   * Replace the whole supervisor process, not just its workers (after an upgrade installed new
   * code): stop everything, then exit 42 under a service manager or re-execute in place.
   */
  restartProcess: { servedBy: 'supervisor', params: lazySchema(() => z.object({ reason: z.string() })), result: Ok },

  /** Start, stop or restart one sub-agent's worker (`/agent_start|stop|restart`). */
  agentControl: {
    servedBy: 'supervisor',
    params: lazySchema(() => z.object({ name: AgentNameSchema, action: z.enum(['start', 'stop', 'restart']) })),
    result: lazySchema(() => z.object({ worker: z.nullable(WorkerStatusSchema) })),
  },

  // Transport services -------------------------------------------------------------------------
  /** Tell the user of `agent` (its primary chat) something operational, e.g. a crash loop. */
  notifyUser: {
    servedBy: 'transport',
    params: lazySchema(() => z.object({
      agent: z.string(),
      text: z.string().check(z.maxLength(4096)),
      /** Buttons under the notice (Telegram); other transports show the text only. */
      buttons: z.optional(z.array(z.array(ButtonSchema)).check(z.maxLength(8))),
    })),
    result: lazySchema(() => z.object({ delivered: z.int() })),
  },

  // Conversation: transport → agent --------------------------------------------------------------
  /** A user message or button press for this agent; acknowledged once journaled. */
  inbound: { servedBy: 'agent', params: InboundSchema, result: InboundAckSchema },
  /** The user cancelled one queued message (its "Cancel message" button). */
  cancelQueued: {
    servedBy: 'agent',
    params: lazySchema(() => z.object({ inboundId: z.string(), chat: ChatRefSchema })),
    result: lazySchema(() => z.object({ cancelled: z.boolean() })),
  },

  /** Abort every running turn of this agent and drop its queues (`/stop_all` from the main agent). */
  stopTurns: { servedBy: 'agent', params: lazySchema(() => z.object({ reason: z.string() })), result: lazySchema(() => z.object({ aborted: z.int() })) },

  // Conversation: agent → transport --------------------------------------------------------------
  /** Live progress of a running turn (notification: a lost one is repaired by the next). */
  turnStream: { servedBy: 'transport', params: lazySchema(() => z.extend(z.object({ agent: z.string() }), TurnStreamSchema.shape)), notify: true },
  /** A final message; resolves once Telegram confirmed every part. */
  deliver: { servedBy: 'transport', params: lazySchema(() => z.extend(z.object({ agent: z.string() }), DeliverySchema.shape)), result: DeliveryResultSchema },
  /** Queued messages started, were cancelled, or were discarded by /stop: update their indicators. */
  queueUpdate: { servedBy: 'transport', params: lazySchema(() => z.extend(z.object({ agent: z.string() }), QueueUpdateSchema.shape)), notify: true },

  // Local console channel (`ductor chat`) ---------------------------------------------------------
  /** A terminal attaches to the control socket; the supervisor gives it an id to route output to. */
  consoleAttach: {
    servedBy: 'supervisor',
    params: lazySchema(() => z.object({ agent: AgentNameSchema })),
    result: lazySchema(() => z.object({ consoleId: z.int().check(z.positive()) })),
  },
  /** A line typed in the terminal, for the transport to hand to the agent like a chat message. */
  consoleSend: {
    servedBy: 'transport',
    params: lazySchema(() => z.object({
      consoleId: z.int().check(z.positive()),
      agent: AgentNameSchema,
      text: z.string().check(z.minLength(1), z.maxLength(100_000)),
    })),
    result: lazySchema(() => z.object({ accepted: z.boolean(), queuedBehind: z.int() })),
  },
  /** Output for a terminal (transport → supervisor → the terminal's connection). */
  consoleOutput: { servedBy: 'console', params: ConsoleOutputSchema, notify: true },

  // Automation: scheduler ↔ agent --------------------------------------------
  /** A one-shot CLI run in `cron_tasks/<folder>/` (cron job or webhook `cron_task`); the result goes to its chat. */
  runCron: { servedBy: 'agent', params: CronRunParamsSchema, result: CronRunResultSchema },
  /** A webhook `wake`: the prompt runs as a turn in each allowed user's live session. */
  wakeHook: { servedBy: 'agent', params: WakeHookParamsSchema, result: WakeHookResultSchema },
  /** One heartbeat poll of a chat's active session; the ack token means nothing is delivered. */
  heartbeatTick: { servedBy: 'agent', params: HeartbeatTickParamsSchema, result: HeartbeatTickResultSchema },
  /** Runs a scheduled job now through the scheduler's own pipeline (`/cron`, tests). */
  runCronNow: { servedBy: 'scheduler', params: RunCronNowParamsSchema, result: RunCronNowResultSchema },
  /** Re-read an agent's cron_jobs.json / webhooks.json now (after a tool or `/cron` changed them). */
  reloadAutomation: { servedBy: 'scheduler', params: ReloadAutomationParamsSchema, result: ReloadAutomationResultSchema },

  // Delegation, background tasks ----------
  /** Ask this agent: sync = run one turn in its inter-agent session and answer; async = accept with a job id. */
  delegate: { servedBy: 'agent', params: DelegateParamsSchema, result: DelegateResultSchema },
  /** An async delegation finished: the sender (or `replyTo`) agent injects the result into its chat. */
  delegateDone: { servedBy: 'agent', params: DelegateDoneParamsSchema, result: lazySchema(() => z.object({ delivered: z.boolean() })) },
  /** Task routes of the internal API, served by the parent agent's worker (HTTP status + body). */
  taskCreate: { servedBy: 'agent', params: TaskCreateParamsSchema, result: ApiReplySchema },
  taskResume: { servedBy: 'agent', params: TaskResumeParamsSchema, result: ApiReplySchema },
  taskAskParent: { servedBy: 'agent', params: TaskAskParentParamsSchema, result: ApiReplySchema },
  taskCancel: { servedBy: 'agent', params: TaskIdParamsSchema, result: ApiReplySchema },
  taskDelete: { servedBy: 'agent', params: TaskIdParamsSchema, result: ApiReplySchema },

  // Diagnostics -------------------------------------------------------------------------------
  /** Returns its payload; used to measure IPC latency. */
  echo: { servedBy: 'any', params: lazySchema(() => z.object({ data: z.string() })), result: lazySchema(() => z.object({ data: z.string() })) },
  /** The serving worker calls `echo` on `target` `count` times and reports each round trip in µs. */
  rpcProbe: {
    servedBy: 'worker',
    params: lazySchema(() => z.object({
      target: TargetSchema,
      count: z.int().check(z.gte(1), z.lte(100_000)),
      payloadBytes: z.int().check(z.gte(0), z.lte(1_048_576)),
    })),
    result: lazySchema(() => z.object({ latenciesUs: z.array(z.number()) })),
  },
} as const satisfies Record<string, MethodSpec>;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type ParamsOf<M extends MethodName> = z.input<Contract[M]['params']>;
export type ParsedParamsOf<M extends MethodName> = z.output<Contract[M]['params']>;
export type ResultOf<M extends MethodName> = Contract[M] extends { result: z.ZodMiniType }
  ? z.output<Contract[M]['result']>
  : void;
export type RequestMethod = { [M in MethodName]: Contract[M] extends { notify: true } ? never : M }[MethodName];
export type NotifyMethod = { [M in MethodName]: Contract[M] extends { notify: true } ? M : never }[MethodName];

/** A handler for method M: gets validated params, returns the result (validated before sending). */
export type Handler<M extends MethodName> = (params: ParsedParamsOf<M>) => ResultOf<M> | Promise<ResultOf<M>>;
export type Handlers = { [M in MethodName]?: Handler<M> };

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}
