/**
 * The group audit: every group or channel this bot is still tracked as active in must be on its
 * allowlist (`allowed_group_ids`, `allowed_channel_ids`). It runs at start, every 24 hours and
 * whenever a hot reload changed an allowlist, so removing a group from the config makes the bot
 * leave it without a restart and without waiting for someone to write there.
 */
import type { ChatActivity } from './chat-activity.js';
import { chatAllowed } from './ingress.js';

export const AUDIT_EVERY_MS = 24 * 60 * 60_000;

export type AuditOptions = {
  agent: string;
  activity: ChatActivity;
  allowlists: () => { allowedGroupIds: readonly number[]; allowedChannelIds: readonly number[] };
  leave: (chat: { id: number; title: string; type: string }) => Promise<void>;
};

/** Leaves every active chat that is no longer allowed; resolves with the ids left. */
export async function auditGroups(options: AuditOptions): Promise<number[]> {
  const allowlists = options.allowlists();
  const left: number[] = [];
  for (const entry of await options.activity.list(options.agent)) {
    if (entry.status !== 'active' || entry.type === 'private') continue;
    if (chatAllowed(entry.type, entry.chat_id, allowlists)) continue;
    await options.leave({ id: entry.chat_id, title: entry.title, type: entry.type });
    left.push(entry.chat_id);
  }
  return left;
}

/** A key that changes exactly when an allowlist changed (the reload trigger). */
export function allowlistKey(allowlists: { allowedGroupIds: readonly number[]; allowedChannelIds: readonly number[] }): string {
  return JSON.stringify([[...allowlists.allowedGroupIds].sort(), [...allowlists.allowedChannelIds].sort()]);
}
