/**
 * The seam between the transport worker's RPC surface and the chat networks it serves. Agents
 * only ever name `chat.transport` ('tg', 'mx', 'api', 'cli'); each value is served by one
 * ChatTransport registered here, so adding a network means one class and one `register` call in
 * main.ts — no agent code and no new branches in the RPC handlers.
 *
 * Every method receives the agent name: a transport may run one connection per agent (Telegram:
 * one bot per token) or one for all of them (the API server, the console).
 */
import type { Button } from '../../shared/rpc/conversation-schemas.js';
import type { Logger } from '../../shared/log/logger.js';
import type { ChatRef, Delivery, StreamEvent } from '../../shared/rpc/conversation-schemas.js';
import type { RpcPeer } from '../../shared/rpc/peer.js';
import type { AgentConfigs } from '../../shared/worker/effective-config.js';
import type { StreamStates } from './stream-state.js';

export type TransportId = ChatRef['transport'];

export type DeliveryResult = { messageIds: number[]; duplicate: boolean };

export type QueueUpdate = {
  chat: ChatRef;
  inboundIds: string[];
  outcome: 'started' | 'cancelled' | 'discarded';
  turnId: string | null;
  replyTo: number | null;
};

/** What every transport gets from the worker; `configs()` always returns the latest reload. */
export type TransportContext = {
  home: string;
  peer: RpcPeer;
  log: Logger;
  configs: () => AgentConfigs;
  /** `run/streams.json`: every network's record of running turns' live messages (one writer per process). */
  streams: StreamStates;
};

export interface ChatTransport {
  readonly id: TransportId;
  /** Connects (or decides from the config that it stays off); must not throw for a bad config. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The config files were reloaded: pick up changes this transport can apply without a restart. */
  configChanged(): Promise<void>;
  /** Live progress of a running turn (a notification: nothing to confirm). */
  stream(agent: string, turnId: string, chat: ChatRef, replyTo: number | null, events: StreamEvent[]): void;
  /** A final message; resolves once the network confirmed it. */
  deliver(agent: string, delivery: Delivery): Promise<DeliveryResult>;
  queueUpdate(agent: string, update: QueueUpdate): void;
  /** An operational notice for the agent's primary user; resolves to how many messages went out (0 = not reachable here). */
  notifyPrimary(agent: string, text: string, buttons?: Button[][]): Promise<number>;
}

export class TransportRegistry {
  private readonly transports = new Map<TransportId, ChatTransport>();

  register(transport: ChatTransport): void {
    if (this.transports.has(transport.id)) throw new Error(`transport "${transport.id}" is registered twice`);
    this.transports.set(transport.id, transport);
  }

  /** The transport serving `chat`; a chat of a transport that is not registered is a caller error. */
  of(chat: ChatRef | TransportId): ChatTransport {
    const id = typeof chat === 'string' ? chat : chat.transport;
    const transport = this.transports.get(id);
    if (!transport) throw new Error(`no transport "${id}" runs in this worker`);
    return transport;
  }

  all(): ChatTransport[] {
    return [...this.transports.values()];
  }

  async startAll(log: Logger): Promise<void> {
    // One failing network must not keep the others (or the console) from serving.
    await Promise.all(this.all().map((t) => t.start().catch((error: unknown) => log.error({ err: error, transport: t.id }, 'transport failed to start'))));
  }

  async stopAll(log: Logger): Promise<void> {
    await Promise.all(this.all().map((t) => t.stop().catch((error: unknown) => log.warn({ err: error, transport: t.id }, 'transport failed to stop cleanly'))));
  }

  async configChanged(log: Logger): Promise<void> {
    await Promise.all(this.all().map((t) => t.configChanged().catch((error: unknown) => log.warn({ err: error, transport: t.id }, 'transport did not apply the new config'))));
  }

  /**
   * Tries the transports in registration order (Telegram first, as the original) until one
   * reaches the user; a transport that is down counts as "not reachable" rather than an error.
   */
  async notifyPrimary(agent: string, text: string, log: Logger, buttons?: Button[][]): Promise<number> {
    let lastError: unknown = null;
    for (const transport of this.all()) {
      try {
        const delivered = await transport.notifyPrimary(agent, text, buttons);
        if (delivered > 0) return delivered;
      } catch (error) {
        lastError = error;
        log.debug({ err: error, transport: transport.id, agent }, 'primary notice not delivered on this transport');
      }
    }
    if (lastError) throw lastError;
    return 0;
  }
}
