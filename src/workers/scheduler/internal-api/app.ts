/**
 * The routes of the internal API (server.ts listens): an express app, every route behind the
 * per-home bearer secret. Routes keep the original payloads; the work is asked of the agent
 * workers over the bus (inter-agent routes go to the recipient, task routes to the task's parent
 * agent). Bodies and headers are never logged. Loaded on the first request only: express and its
 * body parsers took about a tenth of the scheduler's start.
 */
import { timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import * as z from 'zod/mini';
import '../../../shared/zod-english.js';
import type { ChatRef } from '../../../shared/rpc/conversation-schemas.js';
import { DELEGATE_SYNC_TIMEOUT_MS, type ApiReply, type DelegateParams, type DelegateResult, type TaskCreateParams, type TaskEntry } from '../../../shared/rpc/delegation-schemas.js';
import { AGENT_NAME_PATTERN } from '../../../shared/rpc/targets.js';

const MAX_BODY = '2mb';
const NAME = z.string().check(z.regex(AGENT_NAME_PATTERN));
const ChatId = z.nullish(z.union([z.int(), z.pipe(z.string().check(z.regex(/^-?\d+$/)), z.transform(Number))]));

const SendBody = z.object({
  from: z._default(NAME, 'main'),
  to: NAME,
  message: z.string().check(z.minLength(1)),
  new_session: z.optional(z.boolean()),
  chat_id: ChatId,
  topic_id: ChatId,
  transport: z.optional(z.enum(['tg', 'mx', 'api', 'cli'])),
  summary: z.nullish(z.string().check(z.maxLength(500))),
  reply_to: z.nullish(NAME),
  silent: z.optional(z.boolean()),
});

const CreateBody = z.object({
  from: z._default(NAME, 'main'),
  prompt: z.string().check(z.minLength(1)),
  name: z.nullish(z.string().check(z.maxLength(100))),
  provider: z.nullish(z.enum(['claude', 'codex', 'gemini'])),
  model: z.nullish(z.string().check(z.maxLength(100))),
  thinking: z.nullish(z.string().check(z.maxLength(20))),
  priority: z.nullish(z.string().check(z.maxLength(20))),
  chat_id: ChatId,
  topic_id: ChatId,
  transport: z.optional(z.enum(['tg', 'mx', 'api', 'cli'])),
});
const ResumeBody = z.object({ task_id: z.string().check(z.minLength(1)), prompt: z.string().check(z.minLength(1)), from: z.nullish(NAME) });
const AskBody = z.object({ task_id: z.string().check(z.minLength(1)), question: z.string().check(z.minLength(1)) });
const TaskIdBody = z.object({ task_id: z.string().check(z.minLength(1)), from: z.nullish(NAME) });

export type InternalApiDeps = {
  port: number;
  /** 127.0.0.1 unless Docker mode needs the container to reach it. */
  host: string;
  secret: () => string;
  agents: () => string[];
  health: () => Promise<Record<string, { status: string; uptime: number | null; restart_count: number; last_crash_error: string | null }>>;
  delegate: (to: string, params: DelegateParams, timeoutMs: number) => Promise<DelegateResult>;
  task: {
    create: (agent: string, params: TaskCreateParams) => Promise<ApiReply>;
    call: (agent: string, method: 'taskResume' | 'taskAskParent' | 'taskCancel' | 'taskDelete', params: Record<string, unknown>) => Promise<ApiReply>;
    /** The registry as it is on disk (for routing by task id and for the list route). */
    list: () => Promise<TaskEntry[]>;
  };
  log: Logger;
};

/** The express app answering every internal API route. */
export function internalApiApp(deps: InternalApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(authorize(deps.secret));
  app.use(express.json({ limit: MAX_BODY }));
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (error) {
      res.status(400).json({ success: false, error: 'Invalid JSON body' });
      return;
    }
    next();
  });

  const parse = <S extends z.ZodMiniType>(schema: S, req: Request, res: Response): z.output<S> | null => {
    const parsed = schema.safeParse(req.body ?? {});
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    res.status(400).json({ success: false, error: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` });
    return null;
  };
  const unknownAgent = (name: string) => `Agent '${name}' not found. Available: ${deps.agents().join(', ')}`;
  const origin = (body: { chat_id?: number | null; topic_id?: number | null; transport?: ChatRef['transport'] }): ChatRef | null =>
    typeof body.chat_id === 'number' ? { transport: body.transport ?? 'tg', chatId: body.chat_id, topicId: body.topic_id ?? null } : null;
  const wrap = (handler: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response) => {
    handler(req, res).catch((error: unknown) => {
      deps.log.warn({ err: error, route: req.path }, 'internal API call failed');
      if (!res.headersSent) res.status(502).json({ success: false, error: error instanceof Error ? error.message : String(error) });
    });
  };

  app.get('/interagent/agents', (_req, res) => {
    res.json({ agents: deps.agents() });
  });
  app.get('/interagent/health', wrap(async (_req, res) => {
    res.json({ agents: await deps.health() });
  }));
  app.post('/interagent/send', wrap(async (req, res) => {
    const body = parse(SendBody, req, res);
    if (!body) return;
    if (!deps.agents().includes(body.to)) {
      res.json({ sender: body.to, text: '', success: false, error: unknownAgent(body.to) });
      return;
    }
    const result = await deps.delegate(body.to, { from: body.from, message: body.message, mode: 'sync', newSession: body.new_session ?? false, origin: origin(body), replyTo: null, silent: false, summary: null }, DELEGATE_SYNC_TIMEOUT_MS + 10_000);
    res.json({ sender: body.to, text: result.text, success: result.success, error: result.error, session: result.sessionName, notice: result.notice });
  }));
  app.post('/interagent/send_async', wrap(async (req, res) => {
    const body = parse(SendBody, req, res);
    if (!body) return;
    if (!deps.agents().includes(body.to)) {
      res.json({ success: false, error: unknownAgent(body.to) });
      return;
    }
    if (body.reply_to && !deps.agents().includes(body.reply_to)) {
      res.json({ success: false, error: unknownAgent(body.reply_to) });
      return;
    }
    const result = await deps.delegate(
      body.to,
      { from: body.from, message: body.message, mode: 'async', newSession: body.new_session ?? false, origin: origin(body), replyTo: body.reply_to ?? null, silent: body.silent ?? false, summary: body.summary ?? null },
      30_000,
    );
    res.json(result.success ? { success: true, task_id: result.taskId } : { success: false, error: result.error });
  }));

  app.post('/tasks/create', wrap(async (req, res) => {
    const body = parse(CreateBody, req, res);
    if (!body) return;
    if (!deps.agents().includes(body.from)) {
      res.status(404).json({ success: false, error: unknownAgent(body.from) });
      return;
    }
    const answer = await deps.task.create(body.from, {
      from: body.from, prompt: body.prompt, name: body.name ?? null, provider: body.provider ?? null, model: body.model ?? null,
      thinking: body.thinking ?? null, priority: body.priority ?? null, chat: origin(body),
    });
    res.status(answer.httpStatus).json(answer.body);
  }));
  // Routes by task id: the owner is read from the registry, the owner's worker decides.
  const byTask = (method: 'taskResume' | 'taskAskParent' | 'taskCancel' | 'taskDelete', schema: z.ZodMiniType<{ task_id: string } & Record<string, unknown>>) =>
    wrap(async (req, res) => {
      const body = parse(schema, req, res);
      if (!body) return;
      const task = (await deps.task.list()).find((t) => t.task_id === body.task_id);
      if (!task) {
        res.status(404).json({ success: false, error: `Task ${body.task_id} not found` });
        return;
      }
      const from = typeof body.from === 'string' ? body.from : null;
      if (from && from !== task.parent_agent && method !== 'taskAskParent') {
        res.status(403).json({ success: false, error: `Task ${body.task_id} belongs to agent ${task.parent_agent}` });
        return;
      }
      const params: Record<string, unknown> = { taskId: body.task_id };
      if (method === 'taskResume') Object.assign(params, { prompt: body.prompt, from });
      else if (method === 'taskAskParent') Object.assign(params, { question: body.question });
      else Object.assign(params, { from });
      const answer = await deps.task.call(task.parent_agent, method, params);
      res.status(answer.httpStatus).json(answer.body);
    });
  app.post('/tasks/resume', byTask('taskResume', ResumeBody));
  app.post('/tasks/ask_parent', byTask('taskAskParent', AskBody));
  app.post('/tasks/cancel', byTask('taskCancel', TaskIdBody));
  app.post('/tasks/delete', byTask('taskDelete', TaskIdBody));
  app.get('/tasks/list', wrap(async (req, res) => {
    const from = typeof req.query.from === 'string' && req.query.from !== '' ? req.query.from : null;
    const tasks = (await deps.task.list()).filter((t) => !from || t.parent_agent === from);
    res.json({ tasks });
  }));
  app.use((_req, res) => {
    res.status(404).json({ success: false, error: 'Unknown route' });
  });
  return app;
}

/** Bearer secret on every route, compared in constant time; 401 without revealing why. */
function authorize(secret: () => string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7).trim() : '');
    const expected = Buffer.from(secret());
    if (given.length === 0 || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.status(401).json({ success: false, error: 'Unauthorized' });
      return;
    }
    next();
  };
}
