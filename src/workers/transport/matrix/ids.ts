/**
 * Matrix names rooms and users with strings (`!abc:server`, `@me:server`); the bus speaks integer
 * chat and user ids. Each string maps to a deterministic positive integer (the first 48 bits of its
 * SHA-256, a safe integer), so a room keeps its chat id — and its session — across restarts.
 */
import { createHash } from 'node:crypto';

export function matrixNumericId(value: string): number {
  const digest = createHash('sha256').update(value).digest();
  // 48 bits stay below Number.MAX_SAFE_INTEGER; +1 keeps 0 (no user) out of the range.
  return digest.readUIntBE(0, 6) + 1;
}

/**
 * The id of an inbound event names the account that received it: two agents' accounts in one room
 * see the same event id, and the id deduplicates their deliveries. The account is hashed like a
 * room so the id stays short enough for a button's data.
 */
export function matrixInboundId(accountUserId: string, chatId: number, eventId: string): string {
  return `mx:${matrixNumericId(accountUserId)}:${chatId}:${eventId}`;
}

/** Remembers which room each chat id stands for, so deliveries find their room. */
export class RoomDirectory {
  private readonly rooms = new Map<number, string>();

  chatIdOf(roomId: string): number {
    const chatId = matrixNumericId(roomId);
    this.rooms.set(chatId, roomId);
    return chatId;
  }

  roomOf(chatId: number, knownRooms: () => readonly string[]): string | null {
    const known = this.rooms.get(chatId);
    if (known) return known;
    // A delivery after a restart (a cron result, a task report) names a room not seen since: the
    // joined rooms the sync brought are searched once and remembered.
    for (const roomId of knownRooms()) if (this.chatIdOf(roomId) === chatId) return roomId;
    return null;
  }
}
