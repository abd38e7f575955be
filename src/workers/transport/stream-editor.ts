// Drives one turn's live Telegram message from semantic stream events: throttled edits, overflow, status line, typing.
import { extractButtons } from './button-markers.js';
import { escapeHtml, markdownToTelegramHtml } from './markdown-to-html.js';
import type { ChatOutbox, EditStatus } from './outbox.js';
import { sendRichText } from './rich-send.js';
import type { ChatId, TelegramSender, TransportLog } from './telegram-bot.js';

/** The `streaming` block of config.json. */
export interface StreamingSettings {
  enabled: boolean;
  min_chars: number;
  max_chars: number;
  idle_ms: number;
  edit_interval_seconds: number;
  max_edit_failures: number;
  append_mode: boolean;
  show_tool_progress: boolean;
  show_thinking_indicator: boolean;
}

export const DEFAULT_STREAMING: StreamingSettings = {
  enabled: true,
  min_chars: 200,
  max_chars: 4000,
  idle_ms: 800,
  edit_interval_seconds: 2,
  max_edit_failures: 3,
  append_mode: false,
  show_tool_progress: true,
  show_thinking_indicator: true,
};

/** Telegram shows "typing…" for about 5 s; renew a little before it fades. */
const TYPING_INTERVAL_MS = 4_000;

export type StreamEvent =
  | { type: 'text'; delta: string }
  | { type: 'tool'; name: string }
  | { type: 'thinking' }
  /** A system line (compacting, a timeout warning, live reasoning): shown as is, never as a tool. */
  | { type: 'status'; label: string }
  | { type: 'final'; text: string }
  | { type: 'error'; message: string };

export interface StreamEditorOptions {
  outbox: ChatOutbox;
  /** For the typing indicator, which is not paced by the outbox (Telegram does not count it). */
  sender: Pick<TelegramSender, 'sendChatAction'>;
  chatId: ChatId;
  /** Forum topic: every send and the typing indicator carry it. */
  threadId?: number;
  /** The user's message; the first message of the turn replies to it. */
  replyToMessageId?: number;
  settings?: Partial<StreamingSettings>;
  typingIntervalMs?: number;
  log?: TransportLog;
  /** Told the ids of the turn's live messages whenever one more is on Telegram (persisted for a restart). */
  onMessageIds?: (ids: number[]) => void;
}

export interface TurnOutcome {
  /** Messages that hold the answer, in order (progress messages finalized in place, or a fresh rich send). */
  answerMessageIds: number[];
  /** Progress messages deleted after the answer was confirmed. */
  deletedMessageIds: number[];
  /** False when the turn was aborted before a final answer. */
  answered: boolean;
}

interface LiveMessage {
  id: number | undefined;
  sending: Promise<number> | undefined;
  /** Markdown this message stands for. */
  markdown: string;
  /** Last HTML handed to Telegram, to skip edits that would change nothing. */
  shown: string | undefined;
  /** Markdown already shown (append mode sends only what came after). */
  shownMarkdown: string;
  sealed: boolean;
}

/** One per turn. Feed events with `push`; `done` settles once the final answer is confirmed sent. */
export class StreamEditor {
  readonly settings: StreamingSettings;
  readonly #o: StreamEditorOptions;
  readonly #messages: LiveMessage[] = [];
  readonly #done: Promise<TurnOutcome>;
  #settle!: { resolve: (outcome: TurnOutcome) => void; reject: (error: unknown) => void };
  #streamed = '';
  #status: { label: string; count: number } | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  #editTimer: NodeJS.Timeout | undefined;
  #typingTimer: NodeJS.Timeout | undefined;
  #lastFlushAt = 0;
  #editFailures = 0;
  #appendMode: boolean;
  #finished = false;
  /** Live edits not yet settled; finalizing waits for them so nothing lands after the final render. */
  readonly #edits = new Set<Promise<unknown>>();

