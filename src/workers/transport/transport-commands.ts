/**
 * The chat commands the bot answers itself, without the agent:
 * `/showfiles` navigation, `/where`, `/leave <id>` and `/restart` with its sentinel. They never
 * wait in the chat queue. Opening a file in `/showfiles` is forwarded to the agent, which owns
 * its files and decides what may leave.
 */
import { decodeCallback, encodeCallback } from '../../shared/callbacks/callback-data.js';
import { readFile, rm } from 'node:fs/promises';
import * as z from 'zod/mini';
import '../../shared/zod-english.js';
import { catalogue, type Catalogue } from '../../shared/i18n/index.js';
import { mainPaths } from '../../shared/paths.js';
import type { Inbound } from '../../shared/rpc/conversation-schemas.js';
import type { RpcPeer } from '../../shared/rpc/peer.js';
import { writeFileAtomic } from '../../shared/store/atomic-write.js';
import { packageInfo } from '../../shared/package-info.js';
import { consumeUpgradeSentinel, upgradeReport } from '../../shared/upgrade/upgrade-steps.js';
import type { ChatActivity, ChatEntry } from './chat-activity.js';
import type { ChatOutbox } from './outbox.js';
import type { FileBrowser } from './showfiles.js';
import type { TelegramBot, TransportLog } from './telegram-bot.js';

const RestartSentinelSchema = z.object({
  chat_id: z.int(),
  message: z.string(),
  timestamp: z.optional(z.string()),
  /** Which agent's bot answers (a sub-agent's /restart is confirmed by its own bot). */
  agent: z._default(z.string(), 'main'),
});

export type LocalCommandContext = {
  agent: string;
  home: string;
  language: string;
  bot: TelegramBot;
  outbox: ChatOutbox;
  peer: RpcPeer;
  activity: ChatActivity;
  browser: FileBrowser;
  log: TransportLog;
};

/** `handled`: answered here. `forward`: send this (rewritten) inbound to the agent. `null`: not ours. */
export type LocalOutcome = { kind: 'handled' } | { kind: 'forward'; inbound: Inbound } | null;

const LOCAL_COMMANDS = new Set(['showfiles', 'where', 'leave', 'restart']);

export async function handleLocally(ctx: LocalCommandContext, inbound: Inbound): Promise<LocalOutcome> {
  const text = catalogue(ctx.language);
  if (inbound.kind === 'callback') return handleCallback(ctx, text, inbound);
  if (inbound.attachments.length > 0) return null;
  const match = /^\/([a-z_]+)(?:@\w+)?(?:\s+([\s\S]*))?$/i.exec(inbound.text.trim());
  const name = match?.[1]?.toLowerCase();
  if (!name || !LOCAL_COMMANDS.has(name)) return null;
  const args = (match?.[2] ?? '').trim();
  const reply = (body: string, keyboard?: Parameters<ChatOutbox['send']>[0]['replyMarkup']) =>
    ctx.outbox.send({ text: body, threadId: inbound.chat.topicId ?? undefined, replyToMessageId: inbound.messageId ?? undefined, replyMarkup: keyboard });
  switch (name) {
    case 'showfiles': {
      const listing = await ctx.browser.list('', labels(text));
      await reply(listing.text, listing.keyboard);
      break;
    }
    case 'where':
      await reply(whereText(text, await ctx.activity.list(ctx.agent)));
      break;
    case 'leave': {
      if (args === '') {
        await reply(text.leaveUsage);
        break;
      }
      if (!/^-?\d+$/.test(args)) {
        await reply(text.leaveInvalid(args));
        break;
      }
      const chatId = Number(args);
      try {
        await ctx.bot.leaveChat(chatId);
        const known = await ctx.activity.find(ctx.agent, chatId);
        await ctx.activity.record(ctx.agent, { id: chatId, title: known?.title, type: known?.type ?? 'group' }, 'left');
        await reply(text.leaveDone(chatId));
      } catch (error) {
        ctx.log.warn({ err: error, chatId }, 'leaveChat failed');
        await reply(text.leaveFailed(chatId));
      }
      break;
    }
    case 'restart': {
      const sentinel = { chat_id: inbound.chat.chatId, message: text.restartDone, timestamp: new Date().toISOString(), agent: ctx.agent };
      await writeFileAtomic(mainPaths(ctx.home).restartSentinelFile, `${JSON.stringify(sentinel, null, 2)}\n`);
      await reply(text.restarting);
      // The supervisor restarts every worker, this one included; the answer may never arrive.
      void ctx.peer.request('restartAll', { reason: '/restart' }, { timeoutMs: 10_000 }).catch((error: unknown) => ctx.log.warn({ err: error }, 'restartAll request ended without an answer'));
      break;
    }
  }
  return { kind: 'handled' };
}

