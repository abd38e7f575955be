/**
 * The port the internal API of this home really listens on (`run/internal-api.port`). The
 * configured `interagent_port` is tried first; when another ductor home on the host holds it, the
 * scheduler takes a free port and records it here, and the agents hand it to their CLIs' tools.
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './store/atomic-write.js';

export function internalApiPortFile(mainHome: string): string {
  return join(mainHome, 'run', 'internal-api.port');
}

/** The recorded port, or null when none is recorded (the API is not up, or an older run). */
export function internalApiPort(mainHome: string): number | null {
  try {
    const port = Number(readFileSync(internalApiPortFile(mainHome), 'utf8').trim());
    return Number.isInteger(port) && port > 0 && port < 65_536 ? port : null;
  } catch {
    return null;
  }
}

export async function recordInternalApiPort(mainHome: string, port: number | null): Promise<void> {
  const file = internalApiPortFile(mainHome);
  if (port === null) await rm(file, { force: true });
  else await writeFileAtomic(file, `${port}\n`);
}
