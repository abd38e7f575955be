/**
 * The local console channel (`ductor chat`): a terminal attached to the supervisor's control
 * socket talks to an agent through the same transport path as Telegram. The console is one chat
 * per agent (transport `cli`, chat id 1), so its session survives between `ductor chat` runs;
 * output goes to the terminal that wrote to that agent last.
 */
import { extractButtons } from './button-markers.js';
import { numberedChoices, renderTerminal, renderTerminalLine, type FenceState } from './terminal-markdown.js';
import { catalogue } from '../../shared/i18n/index.js';
import type { Logger } from '../../shared/log/logger.js';
import type { ConsoleOutput } from '../../shared/rpc/console-schemas.js';
import { makeInbound, type ChatRef, type Delivery, type StreamEvent } from '../../shared/rpc/conversation-schemas.js';
import type { RpcPeer } from '../../shared/rpc/peer.js';
import { agentTarget, consoleTarget } from '../../shared/rpc/targets.js';
import type { ChatTransport, DeliveryResult, QueueUpdate } from './transport.js';

/** The chat id of every agent's console chat. */
export const CONSOLE_CHAT_ID = 1;

export class ConsoleChannel {
  private readonly streamed = new Map<string, string>();
  /** Streamed text not yet shown: the part after the last complete line, and the fence state. */
  private readonly pendingLine = new Map<string, { text: string; fence: FenceState }>();
  /** The numbered choices last shown per agent; typing a number picks one. */
  private readonly choices = new Map<string, string[]>();
  /** The terminal that last wrote to each agent's console chat. */
  private readonly activeConsole = new Map<string, number>();
  private sequence = 0;

  /** `language`: the main agent's `language`, for the status lines the terminal shows. */
  constructor(private readonly peer: RpcPeer, private readonly log: Logger, private readonly language: () => string = () => 'en') {}

  /** A typed line becomes an inbound message of the agent, exactly like a Telegram message. */
  async send(consoleId: number, agent: string, text: string): Promise<{ accepted: boolean; queuedBehind: number }> {
    this.sequence += 1;
    this.activeConsole.set(agent, consoleId);
    // "2" after numbered choices answers with that choice, as pressing its button would.
    const picked = /^\s*(\d{1,2})\s*$/.exec(text);
    const offered = this.choices.get(agent);
    if (picked && offered && offered[Number(picked[1]) - 1] !== undefined) {
      text = offered[Number(picked[1]) - 1]!;
      this.choices.delete(agent);
    }
    const chat: ChatRef = { transport: 'cli', chatId: CONSOLE_CHAT_ID, topicId: null };
    return this.peer.request('inbound', makeInbound({
      id: `cli:${consoleId}:${Date.now()}:${this.sequence}`,
      chat,
      userId: 0,
      chatType: 'console',
      text,
    }), { target: agentTarget(agent), timeoutMs: 15_000 });
  }

  stream(agent: string, turnId: string, events: StreamEvent[]): void {
    for (const event of events) {
      if (event.kind === 'text') {
        this.streamed.set(turnId, (this.streamed.get(turnId) ?? '') + event.text);
        // Whole lines are rendered and shown as they complete; the rest waits for its newline.
        const pending = this.pendingLine.get(turnId) ?? { text: '', fence: { inFence: false } };
        pending.text += event.text;
        const cut = pending.text.lastIndexOf('\n');
        if (cut !== -1) {
          const lines = pending.text.slice(0, cut).split('\n').map((l) => renderTerminalLine(l, pending.fence)).filter((l): l is string => l !== null);
          pending.text = pending.text.slice(cut + 1);
          if (lines.length > 0) this.output(agent, { kind: 'text', text: `${lines.join('\n')}\n` });
        }
        this.pendingLine.set(turnId, pending);
      } else if (event.kind === 'tool') this.output(agent, { kind: 'status', text: catalogue(this.language()).consoleTool(event.name) });
      else if (event.kind === 'thinking') this.output(agent, { kind: 'status', text: catalogue(this.language()).consoleThinking });
      else this.output(agent, { kind: 'status', text: event.text });
    }
  }

  deliver(agent: string, delivery: Delivery): { messageIds: number[]; duplicate: boolean } {
    const streamed = delivery.turnId ? this.streamed.get(delivery.turnId) ?? '' : '';
    const pending = delivery.turnId ? this.pendingLine.get(delivery.turnId) : undefined;
    if (delivery.turnId) {
      this.streamed.delete(delivery.turnId);
      this.pendingLine.delete(delivery.turnId);
    }
    const wasStreamed = delivery.kind === 'answer' && streamed.trim() !== '' && streamed.trim() === delivery.text.trim();
    if (wasStreamed && pending && pending.text !== '') {
      const last = renderTerminalLine(pending.text, pending.fence);
      if (last !== null) this.output(agent, { kind: 'text', text: last });
    }
    // What a typed number sends: a marker's label, or the command behind a `cmd:` button.
    const options = [
      ...(extractButtons(delivery.text).keyboard?.inline_keyboard ?? []).flat().map((b) => ({ label: b.text, send: b.text })),
      ...delivery.buttons.flat().filter((b) => !b.url).map((b) => ({ label: b.label, send: b.data.startsWith('cmd:') ? `/${b.data.slice(4)}` : b.label })),
    ];
    const labels = options.map((o) => o.label);
    if (options.length > 0) this.choices.set(agent, options.map((o) => o.send));
    const rendered = delivery.format === 'markdown' ? renderTerminal(delivery.text) : delivery.text;
    const choices = labels.length > 0 ? `\n\n${numberedChoices(labels)}` : '';
    this.output(agent, {
      kind: 'message',
      text: wasStreamed ? choices.trimStart() : `${rendered}${choices}`,
      streamed: wasStreamed && choices === '',
      buttons: [],
    });
    return { messageIds: [], duplicate: false };
  }

  queueUpdate(agent: string, outcome: string): void {
    this.output(agent, { kind: 'queue', outcome });
  }

  private output(agent: string, event: ConsoleOutput['event']): void {
    const consoleId = this.activeConsole.get(agent);
    if (consoleId === undefined) return; // no terminal has talked to this agent since the transport started
    try {
      this.peer.notify('consoleOutput', { consoleId, event }, { target: consoleTarget(consoleId) });
    } catch (error) {
      this.log.debug({ err: error, consoleId }, 'console output dropped');
    }
  }
}

/** The console as a ChatTransport; `consoleSend` stays its own RPC because only terminals use it. */
export class ConsoleTransport implements ChatTransport {
  readonly id = 'cli' as const;
  constructor(readonly channel: ConsoleChannel) {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async configChanged(): Promise<void> {}
  stream(agent: string, turnId: string, _chat: ChatRef, _replyTo: number | null, events: StreamEvent[]): void {
    this.channel.stream(agent, turnId, events);
  }
  async deliver(agent: string, delivery: Delivery): Promise<DeliveryResult> {
    return this.channel.deliver(agent, delivery);
  }
  queueUpdate(agent: string, update: QueueUpdate): void {
    this.channel.queueUpdate(agent, update.outcome);
  }
  /** A terminal is not a place for operational notices: they would interleave with a reply. */
  async notifyPrimary(): Promise<number> {
    return 0;
  }
}
