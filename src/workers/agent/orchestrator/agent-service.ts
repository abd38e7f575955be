/**
 * The agent's message flow: accepts inbound messages (journal first, then acknowledge), answers
 * commands at once, runs turns one at a time per chat, and after a crash resumes the queue and
 * offers a retry for the turn that was cut off.
 */
import { randomUUID } from '../../../shared/lazy-crypto.js';
import type { Logger } from 'pino';
import { noticeDelivery, type Button, type ChatRef, type Delivery, type Inbound, type InboundAck } from '../../../shared/rpc/conversation-schemas.js';
import type { InboxEntry, InboxJournal } from '../inbox/inbox-journal.js';
import { ChatQueue } from '../inbox/chat-queue.js';
import { AlbumCollector } from '../media/album-collector.js';
import { storageKey } from '../sessions/session-key.js';
import type { Target } from '../sessions/session-manager.js';
import { cronCallback, cronCommand, type CronCommandDeps } from '../commands/cron.js';
import { fileFromHome } from '../commands/send-file.js';
import { ingestAttachments, mediaPrompt } from '../media/ingest.js';
import { audioCommandOf, transcribe } from '../media/transcribe.js';
import { abortIntent } from './abort-words.js';
import { logInjectionAttempt } from '../../../shared/security/injection-scan.js';
import { isUpgradeCommand, upgradeCallback, upgradeOffer, type UpgradeDeps } from './upgrade-command.js';
import { parseCommand, runCommand, switchModel, type CommandDeps, type Reply } from './commands.js';
import { parseDirective } from './directives.js';
import { isKnownModel, providerForModel } from '../../../shared/models.js';
import type { Outbox } from './outbox.js';
import { texts } from './texts.js';
import { runChatTurn, sessionKeyOf, type TurnDeps } from './turn.js';

/** How long an orderly stop waits for running turns to end after aborting them (ms). */
const STOP_WAIT_MS = 3_000;

export type QueueNotifier = (
  chat: ChatRef,
  inboundIds: string[],
  outcome: 'started' | 'cancelled' | 'discarded',
  started?: { turnId: string; replyTo: number | null },
) => void;

export type AgentServiceDeps = {
  log: Logger;
  journal: InboxJournal;
  outbox: Outbox;
  turn: TurnDeps;
  commands: CommandDeps;
  queueUpdate: QueueNotifier;
  /** `/stop_all` on the main agent also stops every other agent. */
  stopOtherAgents: () => Promise<number>;
  // Delegation, tasks, named sessions (issue 6): `/session`, `/sessions`, `/tasks`, `@name …`; null = not ours.
  intercept?: (message: Inbound, text: string) => Promise<Reply | 'handled' | null>;
  /** `/stop_all` also stops background sessions, async delegations and tasks. */
  stopBackground?: () => number;
  // End issue 6
  /** `/cron` and its `crn:` buttons; absent = the command is not offered. */
  cron?: Omit<CronCommandDeps, 'notify'>;
  /** `/agents` and `/agent_start|stop|restart`. */
  admin?: { matches: (text: string) => boolean; run: (text: string) => Promise<Reply> };
  // Upgrade from the chat (issue 7): `/upgrade` and its `upg:` buttons.
  upgrade?: UpgradeDeps;
};

export class AgentService {
  private readonly queue: ChatQueue;
  private readonly albums = new AlbumCollector(({ merged, partIds }) => {
    this.enqueue(merged, merged.text, partIds.filter((id) => id !== merged.id));
  });
  private accepting = true;

  constructor(private readonly deps: AgentServiceDeps) {
    this.queue = new ChatQueue((error, id) => deps.log.error({ err: error, inbound: id }, 'turn failed'));
  }

