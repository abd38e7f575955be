/**
 * The chat tracker (`chat_activity.json` in the main home): groups and channels the bots have
 * seen, rejected or left, for `/where`, `/leave` and group audits. Only the transport writes it.
 */
import * as z from 'zod/mini';
import '../../shared/zod-english.js';
import { JsonStore, type CorruptReport } from '../../shared/store/json-store.js';

export const CHAT_STATUSES = ['active', 'rejected', 'left', 'kicked', 'auto_left'] as const;
export type ChatStatus = (typeof CHAT_STATUSES)[number];

const ChatEntrySchema = z.object({
  chat_id: z.int(),
  title: z.string(),
  type: z.string(),
  status: z.enum(CHAT_STATUSES),
  reject_count: z._default(z.int().check(z.nonnegative()), 0),
  last_seen: z.string(),
  /** The agent whose bot saw the chat. */
  agent: z._default(z.string(), 'main'),
});
export type ChatEntry = z.infer<typeof ChatEntrySchema>;

const ActivityFileSchema = z.object({ chats: z._default(z.record(z.string(), ChatEntrySchema), {}) });

export class ChatActivity {
  private readonly store: JsonStore<typeof ActivityFileSchema>;

  constructor(file: string, onCorrupt?: (report: CorruptReport) => void) {
    this.store = new JsonStore({ file, schema: ActivityFileSchema, empty: () => ({ chats: {} }), onCorrupt });
  }

  /** Records that `chat` was seen with `status`; a rejection also counts up. Private chats are not tracked. */
  async record(agent: string, chat: { id: number; title?: string; type: string }, status: ChatStatus): Promise<void> {
    if (chat.type === 'private') return;
    await this.store.update((current) => {
      const key = `${agent}:${chat.id}`;
      const previous = current.chats[key];
      // Seeing an active chat again only refreshes it; writes happen on changes and rejections.
      const rejects = (previous?.reject_count ?? 0) + (status === 'rejected' ? 1 : 0);
      current.chats[key] = {
        chat_id: chat.id,
        title: chat.title ?? previous?.title ?? String(chat.id),
        type: chat.type,
        status,
        reject_count: rejects,
        last_seen: new Date().toISOString(),
        agent,
      };
      return current;
    });
  }

  async list(agent: string): Promise<ChatEntry[]> {
    const { chats } = await this.store.read();
    return Object.values(chats).filter((c) => c.agent === agent);
  }

  async find(agent: string, chatId: number): Promise<ChatEntry | undefined> {
    return (await this.store.read()).chats[`${agent}:${chatId}`];
  }
}
