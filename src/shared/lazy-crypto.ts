/**
 * The few node:crypto functions the workers use, loading node:crypto on the first call. The
 * module and the fifteen internal modules it pulls in cost an idle worker ~0.2 MiB of heap, and
 * an idle agent draws no random id and hashes nothing.
 */
import { createRequire } from 'node:module';

type NodeCrypto = typeof import('node:crypto');

let loaded: NodeCrypto | undefined;

function nodeCrypto(): NodeCrypto {
  return (loaded ??= createRequire(import.meta.url)('node:crypto') as NodeCrypto);
}

export function randomUUID(): string {
  return nodeCrypto().randomUUID();
}

export function randomBytes(size: number): Buffer {
  return nodeCrypto().randomBytes(size);
}

/** A uniformly random integer in [0, max). */
export function randomInt(max: number): number {
  return nodeCrypto().randomInt(max);
}

export function sha256Hex(text: string): string {
  return nodeCrypto().createHash('sha256').update(text).digest('hex');
}
