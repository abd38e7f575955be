/**
 * The per-home secret of the internal API (`run/internal-api.secret`, mode 0600). The scheduler
 * hosts the API, the agents hand the secret to their CLIs; whichever process starts first creates
 * it (exclusive create), the other reads it. It lives in src/shared because both sides need it.
 */
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { randomBytes } from '../lazy-crypto.js';
import { dirname, join } from 'node:path';

export function internalApiSecretFile(mainHome: string): string {
  return join(mainHome, 'run', 'internal-api.secret');
}

let cached: { file: string; secret: string } | null = null;

export function internalApiSecret(mainHome: string): string {
  const file = internalApiSecretFile(mainHome);
  if (cached?.file === file) return cached.secret;
  for (let attempt = 0; attempt < 20; attempt += 1) {
    try {
      const secret = readFileSync(file, 'utf8').trim();
      // Empty: the other process created the file and is about to write it.
      if (secret !== '') {
        cached = { file, secret };
        return secret;
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      mkdirSync(dirname(file), { recursive: true });
      try {
        const fd = openSync(file, 'wx', 0o600);
        const secret = randomBytes(32).toString('base64url');
        writeSync(fd, secret);
        closeSync(fd);
        cached = { file, secret };
        return secret;
      } catch (createError) {
        if ((createError as NodeJS.ErrnoException).code !== 'EEXIST') throw createError;
      }
    }
  }
  throw new Error('the internal API secret file stays empty');
}
