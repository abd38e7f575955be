/**
 * One Matrix account (one agent): login (password once, then the stored token), the sync loop,
 * allowlists, invites, deduplicated intake of room messages and reactions, segment streaming and
 * confirmed, deduplicated deliveries with files and reaction buttons. One room = one chat.
 */
import { catalogue } from '../../../shared/i18n/index.js';
import { randomUUID } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Config } from '../../../shared/config/schema.js';
import type { Logger } from '../../../shared/log/logger.js';
import { mainPaths } from '../../../shared/paths.js';
import { makeInbound, type Attachment, type Button, type ChatRef, type Delivery, type StreamEvent } from '../../../shared/rpc/conversation-schemas.js';
import type { RpcPeer } from '../../../shared/rpc/peer.js';
import { agentTarget } from '../../../shared/rpc/targets.js';
import type { DeliveryLog } from '../delivery-log.js';
import { matrixStoreDir, readCredentials, writeCredentials, type StoredCredentials } from './credentials.js';
import { matrixInboundId, matrixNumericId, RoomDirectory } from './ids.js';
import { BUTTON_KEYS, MatrixNetwork, type MatrixIndicator } from './matrix-network.js';
import { ChatRunner, type QueueUpdate } from '../chat-runner.js';
import { retryWithBackoff } from '../retry-backoff.js';
import type { StreamStates } from '../stream-state.js';
import { openSession, passwordLogin, tokenValid, TooBigError, type MatrixSession, type TimelineEvent } from './matrix-client.js';
import { handleGuarded, type GuardedIntakeOptions } from '../guarded-intake.js';
import { UpdateQuarantine } from '../update-quarantine.js';
import { accessDenied, classifyMessage, malformedEventReason, inviteAllowed, relation, replyTarget, type MatrixPolicy, type MediaContent } from './matrix-ingress.js';
import { SyncState } from './sync-state.js';

const ACK_TIMEOUT_MS = 15_000;
const MEDIA_LIMIT_BYTES = 50 * 1024 * 1024;

export type MatrixRunnerOptions = {
  agent: string;
  config: () => Config;
  peer: RpcPeer;
  deliveries: DeliveryLog;
  /** Which segments each running turn has sent, for a restarted transport to resume. */
  streams: StreamStates;
  log: Logger;
  /** The main home: the media spool lives under its run/ folder. */
  home: string;
  /** The agent's own home: the credential and sync state store. */
  agentHome: string;
};

