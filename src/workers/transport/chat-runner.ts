/**
 * The transport-neutral life of a chat turn, shared by every chat network: the running turns by
 * id (resumed from `run/streams.json` after a transport restart), the "queued" indicators by
 * inbound id, confirmed delivery de-duplicated by delivery id, files after text, and notices to
 * the agent's primary chat. A network plugs in through its ChatNetwork adapter.
 */
import type { Logger } from '../../shared/log/logger.js';
import type { Button, ChatRef, Delivery, StreamEvent } from '../../shared/rpc/conversation-schemas.js';
import type { ChatNetwork, LiveTurn, ShownRecord, TurnStart } from './chat-network.js';
import type { DeliveryLog } from './delivery-log.js';
import type { StreamStates } from './stream-state.js';

export type ChatRunnerOptions<Indicator> = {
  agent: string;
  network: ChatNetwork<Indicator>;
  deliveries: DeliveryLog;
  /** Which messages hold each running turn's stream, for a restarted transport to resume. */
  streams: StreamStates;
  log: Logger;
};

export type QueueOutcome = 'started' | 'cancelled' | 'discarded';
export type QueueUpdate = { chat: ChatRef; inboundIds: readonly string[]; outcome: QueueOutcome; turnId: string | null; replyTo: number | null };

export class ChatRunner<Indicator> {
  private readonly turns = new Map<string, LiveTurn>();
  /** `indicator` null while it is being sent; `outcome` what the agent decided meanwhile. */
  private readonly indicators = new Map<string, { chat: ChatRef; indicator: Indicator | null; outcome: QueueOutcome | null }>();

  constructor(private readonly options: ChatRunnerOptions<Indicator>) {}

  /** A message the agent accepted waits behind others: it gets a "queued" indicator. */
  async queued(inboundId: string, chat: ChatRef, replyTo: number | null): Promise<void> {
    // Entered before the send: the agent may start or drop the message before the network answers,
    // and the indicator must then be settled once it exists, not left in the chat and in this map.
    const entry: { chat: ChatRef; indicator: Indicator | null; outcome: QueueOutcome | null } = { chat, indicator: null, outcome: null };
    this.indicators.set(inboundId, entry);
    const indicator = await this.options.network.showQueued(inboundId, chat, replyTo).catch((error: unknown) => {
      this.options.log.warn({ err: error }, 'could not show the queue indicator');
      return null;
    });
    if (entry.outcome !== null) {
      if (indicator !== null) this.options.network.settleQueued(indicator, chat, entry.outcome);
    } else if (indicator === null) this.indicators.delete(inboundId);
    else entry.indicator = indicator;
  }

  /** The agent started, cancelled or discarded queued messages; a started turn opens its live view. */
  queueUpdate(update: QueueUpdate): void {
    for (const id of update.inboundIds) {
      const shown = this.indicators.get(id);
      if (!shown) continue;
      this.indicators.delete(id);
      // Still on its way: `queued` settles it once the network has given it an id.
      if (shown.indicator === null) shown.outcome = update.outcome;
      else this.options.network.settleQueued(shown.indicator, shown.chat, update.outcome);
    }
    if (update.outcome === 'started' && update.turnId) this.turnFor(update.turnId, update.chat, update.replyTo);
  }

  stream(turnId: string, chat: ChatRef, replyTo: number | null, events: readonly StreamEvent[]): void {
    this.turnFor(turnId, chat, replyTo).push(events);
  }

  /** Sends a delivery once: a repeated delivery id returns the first sending's message ids. */
  async deliver(delivery: Delivery): Promise<{ messageIds: number[]; duplicate: boolean }> {
    try {
      return await this.deliverOnce(delivery);
    } finally {
      // Also when the sending failed: the agent's retry finds the stream again through
      // streams.json (as a restarted transport does), not a finished live view that fails again.
      if (delivery.turnId) this.turns.delete(delivery.turnId);
    }
  }

