/**
 * Pure decisions for heartbeat ticks: which targets (allowed users' DMs and
 * group/topic targets with their overrides) are due, quiet hours and suspend detection. Whether a
 * due chat's session may be polled and what its reply delivers are decided in the agent worker
 * (src/shared/automation/heartbeat-turn.ts); the loop and the CLI call live elsewhere.
 */
import { DEFAULT_ACK_TOKEN } from '../../shared/automation/heartbeat-turn.js';
import { isQuiet } from './quiet-hours.js';

const MINUTE_MS = 60_000;

/** The `heartbeat` config block, keys as in the file. */
export interface HeartbeatSettings {
  enabled: boolean;
  interval_minutes: number;
  cooldown_minutes: number;
  quiet_start: number;
  quiet_end: number;
  prompt: string;
  ack_token: string;
  group_targets?: readonly HeartbeatTargetSettings[];
}

/** One `heartbeat.group_targets` entry; null overrides fall back to the block's values. */
export interface HeartbeatTargetSettings {
  enabled?: boolean;
  chat_id?: number | null;
  topic_id?: number | null;
  transport?: string;
  prompt?: string | null;
  ack_token?: string | null;
  interval_minutes?: number | null;
  quiet_start?: number | null;
  quiet_end?: number | null;
}

/** A chat (or topic) the heartbeat polls, with every setting resolved. */
export interface HeartbeatTarget {
  /** `tg:<chat>` or `tg:<chat>:<topic>`: the session key, also the key for per-target tick times. */
  key: string;
  kind: 'user' | 'group';
  chatId: number;
  topicId: number | null;
  transport: string;
  prompt: string;
  ackToken: string;
  intervalMinutes: number;
  quietStart: number;
  quietEnd: number;
}

/** Every target of one agent: the DMs of `allowedUserIds`, then enabled group targets that name a chat. */
export function resolveHeartbeatTargets(settings: HeartbeatSettings, allowedUserIds: readonly number[]): HeartbeatTarget[] {
  if (!settings.enabled) return [];
  const base = {
    transport: 'tg',
    prompt: settings.prompt,
    ackToken: settings.ack_token || DEFAULT_ACK_TOKEN,
    intervalMinutes: settings.interval_minutes,
    quietStart: settings.quiet_start,
    quietEnd: settings.quiet_end,
  };
  const users: HeartbeatTarget[] = allowedUserIds.map((chatId) => ({
    ...base,
    key: sessionKey('tg', chatId, null),
    kind: 'user',
    chatId,
    topicId: null,
  }));
  const groups: HeartbeatTarget[] = [];
  for (const target of settings.group_targets ?? []) {
    if (target.enabled === false || target.chat_id == null) continue;
    const transport = target.transport ?? 'tg';
    const topicId = target.topic_id ?? null;
    groups.push({
      key: sessionKey(transport, target.chat_id, topicId),
      kind: 'group',
      chatId: target.chat_id,
      topicId,
      transport,
      prompt: target.prompt ?? base.prompt,
      ackToken: target.ack_token || base.ackToken,
      intervalMinutes: target.interval_minutes ?? base.intervalMinutes,
      quietStart: target.quiet_start ?? base.quietStart,
      quietEnd: target.quiet_end ?? base.quietEnd,
    });
  }
  return [...users, ...groups];
}

export interface DuePlan {
  /** Run a heartbeat turn for these now. */
  due: HeartbeatTarget[];
  /** Due by interval but inside their quiet hours: count the tick as done, run nothing. */
  quiet: HeartbeatTarget[];
}

/**
 * Which targets are due at `now`, given when each last ticked (by `key`; absent = never, which
 * waits one interval from `startedAt` so a restart does not poll everyone at once).
 */
export function planHeartbeatTick(
  targets: readonly HeartbeatTarget[],
  lastTickAt: ReadonlyMap<string, Date>,
  now: Date,
  timeZone: string,
  startedAt: Date,
): DuePlan {
  const plan: DuePlan = { due: [], quiet: [] };
  for (const target of targets) {
    if (!isTickDue(lastTickAt.get(target.key) ?? startedAt, now, target.intervalMinutes)) continue;
    if (isQuiet(now, target.quietStart, target.quietEnd, timeZone)) plan.quiet.push(target);
    else plan.due.push(target);
  }
  return plan;
}

/** True once `intervalMinutes` have passed since `last`. A non-positive interval never ticks. */
export function isTickDue(last: Date, now: Date, intervalMinutes: number): boolean {
  if (!(intervalMinutes > 0)) return false;
  return now.getTime() - last.getTime() >= intervalMinutes * MINUTE_MS;
}

/** A wall-clock gap over twice the interval means the machine slept ("system was suspended"). */
export function wasSuspended(last: Date, now: Date, intervalMinutes: number): boolean {
  return intervalMinutes > 0 && now.getTime() - last.getTime() > 2 * intervalMinutes * MINUTE_MS;
}

function sessionKey(transport: string, chatId: number, topicId: number | null): string {
  return topicId == null ? `${transport}:${chatId}` : `${transport}:${chatId}:${topicId}`;
}
