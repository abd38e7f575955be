/**
 * Files no chat may ever receive, whatever `file_access` says: the ductor home's configuration
 * (`config/config.json` holds the bot token), secrets (`.env`, the Matrix store), runtime state
 * (`run/`, `*.json` state files, locks and pid files at a home's top level, in the main home and
 * in every sub-agent home), and the host's well-known credential files (SSH and cloud keys, the
 * CLIs' own logins, the system password files). `/showfiles` hides them and `<file:…>` refuses
 * them. Pure path logic: callers pass canonical (symlink-resolved) paths.
 */
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';

/** Top-level folders of a home that hold configuration, secrets or runtime state. */
const INTERNAL_DIRS = new Set(['config', 'run', 'matrix_store', 'logs']);
/** Top-level files of a home that are state, whatever their extension. */
const INTERNAL_FILES = new Set(['bot.pid', 'bot.lock', 'restart-requested']);
/** State and lock file endings at a home's top level (sessions.json, inbox.json, bot.lock, …). */
const INTERNAL_ENDINGS = ['.json', '.jsonl', '.lock', '.pid', '.tmp'];

/** Credential files and folders of the OS user (relative to the user's home). */
const USER_SECRETS = ['.ssh', '.aws', '.gnupg', '.kube', '.docker/config.json', '.netrc', '.claude/.credentials.json', '.claude.json', '.codex/auth.json', '.gemini/oauth_creds.json', '.config/gcloud'];
const SYSTEM_SECRETS = ['/etc/passwd', '/etc/shadow', '/etc/gshadow', '/etc/sudoers', '/etc/ssh'];

/** The main home of an agent home: a sub-agent lives in `<main>/agents/<name>`. */
export function mainHomeOf(agentHome: string): string {
  return basename(dirname(agentHome)) === 'agents' ? dirname(dirname(agentHome)) : agentHome;
}

function inside(path: string, root: string): string | null {
  const rel = relative(root, path);
  if (rel === '') return '';
  return rel.startsWith('..') || isAbsolute(rel) ? null : rel;
}

/** True when `path` (canonical) is internal to the ductor home `mainHome` or a known credential. */
export function isProtectedPath(path: string, mainHome: string, userHome = homedir()): boolean {
  if (SYSTEM_SECRETS.some((secret) => inside(path, secret) !== null)) return true;
  if (USER_SECRETS.some((secret) => inside(path, join(userHome, secret)) !== null)) return true;
  const rel = inside(path, mainHome);
  if (rel === null) return false;
  let parts = rel === '' ? [] : rel.split(sep);
  if (parts.some((part) => part === '.env' || part.startsWith('.env.'))) return true;
  // A sub-agent home has the same layout as the main home.
  if (parts[0] === 'agents' && parts.length >= 2) parts = parts.slice(2);
  const top = parts[0];
  if (top === undefined) return false;
  if (INTERNAL_DIRS.has(top)) return true;
  if (parts.length > 1) return false;
  return INTERNAL_FILES.has(top) || INTERNAL_ENDINGS.some((end) => top.endsWith(end)) || top.includes('.corrupt-');
}
