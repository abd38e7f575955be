/**
 * The agent's message flow: accepts inbound messages (journal first, then acknowledge), answers
 * commands at once, runs turns one at a time per chat, and after a crash resumes the queue and
 * offers a retry for the turn that was cut off.
 */
import { encodeCallback } from '../../../shared/callbacks/callback-data.js';
import { CallbackRouter } from '../../../shared/callbacks/callback-router.js';
import { randomUUID } from '../../../shared/lazy-crypto.js';
import type { Logger } from 'pino';
import { makeInbound, noticeDelivery, type Button, type ChatRef, type Delivery, type Inbound, type InboundAck } from '../../../shared/rpc/conversation-schemas.js';
import type { InboxEntry, InboxJournal } from '../inbox/inbox-journal.js';
import { ChatQueue, isInterruption } from '../inbox/chat-queue.js';
import { AlbumCollector } from '../media/album-collector.js';
import { storageKey } from '../sessions/session-key.js';
import type { Target } from '../sessions/session-manager.js';
import { cronCallback, cronCommands, type CronCommandDeps } from '../commands/cron.js';
import { fileFromHome } from '../commands/send-file.js';
import { ingestAttachments, mediaPrompt } from '../media/ingest.js';
import { audioCommandOf, transcribe } from '../media/transcribe.js';
import { abortIntent } from './abort-words.js';
import { TurnControls } from './turn-controls.js';
import { ChatApprovals } from './chat-approvals.js';
import { logInjectionAttempt } from '../../../shared/security/injection-scan.js';
import { upgradeCallback, upgradeCommands, type UpgradeDeps } from './upgrade-command.js';
import { chatCommands, modelSelectorCallback, sessionResetReply, type CommandDeps, type Reply } from './commands.js';
import { CommandRegistry, type CommandOutcome, type CommandRegistration } from './command-registry.js';
import { controlCommands } from './control-commands.js';
import { parseDirective } from './directives.js';
import { isKnownModel, providerForModel } from '../../../shared/models.js';
import type { Outbox } from './outbox.js';
import { texts } from './texts.js';
import { runChatTurn, sessionKeyOf, type TurnDeps, type TurnEnd } from './turn.js';

/** How long interrupted turns get to end (their CLIs to exit) after the abort (ms). */
const STOP_WAIT_MS = 3_000;
/** How long an orderly stop lets answers already produced reach the transport (ms). */
const DELIVERY_SETTLE_MS = 2_000;

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
  // Named sessions' `@name …` follow-ups; null = not ours.
  intercept?: (message: Inbound, text: string) => Promise<Reply | 'handled' | null>;
  /** `/stop_all` also stops background sessions, async delegations and tasks. */
  stopBackground?: () => number;
  /** `/cron` and its `crn:` buttons; absent = the command is not offered. */
  cron?: Omit<CronCommandDeps, 'notify'>;
  /** Commands of other parts of the agent: `/agents` and `/agent_*`, `/session`, `/sessions`, `/tasks`. */
  extraCommands?: readonly CommandRegistration[];
  // Upgrade from the chat: `/upgrade` and its `upg:` buttons.
  upgrade?: UpgradeDeps;
};

/** The answer to a press or command handled at once: nothing queued behind it. */
const ACCEPTED: InboundAck = { accepted: true, queuedBehind: 0 };

export class AgentService {
  private readonly queue: ChatQueue;
  private readonly controls = new TurnControls();
  private readonly albums = new AlbumCollector(({ merged, partIds }) => {
    this.enqueue(merged, merged.text, partIds.filter((id) => id !== merged.id));
  });
  private accepting = true;
  /** Every slash command this agent answers, by name; /help lists exactly these. */
  private readonly commands = new CommandRegistry();

  constructor(private readonly deps: AgentServiceDeps) {
    this.queue = new ChatQueue((error, id) => deps.log.error({ err: error, inbound: id }, 'turn failed'));
    this.commands
      .registerAll(controlCommands((intent, message) => this.abort(intent, message)))
      .registerAll(chatCommands({ deps: deps.commands, registered: () => this.commands.names(), resetSession: ({ message }) => this.resetSession(message) }))
      .registerAll(deps.cron ? cronCommands((message) => this.cronDeps(message)) : [])
      .registerAll(deps.upgrade ? upgradeCommands(deps.upgrade) : [])
      .registerAll(deps.extraCommands ?? []);
  }

  /** The names of the registered commands (for /help and its test). */
  commandNames(): ReadonlySet<string> {
    return this.commands.names();
  }