  /** Replays the journal: queued messages run again; interrupted turns get a notice with Retry. */
  async start(): Promise<void> {
    await this.deps.outbox.start();
    const { queued, interrupted } = await this.deps.journal.load();
    for (const entry of interrupted) await this.offerRetry(entry);
    for (const entry of queued) {
      if (entry.inbound.mediaGroup) this.albums.add(entry.inbound);
      else this.enqueue(entry.inbound, entry.inbound.text);
    }
    if (queued.length || interrupted.length) this.deps.log.info({ queued: queued.length, interrupted: interrupted.length }, 'inbox recovered');
  }

  async inbound(message: Inbound): Promise<InboundAck> {
    if (!this.accepting) throw new Error('agent is stopping');
    if (this.deps.journal.has(message.id)) return { accepted: true, queuedBehind: 0 };
    if (message.kind === 'callback') return this.callback(message);
    if (message.topicName) void this.deps.turn.sessions.setTopicName(sessionKeyOf(message.chat), message.topicName).catch((error: unknown) => this.deps.log.warn({ err: error }, 'topic name not stored'));
    // Issue 7: log-only prompt-injection scan of the user's text (pattern names, never the text).
    if (message.text !== '') logInjectionAttempt(message.text, `chat:${message.chat.chatId}`, this.deps.log);
    // Issue 4: media is moved out of the transport's spool into the workspace before journaling,
    // so a replay after a crash finds the files where the journal says they are.
    if (message.attachments.length > 0) {
      const attachments = await ingestAttachments(message.attachments, this.deps.turn.paths.telegramFilesDir, new Date(), this.deps.turn.config().image);
      const withFiles: Inbound = { ...message, attachments };
      await this.deps.journal.add(withFiles);
      if (withFiles.mediaGroup) {
        // A part of an album: held until the album is complete, then one turn for all of it.
        this.albums.add(withFiles);
        return { accepted: true, queuedBehind: 0 };
      }
      return { accepted: true, queuedBehind: this.enqueue(withFiles, withFiles.text) };
    }
    const text = message.text.trim();
    const lane = laneOf(message.chat);

    const intent = abortIntent(text);
    if (intent) {
      await this.abort(intent, message);
      return { accepted: true, queuedBehind: 0 };
    }
    // Sub-agent administration (main agent only), answered by the supervisor.
    if (this.deps.admin?.matches(text)) {
      await this.reply(message, await this.deps.admin.run(text));
      return { accepted: true, queuedBehind: 0 };
    }
    // Issue 6: named sessions and tasks answer here, before the agent's own commands --------------
    const intercepted = await this.deps.intercept?.(message, text);
    if (intercepted) {
      if (intercepted !== 'handled') await this.reply(message, intercepted);
      return { accepted: true, queuedBehind: 0 };
    }
    // End issue 6 --------------------------------------------------------------------------------
    const cron = /^\/cron(?:@\w+)?(?:\s+([\s\S]*))?$/i.exec(text);
    if (cron && this.deps.cron) {
      await this.reply(message, await cronCommand(this.cronDeps(message), (cron[1] ?? '').trim()));
      return { accepted: true, queuedBehind: 0 };
    }
    // Issue 7: /upgrade ------------------------------------------------------------------------
    if (this.deps.upgrade && isUpgradeCommand(text)) {
      await this.reply(message, await upgradeOffer(this.deps.upgrade));
      return { accepted: true, queuedBehind: 0 };
    }
    // End issue 7 --------------------------------------------------------------------------------
    const command = parseCommand(text);
    if (command) {
      if (command.name === 'new' || command.name === 'reset') {
        const reply = await runCommand(this.deps.commands, command.name, command.args, message.chat);
        // A running turn ends with this reply as its final message: one message, not "Stopped" and another.
        this.deps.turn.stopNotices?.set(message.chat, { replyTo: message.messageId, text: reply.text });
        if (this.stopLane(lane, 'new session').aborted) return { accepted: true, queuedBehind: 0 };
        this.deps.turn.stopNotices?.clear(message.chat);
        await this.reply(message, reply);
        return { accepted: true, queuedBehind: 0 };
      }
      await this.reply(message, await runCommand(this.deps.commands, command.name, command.args, message.chat));
      return { accepted: true, queuedBehind: 0 };
    }
    const directive = parseDirective(text, (m) => isKnownModel(m, this.deps.commands.codexModels()));
    if (directive && directive.rest === '') {
      await this.reply(message, plain(texts.nextMessageUses(directive.model)));
      return { accepted: true, queuedBehind: 0 };
    }
    await this.deps.journal.add(message);
    return { accepted: true, queuedBehind: this.enqueue(message, text) };
  }

