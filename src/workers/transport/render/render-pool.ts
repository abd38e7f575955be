/**
 * Renders long replies off the transport's event loop (tinypool), so a megabyte of CLI output
 * being converted for one chat never stalls the live edits of the others. Short replies, the
 * usual case, are rendered inline: a thread hop costs more than they do. The pool starts on first
 * use and lets its thread go when idle, so an idle transport carries no extra thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type Tinypool from 'tinypool';
import { importPackage } from '../../../shared/esm-import.js';
import { renderReply, type RenderInput, type RenderOutput } from './render-task.js';

/** Replies at least this long (characters) are rendered in the pool. */
export const POOL_THRESHOLD_CHARS = 32_000;
/** A pool thread idle this long is stopped (ms). */
const IDLE_TIMEOUT_MS = 30_000;

let pool: Tinypool | null = null;

/** The task file: the bundled `render-worker.mjs` in production, the module itself from source. */
function taskFile(): string {
  for (const candidate of ['./render-worker.mjs', '../render-worker.mjs']) {
    const bundled = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(bundled)) return bundled;
  }
  if (import.meta.url.endsWith('.ts')) return fileURLToPath(new URL('./render-task-source.mjs', import.meta.url));
  return fileURLToPath(new URL('./render-task.js', import.meta.url));
}

export async function renderInPool(input: RenderInput, threshold = POOL_THRESHOLD_CHARS): Promise<RenderOutput> {
  if (input.markdown.length < threshold) return renderReply(input);
  if (!pool) {
    // Loaded on first use: most transports never render a reply this long.
    const { default: TinypoolClass } = await importPackage<typeof import('tinypool')>('tinypool');
    pool ??= new TinypoolClass({ filename: taskFile(), minThreads: 0, maxThreads: 1, idleTimeout: IDLE_TIMEOUT_MS });
  }
  return (await pool.run(input)) as RenderOutput;
}

/** Tasks the pool has completed since it started (0 when it never started). */
export function renderPoolCompleted(): number {
  return pool?.completed ?? 0;
}

/** Stops the pool's thread (transport shutdown). */
export async function closeRenderPool(): Promise<void> {
  const current = pool;
  pool = null;
  await current?.destroy();
}