  /** Replays the journal: queued messages run again; interrupted turns get a notice with Retry. */
  async start(): Promise<void> {
    await this.deps.outbox.start();
    const { queued, interrupted } = await this.deps.journal.load();
    for (const entry of interrupted) {
      // The turn had produced its answer (it is being delivered again): no Retry besides it.
      if (this.deps.outbox.recoveredAtStart(finalDeliveryId(entry.inbound))) await this.deps.journal.finish([entry.inbound.id]);
      else await this.offerRetry(entry);
    }
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
    // log-only prompt-injection scan of the user's text (pattern names, never the text).
    if (message.text !== '') logInjectionAttempt(message.text, `chat:${message.chat.chatId}`, this.deps.log);
    // media is moved out of the transport's spool into the workspace before journaling,
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

    // An open tool approval of this chat answered by text (transports without buttons).
    const typed = this.deps.turn.approvals?.typedAnswer(message.chat, text);
    if (typed && this.deps.turn.approvals) {
      const reply = await this.deps.turn.approvals.answer(message.chat, null, typed);
      if (reply) await this.reply(message, plain(reply));
      return { accepted: true, queuedBehind: 0 };
    }
    // Commands by name (command-registry.ts); an unknown /command goes on to the CLI as a message.
    const command = this.commands.match(text, message);
    if (command) {
      const outcome = await command();
      if (outcome !== 'handled') await this.reply(message, outcome);
      return ACCEPTED;
    }
    // The bare words ("stop", "esc", …); their slash forms are registered commands.
    const intent = abortIntent(text);
    if (intent) {
      await this.abort(intent, message);
      return ACCEPTED;
    }
    // `@name …` follow-ups of named sessions.
    const intercepted = await this.deps.intercept?.(message, text);
    if (intercepted) {
      if (intercepted !== 'handled') await this.reply(message, intercepted);
      return ACCEPTED;
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

  /**
   * Orderly stop (`ductor stop`, a restart, exit 42, a service stop): no new intake, nothing waiting
   * starts, running turns get `graceMs` to finish and deliver. Turns still running then are
   * interrupted without a "Stopped" answer; the journal keeps them, so the next start offers a
   * Retry (or runs them again when their CLI had not started). Waiting messages run after the start.
   */
  async stop(graceMs: number): Promise<void> {
    this.accepting = false;
    this.queue.hold();
    await within(this.queue.idle(), graceMs);
    const interrupted = this.queue.interruptRunning('agent stopping');
    if (interrupted > 0) this.deps.log.info({ interrupted, graceMs }, 'turns still running after the grace are kept for the next start');
    await within(this.queue.idle(), STOP_WAIT_MS);
    await this.deps.outbox.settle(DELIVERY_SETTLE_MS);
    this.deps.outbox.stop();
  }

  /**
   * The supervisor is gone (killed): a crash, not a stop. Running turns are interrupted at once
   * (their CLIs would run unseen) and kept in the journal as running, so the next start offers a
   * Retry; nothing more is delivered from this process.
   */
  async abandon(): Promise<void> {
    this.accepting = false;
    this.queue.hold();
    this.deps.outbox.stop();
    this.queue.interruptRunning('supervisor lost');
    await within(this.queue.idle(), STOP_WAIT_MS);
  }

  /** Aborts every running turn of this agent (for `/stop_all` from the main agent). */
  stopEverything(reason: string): number {
    const { aborted, dropped } = this.queue.stopAll(reason);
    this.discard(dropped);
    return aborted + (this.deps.stopBackground?.() ?? 0); // background work stops too
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
    const inbound = makeInbound({
      id: `${origin}:${randomUUID()}`,
      chat,
      userId: chat.chatId,
      chatType: chat.chatId < 0 ? 'supergroup' : 'private',
      text,
    });
    // The turn's final delivery is remembered so the caller can tell an empty reply.
    let final: Delivery | null = null;
    const remember = async (delivery: Delivery) => {
      final = delivery;
    };
    return this.runInChat(chat, inbound.id, async (signal) => {
      const turnId = randomUUID();
      this.deps.queueUpdate(chat, [], 'started', { turnId, replyTo: null });
      await runChatTurn(this.deps.turn, { inbound, prompt: text, directive: null, signal, turnId, onFinalProduced: remember });
      return final;
    });
  }

  private enqueue(message: Inbound, text: string, alsoFinish: readonly string[] = []): number {
    const lane = laneOf(message.chat);
    return this.queue.push(lane, {
      id: message.id,
      run: async (signal) => {
        const turnId = randomUUID();
        const interrupt = this.controls.begin(lane);
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
        let end: TurnEnd | null = null;
        let produced = false;
        let failure: unknown = null;
        try {
          const directive = parseDirective(text, (m) => isKnownModel(m, this.deps.commands.codexModels()));
          const target: Target | null = directive
            ? { provider: providerForModel(directive.model), model: directive.model, reasoningEffort: this.deps.turn.config().reasoning_effort }
            : null;
          const prompt = directive ? directive.rest : text;
          const turnDeps = { ...this.deps.turn, abortNote: (chat: ChatRef) => this.controls.takeNote(laneOf(chat)) };
          end = await runChatTurn(turnDeps, {
            inbound: message,
            prompt: message.attachments.length > 0 ? await this.mediaTurnPrompt(message, prompt, signal) : prompt,
            directive: target,
            signal,
            turnId,
            beforeSpawn: started,
            interrupt,
            // The answer is in the outbox: from here a crash redelivers it rather than offering a Retry.
            onFinalProduced: async () => {
              produced = true;
              await this.deps.journal.finish([message.id, ...alsoFinish]);
            },
          });
        } catch (error) {
          failure = error;
          throw error;
        } finally {
          this.controls.end(lane, interrupt);
          if (!markFailed && !produced) {
            // A turn that threw (not a stop): without a word the user would wait for ever and the
            // transport would keep the turn's live message and typing indicator.
            if (failure !== null && !signal.aborted) await this.offerRetryAfterFailure(message, failure);
            else await this.settleUnanswered(message, end, signal, alsoFinish);
          }
        }
      },
    });
  }

  /** A turn that produced no final: kept for the next start, offered a Retry, or finished. */
  private async settleUnanswered(message: Inbound, end: TurnEnd | null, signal: AbortSignal, alsoFinish: readonly string[]): Promise<void> {
    const stoppedByHost = end?.kind === 'interrupted' || (end === null && signal.aborted && isInterruption(signal.reason));
    if (stoppedByHost) {
      // A CLI that never started runs again after the start; one that did gets a Retry there.
      if (end?.kind !== 'interrupted' || !end.spawned) await this.deps.journal.requeue(message.id);
      return;
    }
    if (end?.kind === 'cut-off') {
      await this.deps.journal.markInterrupted(message.id);
      const entry = this.deps.journal.find(message.id);
      if (entry) await this.offerRetry(entry, texts.cliCutOff);
      return;
    }
    await this.deps.journal.finish([message.id, ...alsoFinish]);
  }

  /** `/new`, `/reset`: a running turn ends with the reset's reply as its final message, not "Stopped" and another. */
  private async resetSession(message: Inbound): Promise<CommandOutcome> {
    const reply = await sessionResetReply(this.deps.commands, message.chat);
    this.deps.turn.stopNotices?.set(message.chat, { replyTo: message.messageId, text: reply.text });
    if (this.stopLane(laneOf(message.chat), 'new session').aborted) return 'handled';
    this.deps.turn.stopNotices?.clear(message.chat);
    return reply;
  }

  private async abort(intent: 'stop' | 'stop_all' | 'interrupt', message: Inbound): Promise<void> {
    const lane = laneOf(message.chat);
    if (intent === 'interrupt') {
      // SIGINT, as Esc: the turn answers "Interrupted. Queued messages continue." itself.
      if (!this.controls.interrupt(lane)) await this.reply(message, plain(texts.nothingRunning));
      return;
    }
    if (intent === 'stop_all') {
      // A turn stopped in this chat answers with the count; otherwise the command replies.
      const inThisChat = this.queue.isBusy(lane) ? this.controls.leaveNote(lane) : null;
      const local = this.stopEverything('stop_all');
      const others = await this.deps.stopOtherAgents().catch(() => 0);
      const text = texts.stoppedAll(local + others);
      if (inThisChat) inThisChat(text);
      else await this.reply(message, plain(text));
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
    this.discard(dropped);
    return { aborted };
  }

  /** Dropped queued messages: their indicators say "[Message discarded.]", chat by chat. */
  private discard(dropped: readonly string[]): void {
    if (dropped.length === 0) return;
    const byChat = new Map<string, { chat: ChatRef; ids: string[] }>();
    for (const id of dropped) {
      const chat = this.deps.journal.find(id)?.inbound.chat;
      if (!chat) continue;
      const group = byChat.get(laneOf(chat)) ?? { chat, ids: [] };
      group.ids.push(id);
      byChat.set(laneOf(chat), group);
    }
    void this.deps.journal.finish([...dropped]);
    for (const { chat, ids } of byChat.values()) this.deps.queueUpdate(chat, ids, 'discarded');
  }

  /** Button presses, by kind (the one codec in shared/callbacks); each handler answers its own. */
  private readonly callbacks = new CallbackRouter<Inbound, InboundAck>()
    .on('retry', (inboundId, message) => this.retry(inboundId, message))
    .on('approval', async (payload, message) => {
      const approval = ChatApprovals.parseCallback(payload);
      const reply = approval && this.deps.turn.approvals ? await this.deps.turn.approvals.answer(message.chat, approval.key, approval.decision) : null;
      if (reply) await this.reply(message, plain(reply));
      return ACCEPTED;
    })
    .on('model', async (payload, message) => {
      await this.reply(message, await modelSelectorCallback(this.deps.commands, payload, message.chat, message.messageId));
      return ACCEPTED;
    })
    .on('cron', async (payload, message) => {
      if (this.deps.cron) await this.reply(message, await cronCallback(this.cronDeps(message), payload));
      return ACCEPTED;
    })
    .on('upgrade', (_payload, message) => {
      // The install runs outside the chat queue.
      if (this.deps.upgrade) this.upgradePressed(this.deps.upgrade, message);
      return ACCEPTED;
    })
    .on('command', (command, message) => this.inbound({ ...message, kind: 'message', text: `/${command}` }))
    .on('showFile', async (path, message) => {
      // A file picked in /showfiles (the transport resolved the button to a home-relative path).
      const file = await fileFromHome(this.deps.turn.paths.home, path);
      await this.reply(message, { text: file.text, format: 'plain', buttons: [], files: file.files });
      return ACCEPTED;
    })
    // A `[button:Label]` press: the label goes to the agent as the next message.
    .on('answerButton', async (label, message) => {
      const asMessage: Inbound = { ...message, kind: 'message', text: label };
      await this.deps.journal.add(asMessage);
      return { accepted: true, queuedBehind: this.enqueue(asMessage, label) };
    });

  private async callback(message: Inbound): Promise<InboundAck> {
    // Kinds the transport answers itself (folders of /showfiles, queue cancels) never reach here.
    return (await this.callbacks.dispatch(message.text, message)) ?? ACCEPTED;
  }

  /** Retry of a turn a crash or restart cut off: the same message runs again under a new id. */
  private async retry(inboundId: string, message: Inbound): Promise<InboundAck> {
    const entry = this.deps.journal.find(inboundId);
    if (!entry || entry.state !== 'interrupted') {
      await this.reply(message, plain(texts.retryGone));
      return ACCEPTED;
    }
    await this.deps.journal.finish([entry.inbound.id]);
    const retry: Inbound = { ...entry.inbound, id: `${entry.inbound.id}:retry:${Date.now()}`, receivedAt: new Date().toISOString() };
    await this.deps.journal.add(retry);
    return { accepted: true, queuedBehind: this.enqueue(retry, retry.text) };
  }

  private upgradePressed(upgrade: UpgradeDeps, message: Inbound): void {
    const say = async (text: string) => {
      await this.deps.outbox.send(noticeDelivery({ deliveryId: `${message.id}:upgrade:${randomUUID()}`, chat: message.chat, text }));
    };
    void upgradeCallback(upgrade, message.text, message.chat, say).then(
      (reply) => (reply ? this.reply(message, reply) : undefined),
      (error: unknown) => this.deps.log.error({ err: error }, 'upgrade failed'),
    );
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

  private async offerRetryAfterFailure(message: Inbound, error: unknown): Promise<void> {
    this.deps.log.error({ err: error, inbound: message.id }, 'turn failed; the user is offered a retry');
    try {
      await this.deps.journal.markInterrupted(message.id);
      const entry = this.deps.journal.find(message.id);
      if (entry) await this.offerRetry(entry, texts.turnFailed);
    } catch (notice) {
      this.deps.log.error({ err: notice, inbound: message.id }, 'could not offer a retry for a failed turn');
    }
  }

  /** Queues the notice with Retry (not awaiting its delivery: the start must not wait for the transport). */
  private async offerRetry(entry: InboxEntry, text: (preview: string) => string = texts.queuedInterrupted): Promise<void> {
    const preview = entry.inbound.text.length > 80 ? `${entry.inbound.text.slice(0, 77)}…` : entry.inbound.text;
    await this.deps.outbox.persist(noticeDelivery({
      deliveryId: `${entry.inbound.id}:interrupted`,
      chat: entry.inbound.chat,
      replyTo: entry.inbound.messageId,
      text: text(preview),
      buttons: [[{ label: texts.retryButton, data: encodeCallback('retry', entry.inbound.id) }]],
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
    if (reply.editsMessage !== undefined) delivery.editsMessage = reply.editsMessage;
    // Not awaited: the transport must get its acknowledgement without waiting for Telegram.
    this.deps.outbox.send(delivery).catch((error: unknown) => this.deps.log.error({ err: error }, 'could not queue a reply'));
  }
}

/** The delivery id of a turn's final answer (turn.ts gives it that id). */
function finalDeliveryId(inbound: Inbound): string {
  return `${inbound.id}:final`;
}

async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  })]);
  clearTimeout(timer);
}

function laneOf(chat: ChatRef): string {
  return storageKey(sessionKeyOf(chat));
}

function plain(text: string, buttons: Button[][] = []): Reply {
  return { text, format: 'plain', buttons };
}