  cancelQueued(inboundId: string, chat: ChatRef): Promise<{ cancelled: boolean }> {
    const cancelled = this.queue.cancelWaiting(laneOf(chat), inboundId);
    if (cancelled) this.deps.queueUpdate(chat, [inboundId], 'cancelled');
    return this.deps.journal.finish(cancelled ? [inboundId] : []).then(() => ({ cancelled }));
  }

  /** Orderly stop: no new intake, running turns aborted (their journal entries stay for recovery). */
  async stop(): Promise<void> {
    this.accepting = false;
    this.queue.stopAll('agent stopping');
    this.deps.outbox.stop();
    await Promise.race([this.queue.idle(), new Promise((r) => setTimeout(r, STOP_WAIT_MS).unref())]);
  }

  /** Aborts every running turn of this agent (for `/stop_all` from the main agent). */
  stopEverything(reason: string): number {
    const { aborted, dropped } = this.queue.stopAll(reason);
    void this.deps.journal.finish(dropped);
    return aborted + (this.deps.stopBackground?.() ?? 0); // issue 6: background work stops too
  }

  // Automation (scheduler-injected turns: webhook wake, heartbeat) ---------------------------------
  /** True while a turn runs in this chat (a heartbeat then leaves the chat alone). */
  isChatBusy(chat: ChatRef): boolean {
    return this.queue.isBusy(laneOf(chat));
  }

  /** Runs `work` in the chat's lane after whatever waits there: one turn at a time per chat. Not journaled. */
  runInChat<T>(chat: ChatRef, id: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (!this.accepting) return Promise.reject(new Error('agent is stopping'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push(laneOf(chat), { id, run: (signal) => work(signal).then(resolve, reject) });
    });
  }

  /** Runs `text` as one turn of the chat's live session (webhook `wake`); resolves with its final delivery. */
  injectTurn(chat: ChatRef, text: string, origin: string): Promise<Delivery | null> {
    const inbound: Inbound = {
      id: `${origin}:${randomUUID()}`,
      chat,
      userId: chat.chatId,
      messageId: null,
      chatType: chat.chatId < 0 ? 'supergroup' : 'private',
      kind: 'message',
      text,
      receivedAt: new Date().toISOString(),
      attachments: [],
    };
    const outbox = this.deps.turn.outbox;
    let final: Delivery | null = null;
    // Same outbox, but the turn's final delivery is remembered so the caller can tell an empty reply.
    const capturing = Object.create(outbox) as Outbox;
    capturing.send = (delivery) => {
      final = delivery;
      return outbox.send(delivery);
    };
    return this.runInChat(chat, inbound.id, async (signal) => {
      const turnId = randomUUID();
      this.deps.queueUpdate(chat, [], 'started', { turnId, replyTo: null });
      await runChatTurn({ ...this.deps.turn, outbox: capturing }, inbound, text, null, signal, turnId);
      return final;
    });
  }
  // End automation --------------------------------------------------------------------------------

