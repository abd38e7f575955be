/**
 * Where the supervisor listens for the `ductor` command line (status, stop, restart): a Unix socket
 * in the home's `run/` folder, or a named pipe on Windows. Long homes fall back to a hashed path in
 * the temp folder because Unix socket paths are limited to about 104 bytes.
 */
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAX_SOCKET_PATH = 100;

export function controlSocketPath(home: string): string {
  const digest = createHash('sha256').update(home).digest('hex').slice(0, 16);
  if (process.platform === 'win32') return `\\\\.\\pipe\\ductor-${digest}`;
  const inHome = join(home, 'run', 'control.sock');
  return inHome.length <= MAX_SOCKET_PATH ? inHome : join(tmpdir(), `ductor-${digest}.sock`);
}
