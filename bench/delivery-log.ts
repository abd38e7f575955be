/**
 * What recording one delivery costs the transport: bytes written and time, with the log full
 * (2,000 remembered ids), measured on the real DeliveryLog in a temp folder. Bytes come from the
 * process's own write counter (/proc/self/io `wchar`), so compactions are in the average.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeliveryLog } from '../src/workers/transport/delivery-log.js';
import { percentile, type Figure } from './figure.js';

const FULL = 2_000;
const MEASURED = 4_000;

async function bytesWritten(): Promise<number | null> {
  const io = await readFile('/proc/self/io', 'utf8').catch(() => null);
  const match = io === null ? null : /^wchar:\s*(\d+)/m.exec(io);
  return match ? Number(match[1]) : null;
}

export async function benchDeliveryLog(log: (line: string) => void): Promise<Figure[]> {
  const dir = await mkdtemp(join(tmpdir(), 'ductor-bench-deliveries-'));
  try {
    const deliveries = new DeliveryLog(join(dir, 'deliveries.json'), (r) => log(`delivery log corrupt: ${r.reason}`));
    await deliveries.load();
    for (let i = 0; i < FULL; i++) await deliveries.record('main', `tg:1001:0:${i}:final`, [i]);
    const before = await bytesWritten();
    const times: number[] = [];
    for (let i = FULL; i < FULL + MEASURED; i++) {
      const started = process.hrtime.bigint();
      await deliveries.record('main', `tg:1001:0:${i}:final`, [i]);
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    const after = await bytesWritten();
    const figures: Figure[] = [{ name: 'delivery_record_p50_ms', value: percentile(times, 50), unit: 'ms', must: 20, aim: 5, better: 'lower' }];
    if (before !== null && after !== null) {
      figures.push({ name: 'delivery_record_bytes', value: (after - before) / MEASURED, unit: 'B', must: 1_024, aim: 256, better: 'lower' });
    }
    return figures;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