  private enqueue(message: Inbound, text: string, alsoFinish: readonly string[] = []): number {
    return this.queue.push(laneOf(message.chat), {
      id: message.id,
      run: async (signal) => {
        const turnId = randomUUID();
        // The running mark (inbox.json) and the session lookup (sessions.json) go to disk at the
        // same time instead of one after the other; the CLI still starts only once the mark is
        // there, so a crash mid-turn offers a retry rather than replaying the message.
        let markFailed = false;
        const started = this.deps.journal.markRunning(message.id, turnId).then(
          () => this.deps.queueUpdate(message.chat, [message.id], 'started', { turnId, replyTo: message.messageId }),
          (error: unknown) => {
            markFailed = true; // the CLI never starts; the entry stays queued for the replay after a restart
            throw error;
          },
        );
        started.catch(() => undefined); // the turn awaits `started` and fails with its error
        try {
          const directive = parseDirective(text, (m) => isKnownModel(m, this.deps.commands.codexModels()));
          const target: Target | null = directive
            ? { provider: providerForModel(directive.model), model: directive.model, reasoningEffort: this.deps.turn.config().reasoning_effort }
            : null;
          const prompt = directive ? directive.rest : text;
          await runChatTurn(this.deps.turn, message, message.attachments.length > 0 ? await this.mediaTurnPrompt(message, prompt, signal) : prompt, target, signal, turnId, started);
        } finally {
          if (!markFailed) await this.deps.journal.finish([message.id, ...alsoFinish]);
        }
      },
    });
  }

  private async abort(intent: 'stop' | 'stop_all' | 'interrupt', message: Inbound): Promise<void> {
    const lane = laneOf(message.chat);
    if (intent === 'interrupt') {
      const aborted = this.queue.abortRunning(lane, 'interrupt');
      if (!aborted) await this.reply(message, plain(texts.nothingRunning));
      return;
    }
    if (intent === 'stop_all') {
      const local = this.stopEverything('stop_all');
      const others = await this.deps.stopOtherAgents().catch(() => 0);
      await this.reply(message, plain(texts.stoppedAll(local + others)));
      return;
    }
    // The stopped turn's "Stopped" answers the command, not the turn's own message.
    this.deps.turn.stopNotices?.set(message.chat, { replyTo: message.messageId, text: null });
    const { aborted } = this.stopLane(lane, 'stop');
    if (!aborted) {
      this.deps.turn.stopNotices?.clear(message.chat);
      await this.reply(message, plain(texts.nothingRunning));
    }
  }

  private stopLane(lane: string, reason: string): { aborted: boolean } {
    const { aborted, dropped } = this.queue.stop(lane, reason);
    if (dropped.length > 0) {
      const chat = this.deps.journal.find(dropped[0]!)?.inbound.chat;
      void this.deps.journal.finish(dropped);
      if (chat) this.deps.queueUpdate(chat, dropped, 'discarded');
    }
    return { aborted };
  }

  private async callback(message: Inbound): Promise<InboundAck> {
    const data = message.text;
    if (data.startsWith('rt:')) {
      const entry = this.deps.journal.find(data.slice(3));
      if (!entry || entry.state !== 'interrupted') {
        await this.reply(message, plain(texts.retryGone));
        return { accepted: true, queuedBehind: 0 };
      }
      await this.deps.journal.finish([entry.inbound.id]);
      const retry: Inbound = { ...entry.inbound, id: `${entry.inbound.id}:retry:${Date.now()}`, receivedAt: new Date().toISOString() };
      await this.deps.journal.add(retry);
      return { accepted: true, queuedBehind: this.enqueue(retry, retry.text) };
    }
    if (data.startsWith('ms:')) {
      await this.reply(message, await switchModel(this.deps.commands, data.slice(3), message.chat));
      return { accepted: true, queuedBehind: 0 };
    }
    if (data.startsWith('crn:') && this.deps.cron) {
      await this.reply(message, await cronCallback(this.cronDeps(message), data.slice(4)));
      return { accepted: true, queuedBehind: 0 };
    }
    // Issue 7: the /upgrade buttons; the install runs outside the chat queue.
    if (data.startsWith('upg:') && this.deps.upgrade) {
      const upgrade = this.deps.upgrade;
      const say = async (text: string) => {
        await this.deps.outbox.send(noticeDelivery({ deliveryId: `${message.id}:upgrade:${randomUUID()}`, chat: message.chat, text }));
      };
      void upgradeCallback(upgrade, data, message.chat, say).then(
        (reply) => (reply ? this.reply(message, reply) : undefined),
        (error: unknown) => this.deps.log.error({ err: error }, 'upgrade failed'),
      );
      return { accepted: true, queuedBehind: 0 };
    }
    if (data.startsWith('cmd:')) return this.inbound({ ...message, kind: 'message', text: `/${data.slice(4)}` });
    if (data.startsWith('sf!')) {
      // A file picked in /showfiles (the transport resolved the button to a home-relative path).
      const file = await fileFromHome(this.deps.turn.paths.home, data.slice(3));
      await this.reply(message, { text: file.text, format: 'plain', buttons: [], files: file.files });
      return { accepted: true, queuedBehind: 0 };
    }
    // A `[button:Label]` press: the label goes to the agent as the next message.
    const label = data.startsWith('b:') ? data.slice(2) : data;
    const asMessage: Inbound = { ...message, kind: 'message', text: label };
    await this.deps.journal.add(asMessage);
    return { accepted: true, queuedBehind: this.enqueue(asMessage, label) };
  }