async function handleCallback(ctx: LocalCommandContext, text: Catalogue, inbound: Inbound): Promise<LocalOutcome> {
  const data = inbound.text;
  const pressed = decodeCallback(data);
  if (pressed.kind !== 'showFolder' && pressed.kind !== 'showFile') return null;
  const rel = ctx.browser.pathOf(pressed.payload);
  if (rel === undefined) {
    await ctx.outbox.send({ text: text.showfilesExpired, threadId: inbound.chat.topicId ?? undefined });
    return { kind: 'handled' };
  }
  if (pressed.kind === 'showFile') return { kind: 'forward', inbound: { ...inbound, text: encodeCallback('showFile', rel) } };
  if (inbound.messageId === null) return { kind: 'handled' };
  try {
    const listing = await ctx.browser.list(rel, labels(text));
    await ctx.outbox.edit({ messageId: inbound.messageId, text: listing.text, replyMarkup: listing.keyboard });
  } catch (error) {
    ctx.log.warn({ err: error }, 'showfiles could not list a folder');
    await ctx.outbox.send({ text: text.showfilesExpired, threadId: inbound.chat.topicId ?? undefined });
  }
  return { kind: 'handled' };
}

function labels(text: Catalogue) {
  return { title: text.showfilesTitle, empty: text.showfilesEmpty, up: text.showfilesUp };
}

function whereText(text: Catalogue, chats: ChatEntry[]): string {
  // Sent as plain text: the id stays copyable without Markdown marks around it.
  const line = (c: ChatEntry) => `${c.chat_id} — ${c.title} (${c.type})`;
  // A refused group is left at once, so its status is auto_left; its rejections still count.
  const refused = (c: ChatEntry) => c.reject_count > 0 && c.status !== 'active';
  const section = (title: string, list: string[]) => `${title}:\n${list.length > 0 ? list.join('\n') : `  ${text.whereNone}`}`;
  return [
    text.whereTitle,
    section(text.whereActive, chats.filter((c) => c.status === 'active').map(line)),
    section(text.whereRejected, chats.filter(refused).map((c) => `${line(c)} — ${text.whereRejectCount(c.reject_count)}`)),
    section(text.whereLeft, chats.filter((c) => ['left', 'kicked', 'auto_left'].includes(c.status) && !refused(c)).map((c) => `${line(c)} [${c.status}]`)),
  ].join('\n\n');
}

/** Sends the restart sentinel's message (once) if this bot's agent wrote it; a bad sentinel is deleted. */
export async function consumeRestartSentinel(home: string, agent: string, send: (chatId: number, text: string) => Promise<unknown>, log: TransportLog): Promise<void> {
  const file = mainPaths(home).restartSentinelFile;
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch {
    return; // no sentinel: an ordinary start
  }
  let parsed: z.infer<typeof RestartSentinelSchema>;
  try {
    parsed = RestartSentinelSchema.parse(JSON.parse(raw));
  } catch (error) {
    log.warn({ err: error }, 'restart sentinel unreadable; deleted');
    await rm(file, { force: true });
    return;
  }
  if (parsed.agent !== agent) return;
  await rm(file, { force: true });
  await send(parsed.chat_id, parsed.message).catch((error: unknown) => log.warn({ err: error }, 'could not send the restart message'));
}

// upgrade sentinel ---------------------------------------------------------------------
/**
 * After a restart that followed `/upgrade`: tells the chat that asked whether the new version
 * runs ("upgrade complete a → b") or the old one still does. Read once and deleted, like the
 * restart sentinel; the main agent's bot reports it.
 */
export async function consumeUpgradeSentinelAndReport(home: string, send: (chatId: number, text: string) => Promise<unknown>, log: TransportLog): Promise<void> {
  const sentinel = await consumeUpgradeSentinel(home);
  if (!sentinel || sentinel.chat_id === null) return;
  const report = upgradeReport(sentinel, packageInfo().version);
  log.info({ from: sentinel.old_version, to: sentinel.new_version }, report);
  await send(sentinel.chat_id, report).catch((error: unknown) => log.warn({ err: error }, 'could not send the upgrade report'));
}
