// The end-to-end encryption half of the fake homeserver: device keys, one-time and fallback
// keys, to-device messages and device-list changes, as the client-server API describes them.
// It stores what clients upload and hands it to other clients; it checks no signatures (the
// clients' Rust crypto does that), but like real homeservers it refuses new identity keys for
// a device that already has some.

export type DeviceKeys = { user_id: string; device_id: string; keys: Record<string, string>; algorithms: string[]; signatures?: unknown };
export type KeyUpload = { userId: string; deviceId: string; deviceKeys: boolean; oneTimeKeys: number; fallbackKeys: number };
type ToDevice = { seq: number; userId: string; deviceId: string; event: { type: string; sender: string; content: unknown }; deliveredIn?: number };

export class FakeKeyServer {
  private readonly devices = new Map<string, Map<string, DeviceKeys>>();
  private readonly oneTimeKeys = new Map<string, Map<string, unknown>>();
  private readonly fallbackKeys = new Map<string, Map<string, unknown>>();
  private toDevice: ToDevice[] = [];
  /** Users whose to-device messages wait (a slow federation link, say) until released. */
  private readonly held = new Set<string>();
  private readonly changes: Array<{ seq: number; userId: string }> = [];
  readonly uploads: KeyUpload[] = [];

  constructor(private readonly nextSeq: () => number) {}

  /** POST /keys/upload. Returns an error text when the device's identity keys would change. */
  upload(userId: string, deviceId: string, body: Record<string, unknown>): { counts: Record<string, number> } | { error: string } {
    const deviceKeys = body.device_keys as DeviceKeys | undefined;
    const oneTime = (body.one_time_keys ?? {}) as Record<string, unknown>;
    const fallback = (body.fallback_keys ?? {}) as Record<string, unknown>;
    this.uploads.push({ userId, deviceId, deviceKeys: Boolean(deviceKeys), oneTimeKeys: Object.keys(oneTime).length, fallbackKeys: Object.keys(fallback).length });
    if (deviceKeys) {
      const known = this.devices.get(userId)?.get(deviceId);
      if (known && JSON.stringify(known.keys) !== JSON.stringify(deviceKeys.keys)) {
        return { error: `device ${deviceId} already has different identity keys` };
      }
      if (!known) {
        const mine = this.devices.get(userId) ?? new Map<string, DeviceKeys>();
        this.devices.set(userId, mine);
        mine.set(deviceId, deviceKeys);
        this.changes.push({ seq: this.nextSeq(), userId });
      }
    }
    const slot = `${userId}|${deviceId}`;
    const otks = this.oneTimeKeys.get(slot) ?? new Map<string, unknown>();
    this.oneTimeKeys.set(slot, otks);
    for (const [id, key] of Object.entries(oneTime)) otks.set(id, key);
    if (Object.keys(fallback).length > 0) this.fallbackKeys.set(slot, new Map(Object.entries(fallback)));
    return { counts: this.counts(userId, deviceId) };
  }

  counts(userId: string, deviceId: string): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const id of this.oneTimeKeys.get(`${userId}|${deviceId}`)?.keys() ?? []) {
      const algorithm = id.split(':')[0]!;
      counts[algorithm] = (counts[algorithm] ?? 0) + 1;
    }
    return counts;
  }

  unusedFallbackTypes(userId: string, deviceId: string): string[] {
    return [...(this.fallbackKeys.get(`${userId}|${deviceId}`)?.keys() ?? [])].map((id) => id.split(':')[0]!);
  }

  /** POST /keys/query */
  query(body: Record<string, unknown>): Record<string, unknown> {
    const wanted = (body.device_keys ?? {}) as Record<string, string[]>;
    const deviceKeys: Record<string, Record<string, DeviceKeys>> = {};
    for (const [userId, ids] of Object.entries(wanted)) {
      const all = this.devices.get(userId) ?? new Map<string, DeviceKeys>();
      deviceKeys[userId] = Object.fromEntries([...all].filter(([id]) => ids.length === 0 || ids.includes(id)));
    }
    return { device_keys: deviceKeys, failures: {}, master_keys: {}, self_signing_keys: {}, user_signing_keys: {} };
  }

  /** The identity keys the server holds for a device. */
  deviceKeys(userId: string, deviceId: string): DeviceKeys | undefined {
    return this.devices.get(userId)?.get(deviceId);
  }

  /** POST /keys/claim: one one-time key per device, else its fallback key. */
  claim(body: Record<string, unknown>): Record<string, unknown> {
    const wanted = (body.one_time_keys ?? {}) as Record<string, Record<string, string>>;
    const result: Record<string, Record<string, Record<string, unknown>>> = {};
    for (const [userId, devices] of Object.entries(wanted)) {
      for (const [deviceId, algorithm] of Object.entries(devices)) {
        const slot = `${userId}|${deviceId}`;
        const otks = this.oneTimeKeys.get(slot);
        const id = [...(otks?.keys() ?? [])].find((k) => k.startsWith(`${algorithm}:`));
        let claimed: [string, unknown] | undefined;
        if (id) {
          claimed = [id, otks!.get(id)];
          otks!.delete(id);
        } else {
          const fallback = [...(this.fallbackKeys.get(slot) ?? new Map<string, unknown>())].find(([k]) => k.startsWith(`${algorithm}:`));
          if (fallback) claimed = fallback;
        }
        if (!claimed) continue;
        result[userId] ??= {};
        result[userId][deviceId] = { [claimed[0]]: claimed[1] };
      }
    }
    return { one_time_keys: result, failures: {} };
  }

  /** PUT /sendToDevice/{type}/{txn} */
  send(sender: string, type: string, body: Record<string, unknown>): void {
    const messages = (body.messages ?? {}) as Record<string, Record<string, unknown>>;
    for (const [userId, byDevice] of Object.entries(messages)) {
      for (const [deviceId, content] of Object.entries(byDevice)) {
        const targets = deviceId === '*' ? [...(this.devices.get(userId)?.keys() ?? [])] : [deviceId];
        for (const target of targets) this.toDevice.push({ seq: this.nextSeq(), userId, deviceId: target, event: { type, sender, content } });
      }
    }
  }

  /**
   * The to-device events of a device not yet acknowledged. A sync whose `since` is the batch that
   * carried some acknowledges them, and they are dropped (as the spec says); the others come again.
   */
  toDeviceFor(userId: string, deviceId: string, since: number | null, nextBatch: number): Array<ToDevice['event']> {
    const mine = (m: ToDevice) => m.userId === userId && m.deviceId === deviceId;
    if (since !== null) this.toDevice = this.toDevice.filter((m) => !(mine(m) && m.deliveredIn !== undefined && m.deliveredIn <= since));
    if (this.held.has(userId)) return [];
    const due = this.toDevice.filter(mine);
    for (const m of due) m.deliveredIn = nextBatch;
    return due.map((m) => m.event);
  }

  /** Holds back the user's to-device messages (room keys) until `release`. */
  hold(userId: string): void {
    this.held.add(userId);
  }

  release(userId: string): void {
    this.held.delete(userId);
    this.nextSeq(); // wakes the user's long poll
  }

  /** Users whose device lists changed after `since`. */
  changedSince(since: number | null): string[] {
    if (since === null) return [];
    return [...new Set(this.changes.filter((c) => c.seq > since).map((c) => c.userId))];
  }

  latestSeq(): number {
    return Math.max(0, ...this.toDevice.map((m) => m.seq), ...this.changes.map((c) => c.seq));
  }
}