  /** The `[INCOMING FILE]` prompt of a media turn, with transcripts when a command is configured. */
  private async mediaTurnPrompt(message: Inbound, caption: string, signal: AbortSignal): Promise<string> {
    const paths = this.deps.turn.paths;
    const command = audioCommandOf(this.deps.turn.config().transcription);
    const transcripts = new Map<string, string>();
    if (command) {
      for (const a of message.attachments) {
        if (a.kind !== 'voice' && a.kind !== 'audio') continue;
        const transcript = await transcribe(command, a.path, paths.workspace, signal);
        if (transcript !== null) transcripts.set(a.path, transcript);
        else this.deps.log.warn({ file: a.path }, 'transcription command failed; the CLI is told about the file only');
      }
    }
    return mediaPrompt(message.attachments, paths.workspace, caption, transcripts);
  }

  private async offerRetry(entry: InboxEntry): Promise<void> {
    const preview = entry.inbound.text.length > 80 ? `${entry.inbound.text.slice(0, 77)}…` : entry.inbound.text;
    await this.deps.outbox.send(noticeDelivery({
      deliveryId: `${entry.inbound.id}:interrupted`,
      chat: entry.inbound.chat,
      replyTo: entry.inbound.messageId,
      text: texts.queuedInterrupted(preview),
      buttons: [[{ label: texts.retryButton, data: `rt:${entry.inbound.id}`.slice(0, 64) }]],
      turnId: entry.turnId,
    }));
  }

  private cronDeps(message: Inbound): CronCommandDeps {
    return {
      ...this.deps.cron!,
      // A later notice of its own: the selector's reply already used `<id>:reply`.
      notify: (text) => {
        this.deps.outbox
          .send(noticeDelivery({ deliveryId: `${message.id}:cron:${randomUUID()}`, chat: message.chat, replyTo: message.messageId, text }))
          .catch((error: unknown) => this.deps.log.error({ err: error }, 'could not queue a /cron notice'));
      },
    };
  }

  private async reply(message: Inbound, reply: Reply): Promise<void> {
    const delivery = noticeDelivery({
      deliveryId: `${message.id}:reply`,
      chat: message.chat,
      replyTo: message.messageId,
      text: reply.text,
      format: reply.format,
      buttons: reply.buttons,
      files: reply.files ?? [],
    });
    // Not awaited: the transport must get its acknowledgement without waiting for Telegram.
    this.deps.outbox.send(delivery).catch((error: unknown) => this.deps.log.error({ err: error }, 'could not queue a reply'));
  }
}

function laneOf(chat: ChatRef): string {
  return storageKey(sessionKeyOf(chat));
}

function plain(text: string, buttons: Button[][] = []): Reply {
  return { text, format: 'plain', buttons };
}
