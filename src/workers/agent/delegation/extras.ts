/**
 * Wires delegation, background tasks, named sessions and shared memory into the agent worker:
 * its RPC handlers, its chat commands (`/session`, `/sessions`, `/tasks`, `@name …`) and its
 * start/stop. `main.ts` spreads `handlers()`, registers `extrasCommands` and hands `intercept`
 * (the `@name` follow-ups) to the chat service.
 */
import type { Handlers } from '../../../shared/rpc/contract.js';
import type { Inbound } from '../../../shared/rpc/conversation-schemas.js';
import type { DelegateDoneParams } from '../../../shared/rpc/delegation-schemas.js';
import type { CorruptReport } from '../../../shared/store/json-store.js';
import type { Reply } from '../orchestrator/commands.js';
import type { CommandRegistration } from '../orchestrator/command-registry.js';
import { NamedSessions } from '../named-sessions/named-sessions.js';
import { TaskHub } from '../tasks/task-hub.js';
import { tasksCommand } from '../tasks/tasks-command.js';
import type { ExtrasContext } from './context.js';
import { Delegation } from './delegation.js';
import { SharedMemorySync } from './shared-memory.js';

/** What the chat service does with a message we took: answer with a reply, or nothing more. */
export type Intercepted = Reply | 'handled' | null;

export class AgentExtras {
  readonly sessions: NamedSessions;
  readonly tasks: TaskHub;
  readonly delegation: Delegation;
  private readonly sharedMemory: SharedMemorySync;

  constructor(
    private readonly ctx: ExtrasContext,
    options: { tasksFile: string; sharedMemoryFile: string; onCorrupt: (r: CorruptReport) => void; sendDone: (agent: string, params: DelegateDoneParams) => Promise<{ delivered: boolean }> },
  ) {
    this.sessions = new NamedSessions(ctx, options.onCorrupt);
    this.tasks = new TaskHub(ctx, options.tasksFile, options.onCorrupt);
    this.delegation = new Delegation({ ctx, sessions: this.sessions, sendDone: options.sendDone });
    this.sharedMemory = new SharedMemorySync(options.sharedMemoryFile, ctx.paths.mainMemoryFile, ctx.log, ctx.agent === 'main');
  }

  async start(): Promise<void> {
    await this.sharedMemory.start();
    await this.sessions.start();
    await this.tasks.start();
  }

  stop(): void {
    this.sharedMemory.stop();
    this.tasks.stop();
    this.sessions.stopAll();
    this.delegation.stopAll();
  }

  /** `/stop_all`: background sessions, async jobs for others and tasks stop too. */
  stopAll(): number {
    return this.sessions.stopAll() + this.delegation.stopAll() + this.tasks.cancelAll();
  }

  /** `@name` follow-ups of named sessions; null = not ours, the chat service goes on. */
  async intercept(message: Inbound, text: string): Promise<Intercepted> {
    if (text.startsWith('@')) {
      const running = this.sessions.followUp(message, text);
      if (running) {
        running.catch((error: unknown) => this.ctx.log.error({ err: error }, 'named session follow-up failed'));
        return 'handled';
      }
    }
    return null;
  }
}

/** `/session`, `/sessions`, `/tasks`; like the RPC handlers they wait for the extras to exist. */
export function extrasCommands(get: () => AgentExtras): CommandRegistration[] {
  return [
    { names: ['session'], run: ({ message, args }) => get().sessions.command(message, args) },
    { names: ['sessions'], run: ({ message, args }) => get().sessions.manage(message.chat, args) },
    { names: ['tasks'], run: ({ message, args }) => tasksCommand(get().tasks, message.chat, args) },
  ];
}

/** Handlers that wait for the extras to exist (the worker announces ready only after start). */
export function extrasHandlers(get: () => AgentExtras): Handlers {
  return {
    delegate: (params) => get().delegation.delegate(params),
    delegateDone: (params) => get().delegation.done(params),
    taskCreate: (params) => get().tasks.create(params),
    taskResume: ({ taskId, prompt, from }) => get().tasks.resume(taskId, prompt, from),
    taskAskParent: ({ taskId, question }) => get().tasks.askParent(taskId, question),
    taskCancel: ({ taskId, from }) => get().tasks.cancel(taskId, from),
    taskDelete: ({ taskId, from }) => get().tasks.delete(taskId, from),
  };
}
