/**
 * The Matrix login that outlives a restart: after the first password login the access token and
 * device id live in `<agent home>/<store_path>/credentials.json` (mode 0600), never in config.json.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import * as z from 'zod/mini';
import '../../../shared/zod-english.js';
import type { MatrixConfig } from '../../../shared/config/schema-blocks.js';
import { writeFileAtomic } from '../../../shared/store/atomic-write.js';

const CredentialsFileSchema = z.object({
  homeserver: z.string().check(z.minLength(1)),
  user_id: z.string().check(z.minLength(1)),
  access_token: z.string().check(z.minLength(1)),
  device_id: z.string().check(z.minLength(1)),
});

export type StoredCredentials = { homeserver: string; userId: string; accessToken: string; deviceId: string };

export function matrixStoreDir(agentHome: string, matrix: MatrixConfig): string {
  return isAbsolute(matrix.store_path) ? matrix.store_path : join(agentHome, matrix.store_path);
}

export function credentialsFile(storeDir: string): string {
  return join(storeDir, 'credentials.json');
}

/** The stored login for this account, or null (missing, unreadable, or for another account). */
export async function readCredentials(storeDir: string, homeserver: string, userId: string): Promise<StoredCredentials | null> {
  let raw: string;
  try {
    raw = await readFile(credentialsFile(storeDir), 'utf8');
  } catch {
    return null;
  }
  let parsed;
  try {
    parsed = CredentialsFileSchema.safeParse(JSON.parse(raw));
  } catch {
    return null;
  }
  if (!parsed.success) return null;
  const stored = parsed.data;
  if (stored.homeserver !== homeserver || stored.user_id !== userId) return null;
  return { homeserver, userId, accessToken: stored.access_token, deviceId: stored.device_id };
}

export async function writeCredentials(storeDir: string, credentials: StoredCredentials): Promise<void> {
  const body = {
    homeserver: credentials.homeserver,
    user_id: credentials.userId,
    access_token: credentials.accessToken,
    device_id: credentials.deviceId,
  };
  await writeFileAtomic(credentialsFile(storeDir), `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
}
