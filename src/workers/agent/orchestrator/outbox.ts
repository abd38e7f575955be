/**
 * The agent's persisted outbox (`outbox.json`): a final answer is written here before delivery is
 * attempted, and removed once the transport confirmed it. A crash or a transport restart between
 * the CLI's answer and Telegram's confirmation therefore loses nothing; redelivery carries the
 * same delivery id, which the transport uses to never send it twice.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import * as z from 'zod/mini';
import { lazySchema } from '../../../shared/lazy-schema.js';
import '../../../shared/zod-english.js';
import { DeliverySchema, type Delivery } from '../../../shared/rpc/conversation-schemas.js';
import { JsonStore, type CorruptReport } from '../../../shared/store/json-store.js';
import { SerialWrites } from '../../../shared/store/serial-writes.js';

/** Delivery retry delays grow to this cap (ms) while the transport is away. */
const MAX_RETRY_DELAY_MS = 5_000;
/** A delivery is given up (and logged) after this long: the chat is gone or the bot was blocked. */
const GIVE_UP_AFTER_MS = 6 * 60 * 60_000;

const OutboxFileSchema = lazySchema(() => z.object({
  pending: z._default(z.array(z.object({ delivery: DeliverySchema, createdAt: z.string() })), []),
}));

export type DeliverFn = (delivery: Delivery) => Promise<{ messageIds: number[] }>;

export class Outbox {
  private readonly store: JsonStore<typeof OutboxFileSchema>;
  private pending: z.infer<typeof OutboxFileSchema>['pending'] = [];
  private readonly writes = new SerialWrites();
  private readonly inFlight = new Map<string, Promise<number[] | null>>();
  /** Ids found unconfirmed at start: recovery asks whether a cut-off turn had produced its final. */
  private readonly recovered = new Set<string>();
  private stopped = false;

  constructor(file: string, private readonly deliver: DeliverFn, private readonly log: Logger, onCorrupt: (r: CorruptReport) => void) {
    this.store = new JsonStore({ file, schema: OutboxFileSchema, empty: () => ({ pending: [] }), onCorrupt });
  }

  /** Loads what was not confirmed before the last exit and starts delivering it again. */
  async start(): Promise<void> {
    this.pending = (await this.store.read()).pending;
    for (const entry of this.pending) this.recovered.add(entry.delivery.deliveryId);
    for (const entry of this.pending) void this.drive(entry.delivery);
  }

  /** Persists the delivery, then delivers it; resolves with Telegram's message ids (null if given up). */
  async send(delivery: Delivery): Promise<number[] | null> {
    return (await this.persist(delivery)).delivered;
  }

  /**
   * Resolves once the delivery is on disk; `delivered` settles as `send` does. What must happen
   * between the two (the journal letting go of the turn) runs before the delivery is awaited.
   */
  async persist(delivery: Delivery): Promise<{ delivered: Promise<number[] | null> }> {
    this.pending.push({ delivery, createdAt: new Date().toISOString() });
    await this.flush();
    const delivered = this.drive(delivery);
    return { delivered };
  }

  /** True when this delivery was in the file, unconfirmed, when this process started. */
  recoveredAtStart(deliveryId: string): boolean {
    return this.recovered.has(deliveryId);
  }

  /** Resolves when no delivery is being driven, or after `ms` (an orderly stop gives them a moment). */
  async settle(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
      timer.unref();
    });
    await Promise.race([Promise.allSettled([...this.inFlight.values()]), timeout]);
    clearTimeout(timer);
  }

  stop(): void {
    this.stopped = true;
  }

  private drive(delivery: Delivery): Promise<number[] | null> {
    const existing = this.inFlight.get(delivery.deliveryId);
    if (existing) return existing;
    const run = (async () => {
      const started = Date.now();
      let delayMs = 100;
      while (!this.stopped) {
        try {
          const { messageIds } = await this.deliver(delivery);
          await this.remove(delivery.deliveryId);
          return messageIds;
        } catch (error) {
          if (Date.now() - started > GIVE_UP_AFTER_MS) {
            this.log.error({ err: error, deliveryId: delivery.deliveryId }, 'delivery given up');
            await this.remove(delivery.deliveryId);
            return null;
          }
          this.log.warn({ err: error, deliveryId: delivery.deliveryId, delayMs }, 'delivery failed; retrying');
          await sleep(delayMs);
          delayMs = Math.min(MAX_RETRY_DELAY_MS, delayMs * 2);
        }
      }
      return null; // stopping: the entry stays in the file and is delivered after the restart
    })().finally(() => this.inFlight.delete(delivery.deliveryId));
    this.inFlight.set(delivery.deliveryId, run);
    return run;
  }

  private async remove(deliveryId: string): Promise<void> {
    this.pending = this.pending.filter((e) => e.delivery.deliveryId !== deliveryId);
    await this.flush();
  }

  private flush(): Promise<void> {
    const snapshot = { pending: structuredClone(this.pending) };
    return this.writes.run(() => this.store.write(snapshot));
  }
}

/** How long a caller that reports a delivery's outcome waits for it; the outbox keeps trying after (ms). */
export const DELIVERY_WAIT_MS = 60_000;

/** `cause` is set when the delivery could not even be queued (what `send` threw). */
export type DeliveryOutcome = { ok: true } | { ok: false; error: string; cause?: unknown };

/**
 * Waits for `Outbox.send` at most DELIVERY_WAIT_MS: confirmed, given up, still being retried, or
 * failed to queue at all.
 */
export async function waitForDelivery(sending: Promise<number[] | null>): Promise<DeliveryOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), DELIVERY_WAIT_MS);
    timer.unref();
  });
  try {
    const outcome = await Promise.race([sending, timeout]);
    if (outcome === 'timeout') return { ok: false, error: 'not confirmed yet; still retrying' };
    return outcome === null ? { ok: false, error: 'delivery given up' } : { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error), cause: error };
  } finally {
    clearTimeout(timer);
  }
}