  constructor(options: StreamEditorOptions) {
    this.#o = options;
    this.settings = { ...DEFAULT_STREAMING, ...options.settings };
    this.#appendMode = this.settings.append_mode;
    this.#done = new Promise<TurnOutcome>((resolve, reject) => (this.#settle = { resolve, reject }));
    // The caller may only look at done() later; an early failure must not count as unhandled meanwhile.
    this.#done.catch(() => undefined);
    this.#startTyping();
  }

  /** Settles when the turn's answer (or error notice) is confirmed sent and progress messages are cleaned up. */
  done(): Promise<TurnOutcome> {
    return this.#done;
  }

  push(event: StreamEvent): void {
    if (this.#finished) return;
    switch (event.type) {
      case 'text':
        this.#streamed += event.delta;
        if (!this.settings.enabled || event.delta.length === 0) return;
        // Text after a tool seals the tool block: the status line goes away with the next render.
        this.#status = undefined;
        this.#current().markdown += event.delta;
        this.#schedule(false);
        return;
      case 'tool':
        if (this.settings.enabled && this.settings.show_tool_progress) this.#setStatus(`🔧 ${event.name}`);
        return;
      case 'thinking':
        if (this.settings.enabled && this.settings.show_thinking_indicator) this.#setStatus('💭 Thinking…');
        return;
      case 'status':
        if (this.settings.enabled) this.#setStatus(event.label);
        return;
      case 'final':
        this.#finish(() => this.#deliverFinal(event.text));
        return;
      case 'error':
        this.#finish(() => this.#deliverError(event.message));
        return;
    }
  }

  /** The turn was stopped: keep what was shown (without the status line) and stop typing. */
  abort(): void {
    this.#finish(async () => {
      await this.#finalizeProgress([]);
      return { answerMessageIds: [], deletedMessageIds: [], answered: false };
    });
  }

  #setStatus(label: string): void {
    this.#status = this.#status?.label === label ? { label, count: this.#status.count + 1 } : { label, count: 1 };
    // Forced flush: the user should see activity at once, not after min_chars of text.
    this.#schedule(true);
  }

  #current(): LiveMessage {
    const last = this.#messages[this.#messages.length - 1];
    if (last && !last.sealed) return last;
    const fresh: LiveMessage = { id: undefined, sending: undefined, markdown: '', shown: undefined, shownMarkdown: '', sealed: false };
    this.#messages.push(fresh);
    return fresh;
  }

  #schedule(force: boolean): void {
    const current = this.#current();
    if (current.sending) return; // The send's completion schedules again.
    if (current.id === undefined) {
      if (force || current.markdown.length >= this.settings.min_chars) return this.#flush();
      if (current.markdown.trim().length === 0) return;
      clearTimeout(this.#idleTimer);
      this.#idleTimer = setTimeout(() => this.#flush(), this.settings.idle_ms);
      this.#idleTimer.unref();
      return;
    }
    const waitMs = this.#lastFlushAt + this.settings.edit_interval_seconds * 1000 - Date.now();
    if (waitMs <= 0) return this.#flush();
    if (this.#editTimer) return;
    this.#editTimer = setTimeout(() => {
      this.#editTimer = undefined;
      this.#flush();
    }, waitMs);
    this.#editTimer.unref();
  }

  #flush(): void {
    if (this.#finished) return;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    this.#lastFlushAt = Date.now();
    this.#overflow();
    const current = this.#current();
    if (current.sending) return; // Its completion schedules the next render.
    if (this.#appendMode && current.id !== undefined) {
      // Append mode: what came since the last flush goes out as a new message; nothing is edited.
      const fresh = current.markdown.slice(current.shownMarkdown.length);
      if (fresh.trim().length === 0) return;
      current.markdown = current.shownMarkdown;
      current.sealed = true;
      this.#current().markdown = fresh;
      return this.#flush();
    }
    const html = this.#render(current, !this.#appendMode);
    if (html === undefined || html === current.shown) return;
    if (current.id === undefined) this.#sendLive(current, html);
    else this.#editLive(current, html);
  }

  /** Past max_chars the current message is sealed with what fits and the rest continues in a new one. */
  #overflow(): void {
    for (;;) {
      const current = this.#current();
      const html = this.#render(current, true) ?? '';
      if (html.length <= this.settings.max_chars) return;
      const [head, tail] = splitMarkdown(current.markdown, this.settings.max_chars);
      current.markdown = head;
      current.sealed = true;
      const sealedHtml = this.#render(current, false);
      if (sealedHtml !== undefined && sealedHtml !== current.shown) {
        if (current.id === undefined && !current.sending) this.#sendLive(current, sealedHtml);
        else this.#whenSent(current, () => this.#editLive(current, sealedHtml));
      }
      this.#current().markdown = tail;
    }
  }

  #render(message: LiveMessage, withStatus: boolean): string | undefined {
    const body = message.markdown.trim() ? markdownToTelegramHtml(extractButtons(message.markdown).text) : '';
    const status =
      withStatus && this.#status && message === this.#messages[this.#messages.length - 1]
        ? `<i>${escapeHtml(this.#status.label)}${this.#status.count > 1 ? ` … x${this.#status.count}` : ''}</i>`
        : '';
    const html = [body, status].filter(Boolean).join('\n\n');
    return html.trim() ? html : undefined;
  }

  #sendLive(message: LiveMessage, html: string): void {
    const isFirst = message === this.#messages[0];
    message.shown = html;
    message.shownMarkdown = message.markdown;
    message.sending = this.#o.outbox.send({
      text: html,
      parseMode: 'HTML',
      threadId: this.#o.threadId,
      replyToMessageId: isFirst ? this.#o.replyToMessageId : undefined,
    });
    message.sending.then(
      (id) => {
        message.id = id;
        message.sending = undefined;
        this.#reportIds();
        if (!message.sealed && !this.#finished) this.#schedule(false);
      },
      (error: unknown) => {
        message.sending = undefined;
        message.shown = undefined;
        this.#o.log?.warn({ chatId: this.#o.chatId, err: String(error) }, 'live message could not be sent');
      },
    );
  }

  #editLive(message: LiveMessage, html: string): void {
    if (message.id === undefined) return;
    message.shown = html;
    message.shownMarkdown = message.markdown;
    const edit = this.#o.outbox.edit({ messageId: message.id, text: html, parseMode: 'HTML' }).then(
      (status) => this.#countEdit(status),
      (error: unknown) => {
        this.#o.log?.warn({ chatId: this.#o.chatId, err: String(error) }, 'live edit failed');
        this.#countEdit('gone');
      },
    );
    this.#edits.add(edit);
    void edit.finally(() => this.#edits.delete(edit));
  }

  #countEdit(status: EditStatus): void {
    if (status !== 'gone') {
      this.#editFailures = 0;
      return;
    }
    this.#editFailures++;
    if (this.#editFailures >= this.settings.max_edit_failures && !this.#appendMode) {
      this.#o.log?.warn({ chatId: this.#o.chatId, failures: this.#editFailures }, 'live edits keep failing; switching to append mode');
      this.#appendMode = true;
    }
  }

  #whenSent(message: LiveMessage, then: () => void): void {
    if (message.sending) void message.sending.then(then, () => undefined);
    else then();
  }

  #startTyping(): void {
    const tick = (): void => {
      this.#o.sender.sendChatAction(this.#o.chatId, 'typing', this.#o.threadId).catch((error: unknown) => {
        // Typing is a courtesy; a failed one must not disturb the turn.
        this.#o.log?.debug({ chatId: this.#o.chatId, err: String(error) }, 'typing indicator failed');
      });
    };
    tick();
    this.#typingTimer = setInterval(tick, this.#o.typingIntervalMs ?? TYPING_INTERVAL_MS);
    this.#typingTimer.unref();
  }

  #finish(work: () => Promise<TurnOutcome>): void {
    if (this.#finished) return;
    this.#finished = true;
    clearTimeout(this.#idleTimer);
    clearTimeout(this.#editTimer);
    clearInterval(this.#typingTimer);
    this.#status = undefined;
    work().then(this.#settle.resolve, this.#settle.reject);
  }

  async #deliverFinal(finalText: string): Promise<TurnOutcome> {
    await this.#settleSends();
    const streamed = this.#streamed.trim();
    const final = finalText.trim();
    const live = this.#messages.filter((m) => m.markdown.trim());
    const inPlace =
      this.settings.enabled && streamed.length > 0 && live.length > 0 && (final === '' || streamed.includes(final) || final.startsWith(streamed));
    if (inPlace) {
      // The live messages already hold the answer: add any tail the stream missed, then make them final.
      if (final.startsWith(streamed) && final.length > streamed.length) {
        this.#current().markdown += finalText.slice(finalText.indexOf(streamed) + streamed.length);
      }
      const ids = await this.#finalizeInPlace();
      if (ids) return { answerMessageIds: ids, deletedMessageIds: [], answered: true };
      // A live message vanished (deleted by the user): send the whole answer fresh instead.
    }
    if (this.settings.enabled && live.length > 0 && final !== '') {
      // The final text differs from what streamed: the live message becomes the answer.
      this.#replaceLive(live, finalText);
      const ids = await this.#finalizeInPlace();
      if (ids) return { answerMessageIds: ids, deletedMessageIds: [], answered: true };
    }
    const answer = final || streamed;
    const ids = answer ? await this.#richSend(answer) : [];
    const deleted = await this.#finalizeProgress(ids);
    return { answerMessageIds: ids, deletedMessageIds: deleted, answered: true };
  }

  /**
   * The first live message takes the whole final text (overflowing into new messages as needed);
   * the other live messages are emptied, so the final render deletes them.
   */
  #replaceLive(live: LiveMessage[], finalText: string): void {
    const [keep] = live;
    if (!keep) return;
    const others = this.#messages.filter((m) => m !== keep);
    for (const message of others) {
      message.markdown = '';
      message.sealed = true;
    }
    keep.markdown = finalText;
    keep.sealed = false;
    // The kept message goes last so that overflow continues after it.
    this.#messages.splice(0, this.#messages.length, ...others, keep);
  }

  async #deliverError(message: string): Promise<TurnOutcome> {
    await this.#settleSends();
    const id = await this.#o.outbox.send({
      text: `⚠️ ${escapeHtml(message)}`,
      parseMode: 'HTML',
      threadId: this.#o.threadId,
      replyToMessageId: this.#o.replyToMessageId,
    });
    const deleted = await this.#finalizeProgress([id]);
    return { answerMessageIds: [id], deletedMessageIds: deleted, answered: true };
  }

  #richSend(markdown: string): Promise<number[]> {
    return sendRichText({
      outbox: this.#o.outbox,
      markdown,
      threadId: this.#o.threadId,
      replyToMessageId: this.#o.replyToMessageId,
    });
  }

  /** Final render of every live message, keyboard on the last; undefined if one of them is gone. */
  async #finalizeInPlace(): Promise<number[] | undefined> {
    this.#overflow();
    await this.#settleSends();
    await Promise.allSettled([...this.#edits]);
    const current = this.#current();
    if (this.#appendMode && current.id !== undefined && current.markdown.length > current.shownMarkdown.length) {
      // Append mode edits nothing: the unsent tail becomes one more message.
      const fresh = current.markdown.slice(current.shownMarkdown.length);
      current.markdown = current.shownMarkdown;
      current.sealed = true;
      this.#current().markdown = fresh;
    }
    const withText = this.#messages.filter((m) => m.markdown.trim());
    const last = withText[withText.length - 1];
    const results = await Promise.all(
      withText.map(async (message) => {
        const html = this.#render(message, false) ?? '';
        const keyboard = message === last ? extractButtons(message.markdown).keyboard : undefined;
        try {
          if (message.id === undefined) {
            message.id = await this.#o.outbox.send({
              text: html,
              parseMode: 'HTML',
              threadId: this.#o.threadId,
              replyToMessageId: message === this.#messages[0] ? this.#o.replyToMessageId : undefined,
              replyMarkup: keyboard,
            });
            this.#reportIds();
            return true;
          }
          if (html === message.shown && !keyboard) return true;
          const status = await this.#o.outbox.edit({ messageId: message.id, text: html, parseMode: 'HTML', replyMarkup: keyboard });
          return status !== 'gone';
        } catch (error) {
          // The answer must still arrive: the caller falls back to sending it afresh.
          this.#o.log?.warn({ chatId: this.#o.chatId, err: String(error) }, 'final render of a live message failed');
          return false;
        }
      }),
    );
    await this.#cleanupEmpty();
    if (results.includes(false)) return undefined;
    return withText.map((m) => m.id).filter((id): id is number => id !== undefined);
  }

  /**
   * After the answer is confirmed: progress messages that showed only a status line are deleted,
   * those that showed text keep it without the status line. Returns the deleted ids.
   */
  async #finalizeProgress(answerIds: number[]): Promise<number[]> {
    await this.#settleSends();
    await Promise.allSettled([...this.#edits]);
    const jobs = this.#messages.map(async (message): Promise<number | undefined> => {
      if (message.id === undefined || answerIds.includes(message.id)) return undefined;
      const html = message.markdown.trim() ? this.#render(message, false) : undefined;
      if (html === undefined) {
        await this.#o.outbox.delete(message.id);
        return message.id;
      }
      if (html !== message.shown) await this.#o.outbox.edit({ messageId: message.id, text: html, parseMode: 'HTML' });
      return undefined;
    });
    return (await Promise.all(jobs)).filter((id): id is number => id !== undefined);
  }

  async #cleanupEmpty(): Promise<void> {
    for (const message of this.#messages) {
      if (message.id !== undefined && !message.markdown.trim()) await this.#o.outbox.delete(message.id);
    }
  }

  #reportIds(): void {
    this.#o.onMessageIds?.(this.#messages.map((m) => m.id).filter((id): id is number => id !== undefined));
  }

  async #settleSends(): Promise<void> {
    await Promise.allSettled(this.#messages.map((m) => m.sending).filter(Boolean));
  }
}

