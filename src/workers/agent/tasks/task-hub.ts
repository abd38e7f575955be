/**
 * Background tasks of this agent. The registry `tasks.json` lives
 * in the main home and is shared by every agent worker (cross-process lock); each worker changes
 * only the entries whose `parent_agent` it is. A task runs its own CLI session in the agent's
 * workspace, outside the chat's lane, and its result comes back into the chat as an injected turn.
 *
 * Priorities: `interactive` bypasses the per-chat cap; `background` (default) counts against it and
 * starts at once; `batch` counts against it too but is held `queued` while any background or
 * interactive task of the same chat runs, so bulk work never competes with work someone is waiting
 * for. Queued batch tasks start oldest first as soon as their chat has no such task running.
 */
import { texts } from '../orchestrator/texts.js';
import { randomBytes } from '../../../shared/lazy-crypto.js';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChatRef } from '../../../shared/rpc/conversation-schemas.js';
import {
  TASK_PRIORITIES,
  TasksFileSchema,
  type ApiReply,
  type TaskCreateParams,
  type TaskEntry,
} from '../../../shared/rpc/delegation-schemas.js';
import { JsonStore, type CorruptReport } from '../../../shared/store/json-store.js';
import type { TurnResult } from '../providers/events.js';
import { providerForModel } from '../../../shared/models.js';
import type { ProviderId } from '../sessions/session-schema.js';
import { elideMiddle, failureText, primaryChat, runCli, sendNotice, type ExtrasContext } from '../delegation/context.js';

const FINISHED = new Set(['done', 'failed', 'cancelled', 'interrupted']);
const RESUMABLE = new Set(['done', 'failed', 'cancelled', 'waiting', 'interrupted']);
/** With neither a wall clock nor a stall limit configured, a task still ends after a day. */
const FALLBACK_TIMEOUT_S = 24 * 3600;
const MEMORY_MAX = 4_000;
const RESULT_MAX = 48_000;
const MAINTENANCE_MS = 5 * 3600_000;

export class TaskHub {
  private readonly store: JsonStore<typeof TasksFileSchema>;
  private readonly running = new Map<string, AbortController>();
  private maintenance: NodeJS.Timeout | null = null;
  /** Serialises queue decisions so two run ends never start the same queued task twice. */
  private queueChain: Promise<void> = Promise.resolve();

  constructor(private readonly ctx: ExtrasContext, tasksFile: string, onCorrupt: (r: CorruptReport) => void) {
    this.store = new JsonStore({ file: tasksFile, schema: TasksFileSchema, empty: () => ({ tasks: [] }), shared: true, onCorrupt });
  }

  /** Tasks that were running when the worker died become `interrupted` and are announced once. */
  async start(): Promise<void> {
    const cut: TaskEntry[] = [];
    // Most starts find nothing to mark: then neither the cross-process lock (its library stays
    // unloaded in an idle agent, shared/store/file-lock.ts) nor a rewrite of the file. The locked
    // update below decides again on what it reads.
    const mine = (task: TaskEntry) => task.parent_agent === this.ctx.agent;
    const toMark = (task: TaskEntry) => task.status === 'running' || (task.status === 'interrupted' && !task.announced);
    if ((await this.store.read()).tasks.some((task) => mine(task) && toMark(task))) await this.store.update((file) => {
      for (const task of file.tasks) {
        if (!mine(task)) continue;
        if (task.status === 'running') {
          task.status = 'interrupted';
          task.error = 'interrupted by a restart';
          task.completed_at = now();
          task.pending_question = null;
        }
        if (task.status === 'interrupted' && !task.announced) {
          task.announced = true;
          cut.push({ ...task });
        }
      }
      return file;
    });
    for (const task of cut) {
      await sendNotice(this.ctx, chatOf(task), texts.taskInterruptedNotice(task.task_id, task.name), { id: `task-interrupted:${task.task_id}` });
    }
    await this.maintain();
    // Queued batch tasks survive a restart as queued; they start when their chat allows it.
    await this.pumpQueue();
    this.maintenance = setInterval(() => void this.maintain(), MAINTENANCE_MS);
    this.maintenance.unref();
  }

