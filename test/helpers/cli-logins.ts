/** The files by which each CLI is logged in, written into a user home (what `/status` and `/model` look at). */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type CliName = 'claude' | 'codex' | 'gemini';

export async function writeCliLogins(userHome: string, clis: readonly CliName[]): Promise<void> {
  if (clis.includes('claude')) {
    await mkdir(join(userHome, '.claude'), { recursive: true });
    await writeFile(join(userHome, '.claude', '.credentials.json'), '{"claudeAiOauth":{}}');
  }
  if (clis.includes('codex')) {
    await mkdir(join(userHome, '.codex'), { recursive: true });
    await writeFile(join(userHome, '.codex', 'auth.json'), '{}');
  }
  if (clis.includes('gemini')) {
    await mkdir(join(userHome, '.gemini'), { recursive: true });
    await writeFile(join(userHome, '.gemini', 'oauth_creds.json'), '{"access_token":"x"}');
  }
}