/**
 * Cuts Markdown so the first part renders within `maxHtml` characters, at a paragraph or line end
 * when possible. A code fence open at the cut is closed in the first part and reopened in the second.
 */
export function splitMarkdown(markdown: string, maxHtml: number): [string, string] {
  const lines = markdown.split('\n');
  const fits = (count: number): boolean => markdownToTelegramHtml(closeFence(lines.slice(0, count).join('\n')).head).length <= maxHtml;
  let low = 0;
  let high = lines.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid - 1;
  }
  let count = low;
  // Prefer ending at a paragraph if one lies in the back half of what fits.
  for (let i = count; i > count / 2; i--) {
    if ((lines[i] ?? 'x').trim() === '' && i > 0) {
      count = i;
      break;
    }
  }
  if (count === 0) {
    // A single line too long for one message: cut it by characters.
    const line = lines[0] ?? '';
    let lo = 1;
    let hi = line.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (markdownToTelegramHtml(line.slice(0, mid)).length <= maxHtml) lo = mid;
      else hi = mid - 1;
    }
    const { head, reopen } = closeFence(line.slice(0, lo));
    return [head, reopen + [line.slice(lo), ...lines.slice(1)].join('\n')];
  }
  const { head, reopen } = closeFence(lines.slice(0, count).join('\n'));
  return [head, reopen + lines.slice(count).join('\n').replace(/^\n+/, '')];
}

function closeFence(markdown: string): { head: string; reopen: string } {
  let open: string | undefined;
  for (const line of markdown.split('\n')) {
    const fence = /^\s*(`{3,}|~{3,})\s*([^\s`]*)/.exec(line);
    if (!fence) continue;
    open = open === undefined ? `${fence[1] ?? '```'}${fence[2] ?? ''}` : undefined;
  }
  if (open === undefined) return { head: markdown, reopen: '' };
  const marker = /^[`~]+/.exec(open)?.[0] ?? '```';
  return { head: `${markdown}\n${marker}`, reopen: `${open}\n` };
}
