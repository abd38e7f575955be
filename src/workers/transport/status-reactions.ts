/**
 * Reactions on the user's message while its turn runs (`scene`): 👀 when it arrived
 * (`seen_reaction`), then a stage emoji while the agent works (`status_reaction`: 🤔 thinking,
 * a tool's emoji, 💯 for system events such as compacting or a timeout warning), cleared when
 * the answer is there (back to 👀 when `seen_reaction` is on), 😢 when the turn failed.
 * Consecutive identical stages are sent once. Reactions are a courtesy: a chat whose reactions are
 * restricted gets the fallback emoji once, and a chat that refuses reactions altogether is not
 * asked again, so nothing in the turn waits on or fails because of them.
 */
import { TelegramApiError } from './telegram-bot.js';

export const SEEN = '👀';
export const THINKING = '🤔';
export const SYSTEM = '💯';
export const FAILED = '😢';
/** Tried once when a chat refuses a stage emoji: the most widely allowed reaction. */
export const FALLBACK = '👍';

/** Tool-name prefix → emoji; the first matching prefix wins, anything else thinks. */
const TOOL_EMOJI: readonly (readonly [readonly string[], string])[] = [
  [['read', 'grep', 'glob', 'ls', 'search', 'webfetch', 'websearch'], '👀'],
  [['edit', 'write', 'multiedit', 'str_replace', 'notebookedit'], '✍️'],
  [['bash', 'shell', 'run', 'exec', 'command'], '👨‍💻'],
];

export function toolEmoji(toolName: string): string {
  const lower = toolName.toLowerCase();
  return TOOL_EMOJI.find(([prefixes]) => prefixes.some((p) => lower.startsWith(p)))?.[1] ?? THINKING;
}

export type SceneSettings = { seen_reaction: boolean; status_reaction: boolean };

export interface ReactionSender {
  setMessageReaction(chatId: number, messageId: number, emoji: string | undefined): Promise<void>;
}

export type ReactionLog = { debug(obj: object, msg?: string): void };

type Target = { chatId: number; messageId: number };

/** Messages whose shown emoji is remembered; far more than the turns one bot runs at once. */
const REMEMBERED = 500;

export class StatusReactions {
  /** Emoji currently shown per message (`chat:message`), so a repeated stage costs no call. */
  private readonly current = new Map<string, string | undefined>();
  /** Chats that refused reactions: not asked again while this process runs. */
  private readonly refused = new Set<number>();
  /** Calls per message run one after another, so Telegram ends on the last stage, not a late earlier one. */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly options: { sender: ReactionSender; scene: () => SceneSettings; log: ReactionLog }) {}

  /** The message arrived (before its turn runs, perhaps behind others). */
  seen(target: Target): void {
    const scene = this.options.scene();
    if (scene.seen_reaction) this.apply(target, SEEN);
  }

  thinking(target: Target): void {
    if (this.options.scene().status_reaction) this.apply(target, THINKING);
  }

  tool(target: Target, toolName: string): void {
    if (this.options.scene().status_reaction) this.apply(target, toolEmoji(toolName));
  }

  system(target: Target): void {
    if (this.options.scene().status_reaction) this.apply(target, SYSTEM);
  }

  /** The turn ended: cleared on an answer (👀 stays with seen_reaction), 😢 on a failure. */
  finished(target: Target, outcome: 'answer' | 'error' | 'aborted'): void {
    const scene = this.options.scene();
    const key = keyOf(target);
    if (!scene.status_reaction) {
      this.current.delete(key);
      return;
    }
    const emoji = outcome === 'error' ? FAILED : scene.seen_reaction ? SEEN : undefined;
    this.apply(target, emoji);
    this.current.delete(key);
  }

  private apply(target: Target, emoji: string | undefined): void {
    if (this.refused.has(target.chatId)) return;
    const key = keyOf(target);
    if (this.current.has(key) && this.current.get(key) === emoji) return;
    if (!this.current.has(key) && emoji === undefined) return; // nothing of ours to clear
    this.current.delete(key); // re-inserted last: the oldest entries are the ones dropped below
    this.current.set(key, emoji);
    // A message whose turn never finishes (a command the agent answers, a cancelled queued
    // message) is never cleared: only the latest messages are remembered.
    while (this.current.size > REMEMBERED) this.current.delete(this.current.keys().next().value as string);
    const next = (this.chains.get(key) ?? Promise.resolve()).then(() => this.send(target, emoji));
    this.chains.set(key, next);
    // A chain is only needed while its calls are pending; a later call starts a new one.
    void next.then(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }

  private async send(target: Target, emoji: string | undefined): Promise<void> {
    try {
      await this.options.sender.setMessageReaction(target.chatId, target.messageId, emoji);
    } catch (error) {
      if (emoji !== undefined && emoji !== FALLBACK && isReactionInvalid(error)) {
        // The chat allows only some reactions: show the most common one instead of nothing.
        this.current.set(keyOf(target), FALLBACK);
        await this.options.sender.setMessageReaction(target.chatId, target.messageId, FALLBACK).catch(() => this.refuse(target.chatId, error));
        return;
      }
      if (error instanceof TelegramApiError && error.errorCode === 400) this.refuse(target.chatId, error);
      else this.options.log.debug({ err: String(error) }, 'reaction not set');
    }
  }

  private refuse(chatId: number, error: unknown): void {
    this.refused.add(chatId);
    this.options.log.debug({ chatId, err: String(error) }, 'reactions are not allowed in this chat; not trying again');
  }
}

function keyOf(target: Target): string {
  return `${target.chatId}:${target.messageId}`;
}

function isReactionInvalid(error: unknown): boolean {
  return error instanceof TelegramApiError && error.errorCode === 400 && /REACTION_INVALID/i.test(error.description);
}
