/**
 * Messages for an agent whose worker is not running (stopped, crashed, between restarts) are held:
 * the request is retried with a growing pause until the agent takes it, so Telegram keeps the
 * update and it is answered after the start. Each chat is told once per outage (sub-agents: how
 * to start it), and the log gets one line, not one per retry.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { RpcError } from '../../shared/errors.js';
import type { ChatRef } from '../../shared/rpc/conversation-schemas.js';
import { RPC_TARGET_UNAVAILABLE } from '../../shared/rpc/errors.js';
import type { TransportLog } from './telegram-bot.js';

const FIRST_PAUSE_MS = 1_000;
/** The longest pause between two tries: how late a held message may reach an agent after its start. */
const MAX_PAUSE_MS = 5_000;

export type AgentDownHoldOptions = {
  agent: string;
  log: TransportLog;
  signal: AbortSignal;
  /** Tells one chat that the agent is not running. */
  tell: (chat: ChatRef, replyTo: number | null) => Promise<unknown>;
};

export class AgentDownHold {
  private down = false;
  private readonly told = new Set<string>();

  constructor(private readonly options: AgentDownHoldOptions) {}

  async send<T>(chat: ChatRef, replyTo: number | null, request: () => Promise<T>): Promise<T> {
    let pauseMs = FIRST_PAUSE_MS;
    for (;;) {
      try {
        const result = await request();
        if (this.down) {
          this.down = false;
          this.told.clear();
          this.options.log.info({ agent: this.options.agent }, 'agent running again; held messages delivered');
        }
        return result;
      } catch (error) {
        if (!(error instanceof RpcError && error.rpcCode === RPC_TARGET_UNAVAILABLE) || this.options.signal.aborted) throw error;
        if (!this.down) {
          this.down = true;
          this.options.log.warn({ agent: this.options.agent }, 'agent not running; its messages are held until it starts');
        }
        const key = `${chat.transport}:${chat.chatId}:${chat.topicId ?? ''}`;
        if (this.options.agent !== 'main' && !this.told.has(key)) {
          this.told.add(key);
          await this.options.tell(chat, replyTo).catch((tellError: unknown) => this.options.log.warn({ err: tellError }, 'could not tell the chat that the agent is not running'));
        }
        // Rejects when the bot stops: the update stays unconfirmed and is fetched after the restart.
        await sleep(pauseMs, undefined, { signal: this.options.signal });
        pauseMs = Math.min(pauseMs * 2, MAX_PAUSE_MS);
      }
    }
  }
}