  stop(): void {
    if (this.maintenance) clearInterval(this.maintenance);
  }

  async list(filter: { chat?: ChatRef } = {}): Promise<TaskEntry[]> {
    const { tasks } = await this.store.read();
    return tasks.filter((t) => t.parent_agent === this.ctx.agent && (!filter.chat || (t.chat_id === filter.chat.chatId && (t.thread_id ?? null) === filter.chat.topicId)));
  }

  async create(params: TaskCreateParams): Promise<ApiReply> {
    const config = this.ctx.config();
    if (!config.tasks.enabled) return reply(503, { success: false, error: 'Background tasks are disabled (tasks.enabled = false)' });
    const chat = params.chat ?? primaryChat(config);
    if (!chat) return reply(400, { success: false, error: 'No chat to report to: the agent has no allowed user' });
    const priority = (TASK_PRIORITIES as readonly string[]).includes(params.priority ?? '') ? (params.priority as TaskEntry['priority']) : 'background';
    const configured = this.ctx.configuredTarget();
    const model = params.model ?? (params.provider && params.provider !== configured.provider ? defaultModelOf(params.provider) : configured.model);
    const provider: ProviderId = params.provider ?? providerForModel(model);
    const taskId = randomBytes(4).toString('hex');
    const name = (params.name ?? '').trim() || params.prompt.trim().split(/\s+/).slice(0, 5).join(' ').slice(0, 40);
    const folder = join(this.ctx.paths.tasksDir, taskId);
    const entry: TaskEntry = {
      task_id: taskId, chat_id: chat.chatId, thread_id: chat.topicId, transport: chat.transport, parent_agent: this.ctx.agent,
      name, prompt_preview: params.prompt.slice(0, 80), original_prompt: params.prompt, provider, model,
      status: 'running', session_id: '', created_at: now(), completed_at: null, elapsed_seconds: 0, error: '',
      result_preview: '', question_count: 0, last_question: '', num_turns: 0, thinking: params.thinking,
      reasoning_effort: params.thinking ?? configured.reasoningEffort, tasks_dir: this.ctx.paths.tasksDir, priority,
      pending_question: null, announced: false,
    };
    // The folder exists before the entry does, so a queued task started by another run's end finds it.
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'TASKMEMORY.md'), taskMemory(entry));
    for (const rules of ['CLAUDE.md', 'AGENTS.md', 'GEMINI.md']) await writeFile(join(folder, rules), TASK_RULES);
    let refused: string | null = null;
    await this.serialised(() =>
      this.store.update((file) => {
        const inChat = file.tasks.filter((t) => t.parent_agent === this.ctx.agent && t.chat_id === chat.chatId);
        const busy = inChat.filter((t) => (t.status === 'running' || t.status === 'queued') && t.priority !== 'interactive').length;
        if (priority !== 'interactive' && busy >= config.tasks.max_parallel) refused = `Too many background tasks (${config.tasks.max_parallel} max)`;
        else {
          if (priority === 'batch' && inChat.some(holdsBatch)) entry.status = 'queued';
          file.tasks.push(entry);
        }
        return file;
      }),
    );
    if (refused) {
      await rm(folder, { recursive: true, force: true });
      return reply(429, { success: false, error: refused });
    }
    this.ctx.log.info({ task: taskId, provider, model, priority, queued: entry.status === 'queued' }, 'background task created');
    if (entry.status === 'queued') return reply(200, { success: true, task_id: taskId, queued: true });
    this.launch(entry, firstPrompt(entry), null);
    return reply(200, { success: true, task_id: taskId });
  }

  async resume(taskId: string, prompt: string, from: string | null): Promise<ApiReply> {
    const task = await this.find(taskId);
    if (!task) return reply(404, { success: false, error: `Task ${taskId} not found` });
    if (from && from !== task.parent_agent) return reply(403, { success: false, error: `Task ${taskId} belongs to agent ${task.parent_agent}` });
    if (task.status === 'running' || this.running.has(taskId)) return reply(409, { success: false, error: `Task ${taskId} is still running` });
    if (!RESUMABLE.has(task.status)) return reply(409, { success: false, error: `Task ${taskId} cannot be resumed from ${task.status}` });
    if (!task.session_id) return reply(409, { success: false, error: `Task ${taskId} has no CLI session to resume` });
    await this.patch(taskId, { status: 'running', error: '', completed_at: null, pending_question: null });
    const reminder = `\n\n(You are background task ${taskId}. Keep TASKMEMORY.md at ${join(task.tasks_dir, taskId, 'TASKMEMORY.md')} up to date; questions only through tools/task_tools/ask_parent.mjs.)`;
    this.launch({ ...task, status: 'running' }, `${prompt}${reminder}`, task.session_id);
    return reply(200, { success: true, task_id: taskId });
  }

  /** The task asks its parent: recorded now, forwarded to the chat when the run ends (then `waiting`). */
  async askParent(taskId: string, question: string): Promise<ApiReply> {
    const task = await this.find(taskId);
    if (!task) return reply(404, { success: false, error: `Task ${taskId} not found` });
    await this.patch(taskId, { pending_question: question, last_question: question.slice(0, 200), question_count: task.question_count + 1 });
    return reply(200, { success: true, answer: 'Question forwarded to the parent agent. Finish your current work and end this run; you will be resumed with the answer.' });
  }

  async cancel(taskId: string, from: string | null): Promise<ApiReply> {
    const task = await this.find(taskId);
    if (!task) return reply(404, { success: false, error: `Task ${taskId} not found` });
    if (from && from !== task.parent_agent) return reply(403, { success: false, error: `Task ${taskId} belongs to agent ${task.parent_agent}` });
    const controller = this.running.get(taskId);
    if (!controller && task.status !== 'waiting' && task.status !== 'queued') return reply(409, { success: false, error: `Task ${taskId} is not running (${task.status})` });
    // The run's own end marks it cancelled; a waiting or queued task has no run to end.
    if (controller) controller.abort(new Error('cancelled'));
    else await this.serialised(() => this.patchIf(taskId, ['waiting', 'queued'], { status: 'cancelled', completed_at: now(), pending_question: null }));
    return reply(200, { success: true, task_id: taskId });
  }

  async delete(taskId: string, from: string | null): Promise<ApiReply> {
    const task = await this.find(taskId);
    if (!task) return reply(404, { success: false, error: `Task ${taskId} not found` });
    if (from && from !== task.parent_agent) return reply(403, { success: false, error: `Task ${taskId} belongs to agent ${task.parent_agent}` });
    if (!FINISHED.has(task.status)) return reply(409, { success: false, error: `Only finished tasks can be deleted; ${taskId} is ${task.status}` });
    await this.store.update((file) => ({ tasks: file.tasks.filter((t) => t.task_id !== taskId) }));
    await rm(join(task.tasks_dir, taskId), { recursive: true, force: true });
    return reply(200, { success: true, task_id: taskId });
  }

  /**
   * Cancels every running task of this agent (`/tasks` cancel all, `/stop_all`), and the queued
   * ones: that happens on the queue chain, ahead of the starts the aborted runs' ends would trigger.
   */
  cancelAll(): number {
    const count = this.running.size;
    void this.serialised(() =>
      this.store
        .update((file) => {
          for (const t of file.tasks) {
            if (t.parent_agent === this.ctx.agent && t.status === 'queued') Object.assign(t, { status: 'cancelled', completed_at: now() });
          }
          return file;
        })
        .then(() => undefined),
    ).catch((error: unknown) => this.ctx.log.warn({ err: error }, 'cancelling queued tasks failed'));
    for (const controller of this.running.values()) controller.abort(new Error('cancelled'));
    return count;
  }

  // Queue --------------------------------------------------------------------------------------------

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queueChain.then(work);
    this.queueChain = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Starts every queued batch task whose chat has no background/interactive task running. */
  private pumpQueue(): Promise<void> {
    return this.serialised(async () => {
      const starting: TaskEntry[] = [];
      // No queued task of this agent (the usual case): no lock and no rewrite, as in start().
      if (!(await this.store.read()).tasks.some((t) => t.parent_agent === this.ctx.agent && t.status === 'queued')) return;
      await this.store.update((file) => {
        const queued = file.tasks
          .filter((t) => t.parent_agent === this.ctx.agent && t.status === 'queued')
          .sort((a, b) => a.created_at - b.created_at);
        for (const task of queued) {
          const blocked = file.tasks.some((t) => t.parent_agent === this.ctx.agent && t.chat_id === task.chat_id && holdsBatch(t));
          if (blocked) continue;
          task.status = 'running';
          starting.push({ ...task });
        }
        return file;
      });
      for (const task of starting) {
        this.ctx.log.info({ task: task.task_id }, 'queued batch task starts');
        this.launch(task, firstPrompt(task), null);
      }
    }).catch((error: unknown) => this.ctx.log.error({ err: error }, 'starting queued tasks failed'));
  }

  // Running ----------------------------------------------------------------------------------------

  private launch(task: TaskEntry, prompt: string, resume: string | null): void {
    const controller = new AbortController();
    this.running.set(task.task_id, controller);
    void this.run(task, prompt, resume, controller.signal)
      .then((ended) => {
        // Free before reporting: the parent's answer may resume the task during the report turn.
        this.running.delete(task.task_id);
        return this.report(ended.task, ended.result);
      })
      .catch((error: unknown) => this.ctx.log.error({ err: error, task: task.task_id }, 'background task run failed'))
      .finally(() => {
        if (this.running.get(task.task_id) === controller) this.running.delete(task.task_id);
        // A finished background/interactive run may be what held a batch task back.
        void this.pumpQueue();
      });
  }

  private async run(task: TaskEntry, prompt: string, resume: string | null, signal: AbortSignal): Promise<{ task: TaskEntry; result: TurnResult }> {
    const config = this.ctx.config();
    const started = Date.now();
    const timeoutS = config.tasks.timeout_seconds ?? FALLBACK_TIMEOUT_S;
    const stallS = config.tasks.stall_seconds ?? timeoutS;
    const result = await runCli(
      this.ctx,
      {
        provider: task.provider as ProviderId,
        model: task.model,
        reasoningEffort: task.reasoning_effort,
        prompt,
        resumeSessionId: resume,
        chat: chatOf(task),
        extraEnv: { DUCTOR_TASK_ID: task.task_id },
        timeoutMs: timeoutS * 1000,
        inactivityTimeoutMs: Math.min(stallS, timeoutS) * 1000,
        withMemory: false,
      },
      signal,
    );
    const latest = (await this.find(task.task_id)) ?? task;
    const status = outcomeOf(result, latest.pending_question !== null);
    const error = status === 'failed' ? failureText(result, timeoutS) : '';
    const elapsed = latest.elapsed_seconds + (Date.now() - started) / 1000;
    await this.patch(task.task_id, {
      status,
      error,
      session_id: result.sessionId ?? latest.session_id,
      completed_at: status === 'waiting' ? null : now(),
      elapsed_seconds: Math.round(elapsed * 10) / 10,
      result_preview: result.text.trim().slice(0, 200),
      num_turns: latest.num_turns + (result.numTurns ?? 1),
      pending_question: status === 'waiting' ? latest.pending_question : null,
    });
    this.ctx.log.info({ task: task.task_id, status, seconds: Math.round(elapsed) }, 'background task run ended');
    return { task: { ...latest, status, error, session_id: result.sessionId ?? latest.session_id, elapsed_seconds: elapsed }, result };
  }

  /** Delivery: done/failed/question → injected turn in the parent's chat; cancelled → notice. */
  private async report(task: TaskEntry, result: TurnResult): Promise<void> {
    const chat = chatOf(task);
    const service = this.ctx.service();
    const header = `task_id='${task.task_id}' name='${task.name}'`;
    if (task.status === 'cancelled') {
      await sendNotice(this.ctx, chat, `${texts.taskCancelledNotice(task.task_id, task.name)}${await this.memoryTail(task)}`, { id: `task-cancel:${task.task_id}:${Date.now()}` });
      return;
    }
    let prompt: string;
    if (task.status === 'waiting') {
      prompt = [
        `[BACKGROUND TASK QUESTION: ${header}]`,
        task.pending_question ?? task.last_question,
        '[END TASK QUESTION]',
        '',
        `Answer it yourself if you can and resume the task with: node tools/task_tools/resume_task.mjs ${task.task_id} "<answer>".`,
        'If only the user can answer, ask the user now, then resume the task with their answer.',
      ].join('\n');
    } else {
      const body = task.status === 'done' ? elideMiddle(result.text.trim() || '(no output)', RESULT_MAX) + (await this.memoryTail(task)) : task.error;
      prompt = [
        task.status === 'done' ? `[BACKGROUND TASK COMPLETED: ${header}]` : `[BACKGROUND TASK FAILED: ${header}]`,
        `Provider: ${task.provider} (${task.model}), duration ${Math.round(task.elapsed_seconds)}s`,
        body,
        '[END TASK RESULT]',
        '',
        `Original task: ${elideMiddle(task.original_prompt, 4000)}`,
        task.status === 'done' && task.session_id ? `To continue it: node tools/task_tools/resume_task.mjs ${task.task_id} "<follow-up>"` : null,
        'Check whether the task is complete. If not, resume it; otherwise summarise the result for the user.',
      ].filter((l) => l !== null).join('\n');
    }
    await service.injectTurn(chat, prompt, `task:${task.task_id}`);
  }

  private async memoryTail(task: TaskEntry): Promise<string> {
    const file = join(task.tasks_dir, task.task_id, 'TASKMEMORY.md');
    let text: string;
    try {
      text = (await readFile(file, 'utf8')).trim();
    } catch {
      return '';
    }
    const cut = text.length > MEMORY_MAX ? `${text.slice(0, MEMORY_MAX)}\n[… truncated; full file: ${file}]` : text;
    return `\n\nTASKMEMORY.md:\n${cut}`;
  }

  private async find(taskId: string): Promise<TaskEntry | undefined> {
    const { tasks } = await this.store.read();
    return tasks.find((t) => t.task_id === taskId && t.parent_agent === this.ctx.agent);
  }

  /** Patches only while the task is still in one of `from` (a queued task may have started meanwhile). */
  private async patchIf(taskId: string, from: readonly TaskEntry['status'][], change: Partial<TaskEntry>): Promise<void> {
    await this.store.update((file) => {
      const task = file.tasks.find((t) => t.task_id === taskId);
      if (task && from.includes(task.status)) Object.assign(task, change);
      return file;
    });
  }

  private async patch(taskId: string, change: Partial<TaskEntry>): Promise<void> {
    await this.store.update((file) => {
      const task = file.tasks.find((t) => t.task_id === taskId);
      if (task) Object.assign(task, change);
      return file;
    });
  }

  /** Drops entries without a folder, folders without an entry, and old finished tasks. */
  private async maintain(): Promise<void> {
    try {
      const config = this.ctx.config();
      const folders = new Set(await readdir(this.ctx.paths.tasksDir).catch(() => [] as string[]));
      const cutoff = now() - config.tasks.finished_retention_hours * 3600;
      const removed: string[] = [];
      const toDrop = (current: { tasks: TaskEntry[] }): Set<string> => {
        const mine = current.tasks.filter((t) => t.parent_agent === this.ctx.agent);
        const finished = mine.filter((t) => FINISHED.has(t.status)).sort((a, b) => (b.completed_at ?? b.created_at) - (a.completed_at ?? a.created_at));
        const drop = new Set<string>();
        for (const t of mine) if (!folders.has(t.task_id) && t.status !== 'running') drop.add(t.task_id);
        finished.forEach((t, i) => {
          if (config.tasks.finished_retention_hours > 0 && (t.completed_at ?? t.created_at) < cutoff) drop.add(t.task_id);
          if (config.tasks.finished_keep_last > 0 && i >= config.tasks.finished_keep_last) drop.add(t.task_id);
        });
        return drop;
      };
      // Nothing to drop (the usual case): no lock and no rewrite, as in start().
      const seen = await this.store.read();
      const file = toDrop(seen).size === 0 ? seen : await this.store.update((current) => {
        const drop = toDrop(current);
        removed.push(...drop);
        return { tasks: current.tasks.filter((t) => !drop.has(t.task_id)) };
      });
      const known = new Set(file.tasks.filter((t) => t.parent_agent === this.ctx.agent).map((t) => t.task_id));
      for (const folder of folders) if (/^[0-9a-f]{8}$/.test(folder) && !known.has(folder)) await rm(join(this.ctx.paths.tasksDir, folder), { recursive: true, force: true });
      for (const id of removed) await rm(join(this.ctx.paths.tasksDir, id), { recursive: true, force: true });
    } catch (error) {
      this.ctx.log.warn({ err: error }, 'task maintenance failed');
    }
  }
}

