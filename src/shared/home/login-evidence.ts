/**
 * What a CLI's login leaves on disk or in the environment, read the same way by the supervisor
 * (provider-logins.ts: which rule files to deploy) and the agent (providers/auth.ts: `/status`,
 * the login hint). Missing or unreadable files are no evidence, never an error.
 */
import { readFile, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/** Gemini's `security.auth.selectedType` values that need no further file to count as logged in. */
export const GEMINI_AUTH_TYPES = new Set(['gemini-api-key', 'vertex-ai', 'compute-default-credentials', 'cloud-shell']);

export function filled(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}

/** An API key for Gemini (or a Vertex project and location) among these variables. */
export function hasGeminiKey(vars: Record<string, string | undefined>): boolean {
  return filled(vars.GEMINI_API_KEY) || filled(vars.GOOGLE_API_KEY) || (filled(vars.GOOGLE_CLOUD_PROJECT) && filled(vars.GOOGLE_CLOUD_LOCATION));
}

export async function statOrNull(path: string) {
  return stat(path).catch(() => null);
}

export async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return null;
  }
}

/** `KEY=value` lines of a .env file (optional `export`, optional quotes); empty when there is none. */
export async function readDotEnv(path: string): Promise<Record<string, string>> {
  const vars: Record<string, string> = {};
  const text = await readFile(path, 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) vars[m[1]!] = m[2]!.replace(/^(['"])(.*)\1$/, '$2');
  }
  return vars;
}

export async function onPath(binary: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && (await statOrNull(join(dir, binary))) !== null) return true;
  }
  return false;
}