  private async deliverOnce(delivery: Delivery): Promise<{ messageIds: number[]; duplicate: boolean }> {
    const { agent, deliveries, network } = this.options;
    const previous = deliveries.get(agent, delivery.deliveryId);
    if (previous) return { messageIds: previous, duplicate: true };
    const turn = delivery.turnId ? (this.turns.get(delivery.turnId) ?? this.resumed(delivery.turnId, delivery.chat, delivery.replyTo)) : undefined;
    const message = { chat: delivery.chat, text: delivery.text, format: delivery.format, buttons: delivery.buttons, replyTo: delivery.replyTo, kind: delivery.kind };
    const replaced = delivery.replaces ? deliveries.get(agent, delivery.replaces)?.[0] : delivery.editsMessage;
    let messageIds: number[];
    if (replaced !== undefined && (await network.editText({ chat: delivery.chat, messageId: replaced, text: delivery.text, buttons: delivery.buttons })) !== 'gone') {
      // An approval's answer, a selector's next step: shown in that message itself.
      messageIds = [replaced];
    } else if (delivery.text.trim() === '' && delivery.files.length > 0) {
      // A file-only delivery (a /showfiles download, an answer that is just a file): no text.
      await turn?.abort();
      messageIds = [];
    } else if (turn && delivery.kind === 'answer') {
      messageIds = await turn.finish(message);
    } else {
      await turn?.abort();
      messageIds = await network.sendText(message);
    }
    if (delivery.turnId) this.turns.delete(delivery.turnId);
    turn?.ended?.(delivery.kind);
    if (delivery.files.length > 0) messageIds.push(...(await network.sendFiles({ chat: delivery.chat, replyTo: delivery.replyTo, files: delivery.files })));
    await deliveries.record(agent, delivery.deliveryId, messageIds);
    // Only now: a crash before the record redelivers, and the redelivery must find the stream again.
    if (delivery.turnId) await this.options.streams.remove(agent, delivery.turnId).catch((error: unknown) => this.options.log.warn({ err: error }, 'streams.json not updated'));
    return { messageIds, duplicate: false };
  }

  /** Sends an operational notice to the agent's primary chat; how many messages went out (0: not reachable). */
  async notifyPrimary(text: string, buttons: Button[][] = []): Promise<number> {
    const chat = this.options.network.primaryChat();
    if (chat === null) return 0;
    await this.options.network.sendText({ chat, text, format: 'plain', buttons, replyTo: null, kind: 'notice' });
    return 1;
  }

  /** Ends every live view (the transport stops). */
  async abortAll(): Promise<void> {
    await Promise.all([...this.turns.values()].map((turn) => turn.abort().catch(() => undefined)));
  }

  private turnFor(turnId: string, chat: ChatRef, replyTo: number | null): LiveTurn {
    let turn = this.turns.get(turnId) ?? this.resumed(turnId, chat, replyTo);
    if (!turn) {
      turn = this.options.network.openTurn(this.start(turnId, chat, replyTo));
      this.turns.set(turnId, turn);
    }
    return turn;
  }

  /** A turn an earlier run of the transport streamed: what it recorded becomes part of the answer. */
  private resumed(turnId: string, chat: ChatRef, replyTo: number | null): LiveTurn | undefined {
    const stored = this.options.streams.get(this.options.agent, turnId);
    if (!stored || stored.chatId !== chat.chatId) return undefined;
    const turn = this.options.network.resumeTurn(this.start(turnId, chat, replyTo), stored);
    if (!turn) return undefined;
    this.options.log.info({ turn: turnId.slice(0, 8), messages: stored.messageIds.length }, 'resuming a turn streamed before a restart');
    this.turns.set(turnId, turn);
    return turn;
  }

  private start(turnId: string, chat: ChatRef, replyTo: number | null): TurnStart {
    const record = (shown: ShownRecord): Promise<void> =>
      this.options.streams.put({ agent: this.options.agent, turnId, chatId: chat.chatId, ...shown })
        .catch((error: unknown) => this.options.log.warn({ err: error }, 'streams.json not updated'));
    return { turnId, chat, replyTo, record };
  }
}