function outcomeOf(result: TurnResult, questionPending: boolean): TaskEntry['status'] {
  if (result.timedOut) return 'failed';
  if (result.aborted || [143, 137].includes(result.exitCode ?? 0) || result.signal === 'SIGTERM' || result.signal === 'SIGKILL') return 'cancelled';
  if (result.isError) return 'failed';
  return questionPending ? 'waiting' : 'done';
}

/** A task that keeps its chat's batch tasks waiting: a running background or interactive one. */
function holdsBatch(task: TaskEntry): boolean {
  return task.status === 'running' && task.priority !== 'batch';
}

function firstPrompt(task: TaskEntry): string {
  return `${task.original_prompt}\n\n${taskSuffix(task, join(task.tasks_dir, task.task_id))}`;
}

function chatOf(task: TaskEntry): ChatRef {
  return { transport: task.transport, chatId: task.chat_id, topicId: task.thread_id ?? null };
}

function reply(httpStatus: number, body: Record<string, unknown>): ApiReply {
  return { httpStatus, body };
}

function now(): number {
  return Date.now() / 1000;
}

function defaultModelOf(provider: ProviderId): string {
  if (provider === 'claude') return 'sonnet';
  if (provider === 'gemini') return 'auto';
  return 'gpt-5.2-codex';
}

function taskMemory(task: TaskEntry): string {
  return [
    `# Task: ${task.name}`,
    '',
    `- Task id: ${task.task_id}`,
    `- Created: ${new Date(task.created_at * 1000).toISOString()}`,
    `- Provider: ${task.provider} (${task.model})`,
    '',
    '## Assignment',
    '',
    task.original_prompt.slice(0, 500),
    '',
    '## Progress',
    '',
  ].join('\n');
}

function taskSuffix(task: TaskEntry, folder: string): string {
  return [
    '---',
    `You are background task ${task.task_id}, working on your own while the chat goes on.`,
    '- You cannot talk to the user. Your final answer is the task result and goes to the agent that started you.',
    '- If you need a decision, ask with `node tools/task_tools/ask_parent.mjs "<question>"`, then finish this run; you will be resumed with the answer.',
    `- Keep ${join(folder, 'TASKMEMORY.md')} up to date under "Progress" with what you did and found.`,
  ].join('\n');
}

const TASK_RULES = `# Background task rules

- You are a background task: you have no access to the user.
- Questions go only through \`node tools/task_tools/ask_parent.mjs "<question>"\`; then end your run.
- Record progress in TASKMEMORY.md in this folder.
- Other task tools are in tools/task_tools/.
`;