export class MatrixRunner {
  private session: MatrixSession | null = null;
  private readonly rooms = new RoomDirectory();
  private readonly network: MatrixNetwork;
  private readonly chat: ChatRunner<MatrixIndicator>;
  private readonly stopper = new AbortController();
  private state: SyncState | null = null;
  /** Events are handled one at a time, in the order the sync delivered them. */
  private intake: Promise<void> = Promise.resolve();
  private quarantine: UpdateQuarantine | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly options: MatrixRunnerOptions) {
    this.network = new MatrixNetwork({ session: () => this.session, rooms: this.rooms, config: options.config, log: options.log });
    this.chat = new ChatRunner({ agent: options.agent, network: this.network, deliveries: options.deliveries, streams: options.streams, log: options.log });
  }

  get agent(): string {
    return this.options.agent;
  }

  /** The account this runner was started for; a change of it means a restart. */
  /** The catalogue of the configured `language` (read on each use: the setting is hot). */
  private text() {
    return catalogue(this.options.config().language);
  }

  static identity(config: Config): string {
    return `${config.matrix.homeserver}\n${config.matrix.user_id}`;
  }

  start(): void {
    this.running = this.run().catch((error: unknown) => this.options.log.error({ err: error, agent: this.agent }, 'Matrix client stopped on an error'));
  }

  async stop(): Promise<void> {
    this.stopper.abort();
    await this.session?.stop();
    this.quarantine?.close();
    await this.running;
    await this.intake.catch(() => undefined);
  }

  private async run(): Promise<void> {
    const credentials = await this.withRetry(() => this.login(), 'login');
    if (!credentials || this.stopper.signal.aborted) return;
    const storeDir = matrixStoreDir(this.options.agentHome, this.options.config().matrix);
    this.state = await SyncState.load(join(storeDir, 'sync_state.json'));
    const session = await openSession({
      credentials,
      log: this.options.log,
      storeDir,
      undecryptableNotice: (reason) => this.text().matrixUndecryptable(reason),
    });
    this.session = session;
    if (this.stopper.signal.aborted) return session.stop();
    await session.start({
      onEvent: (event) => this.enqueue(() => this.handleEvent(event)),
      onInvite: (roomId, inviter) => this.enqueue(() => this.handleInvite(roomId, inviter)),
      onSyncError: (error) => this.options.log.warn({ err: error }, 'Matrix sync failed; the client retries'),
    });
    this.options.log.info({ agent: this.agent, userId: credentials.userId }, 'Matrix client syncing');
    this.enqueue(() => this.joinAllowedRooms());
  }

  /** The stored token (config or credentials.json) if the homeserver still accepts it, else a password login. */
  private async login(): Promise<StoredCredentials | null> {
    const { matrix } = this.options.config();
    const log = this.options.log;
    if (!matrix.homeserver || !matrix.user_id) {
      log.error({ agent: this.agent }, 'matrix.homeserver and matrix.user_id are required for the Matrix transport');
      return null;
    }
    const homeserver = matrix.homeserver.replace(/\/+$/, '');
    const storeDir = matrixStoreDir(this.options.agentHome, matrix);
    const configured = matrix.access_token
      ? { homeserver, userId: matrix.user_id, accessToken: matrix.access_token, deviceId: matrix.device_id }
      : null;
    for (const candidate of [configured, await readCredentials(storeDir, homeserver, matrix.user_id)]) {
      if (!candidate) continue;
      if (await tokenValid(candidate)) return candidate;
      log.warn({ agent: this.agent }, 'the homeserver rejected the stored Matrix access token');
    }
    if (!matrix.password) {
      log.error({ agent: this.agent }, 'no usable Matrix access token and no matrix.password to log in with');
      return null;
    }
    const credentials = await passwordLogin(homeserver, matrix.user_id, matrix.password, matrix.device_id || undefined);
    await writeCredentials(storeDir, credentials);
    log.info({ agent: this.agent, deviceId: credentials.deviceId }, 'logged in to Matrix with the password; access token stored in credentials.json');
    return credentials;
  }

  /** Retries network trouble with backoff; a refused login (HTTP 4xx) ends the client with its message. */
  private withRetry<T>(call: () => Promise<T>, what: string): Promise<T | null> {
    return retryWithBackoff({
      call, what: `Matrix ${what}`, signal: this.stopper.signal, log: this.options.log,
      final: (error) => {
        const status = (error as { httpStatus?: number }).httpStatus;
        if (status === undefined || status < 400 || status >= 500 || status === 429) return null;
        return {
          fields: { agent: this.agent, status, errcode: (error as { errcode?: string }).errcode },
          message: `the Matrix homeserver refused the ${what}; check the matrix block and run \`ductor restart\``,
        };
      },
    });
  }

  private enqueue(job: () => Promise<void>): void {
    this.intake = this.intake.then(job).catch((error: unknown) => this.options.log.warn({ err: error }, 'Matrix event not handled'));
  }

  private policy(): MatrixPolicy {
    const config = this.options.config();
    return {
      allowedRooms: config.matrix.allowed_rooms,
      allowedUsers: config.matrix.allowed_users,
      groupMentionOnly: config.group_mention_only,
      botUserId: this.session!.userId,
      botDisplayName: this.session!.displayName(),
    };
  }

  private async joinAllowedRooms(): Promise<void> {
    const session = this.session!;
    const joined = new Set(session.joinedRoomIds());
    for (const room of this.options.config().matrix.allowed_rooms) {
      if (joined.has(room) || this.stopper.signal.aborted) continue;
      try {
        this.rooms.chatIdOf(await session.join(room));
      } catch (error) {
        this.options.log.warn({ room, status: (error as { httpStatus?: number }).httpStatus }, 'could not join an allowed Matrix room');
      }
    }
  }

  private async handleInvite(roomId: string, inviter: string): Promise<void> {
    const session = this.session!;
    if (inviteAllowed(roomId, inviter, this.policy())) {
      await session.join(roomId);
      this.rooms.chatIdOf(roomId);
      this.options.log.info({ roomId }, 'joined a Matrix room on invitation');
    } else {
      // Leaving an invited room is how a client declines the invitation.
      await session.leave(roomId);
      this.options.log.warn({ roomId, inviter }, 'declined a Matrix invitation from outside the allowlists');
    }
  }

  /** Resolves once the event is with the agent, or deliberately dropped. */
  private async handleEvent(event: TimelineEvent): Promise<void> {
    const state = this.state!;
    // The same event id can arrive again (a later sync, a restart's initial sync): it runs once.
    if (!state.isNew(event.eventId, event.ts)) return;
    await state.remember(event.eventId);
    // A sync never hands an event back: it is retried here while the agent is away, or set aside.
    await handleGuarded(this.guard(), { id: event.eventId, raw: event, malformed: malformedEventReason(event) }, () => this.takeEvent(event));
  }

  private guard(): GuardedIntakeOptions {
    const quarantine = (this.quarantine ??= new UpdateQuarantine({
      home: this.options.home, transport: 'mx', agent: this.agent, log: this.options.log,
      language: () => this.options.config().language, notify: (text) => this.notifyPrimary(text),
    }));
    return { signal: this.stopper.signal, log: this.options.log, client: `matrix ${this.agent}`, onQuarantine: (poison) => quarantine.record(poison) };
  }

  private async takeEvent(event: TimelineEvent): Promise<void> {
    const session = this.session!;
    const room = session.room(event.roomId);
    const log = this.options.log;
    if (event.type === 'm.reaction') return this.handleReaction(event);
    const target = replyTarget(event.content);
    const repliedToBot = target !== null && session.senderOf(event.roomId, target) === session.userId;
    const decision = classifyMessage(event, room, this.policy(), repliedToBot);
    if (decision.kind === 'drop') {
      log.debug({ eventId: event.eventId, reason: decision.reason }, 'Matrix event dropped');
      return;
    }
    const chat = this.network.chatOf(event.roomId);
    const inbound = makeInbound({
      id: matrixInboundId(this.session!.userId, chat.chatId, event.eventId),
      chat,
      userId: matrixNumericId(event.sender),
      messageId: this.network.numberOf(event.eventId),
      chatType: decision.isDirect ? 'private' : 'group',
      text: decision.text,
    });
    if (decision.media) {
      const attachments = await this.download(decision.media, event);
      if (!attachments) return;
      inbound.attachments = attachments;
    }
    const ack = await this.options.peer.request('inbound', inbound, { target: agentTarget(this.agent), timeoutMs: ACK_TIMEOUT_MS });
    if (ack.queuedBehind > 0) await this.chat.queued(inbound.id, chat, inbound.messageId);
  }

  /** A reaction on a bot message with buttons presses the button the emoji stands for. */
  private async handleReaction(event: TimelineEvent): Promise<void> {
    const rel = relation(event.content);
    if (rel?.rel_type !== 'm.annotation' || !rel.event_id || !rel.key) return;
    const buttons = this.network.buttonsOf(rel.event_id);
    const index = BUTTON_KEYS.indexOf(rel.key as (typeof BUTTON_KEYS)[number]);
    const button = buttons?.[index];
    if (!button) return;
    const room = this.session!.room(event.roomId);
    // Reacting to the bot's own message addresses the bot.
    const denied = accessDenied(event, room, this.policy(), true);
    if (denied) {
      this.options.log.debug({ eventId: event.eventId, reason: denied }, 'Matrix reaction dropped');
      return;
    }
    const chat = this.network.chatOf(event.roomId);
    await this.options.peer.request('inbound', makeInbound({
      id: matrixInboundId(this.session!.userId, chat.chatId, event.eventId),
      chat,
      userId: matrixNumericId(event.sender),
      messageId: this.network.numberOf(rel.event_id),
      chatType: room?.isDirect ? 'private' : 'group',
      kind: 'callback',
      text: button.data,
    }), { target: agentTarget(this.agent), timeoutMs: ACK_TIMEOUT_MS });
  }

  /** Downloads an `mxc://` file into the agent's spool, as Telegram's media intake does. */
  private async download(media: MediaContent, event: TimelineEvent): Promise<Attachment[] | null> {
    const spool = join(mainPaths(this.options.home).runDir, 'spool', this.agent);
    await mkdir(spool, { recursive: true });
    const uniqueId = event.eventId.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 40) || 'file';
    const target = join(spool, `${randomUUID()}-${uniqueId}`);
    try {
      if (media.sizeBytes > MEDIA_LIMIT_BYTES) throw new TooBigError(media.sizeBytes, MEDIA_LIMIT_BYTES);
      await writeFile(target, await this.session!.download(media.url, MEDIA_LIMIT_BYTES));
    } catch (error) {
      const notice = error instanceof TooBigError
        ? this.text().fileTooBig(basename(media.name))
        : this.text().fileDownloadFailed(basename(media.name));
      if (!(error instanceof TooBigError)) this.options.log.warn({ err: error }, 'Matrix media download failed');
      await this.network.sendPlain(event.roomId, notice, 'notice').catch(() => undefined);
      return null;
    }
    const kind: Attachment['kind'] = media.msgtype === 'm.image' ? 'photo'
      : media.msgtype === 'm.audio' ? (media.voice ? 'voice' : 'audio')
      : media.msgtype === 'm.video' ? 'video' : 'document';
    const sizeBytes = (await stat(target)).size;
    return [{ path: target, kind, mime: media.mime, originalName: basename(media.name), sizeBytes, uniqueId }];
  }

  // Agent → Matrix: the shared chat runner ------------------------------------------------------

  stream(turnId: string, chat: ChatRef, replyTo: number | null, events: StreamEvent[]): void {
    this.chat.stream(turnId, chat, replyTo, events);
  }

  queueUpdate(update: QueueUpdate): void {
    this.chat.queueUpdate(update);
  }

  deliver(delivery: Delivery): Promise<{ messageIds: number[]; duplicate: boolean }> {
    return this.chat.deliver(delivery);
  }

  /** An operational notice goes to the first allowed room (the agent's primary chat on Matrix). */
  notifyPrimary(text: string, buttons: Button[][] = []): Promise<number> {
    return this.chat.notifyPrimary(text, buttons);
  }
}
