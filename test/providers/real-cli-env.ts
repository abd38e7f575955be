// Where the real CLIs live (scripts/install-real-clis.sh) and the isolated environment each one
// runs in: a temp HOME (and CODEX_HOME / gemini settings) per test, no inherited keys, no telemetry,
// no update checks, the model on 127.0.0.1.
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import { codexMockConfig, CODEX_MOCK_KEY_ENV } from '../helpers/model-mock-openai.js';
import { writeGeminiSettings } from '../helpers/model-mock-gemini.js';
import type { ProviderName } from '../../src/workers/agent/providers/events.js';

const ROOT = new URL('../../', import.meta.url).pathname;
export const REAL_CLI_PREFIX = join(ROOT, '.cache', 'real-clis');
const BIN_DIR = join(REAL_CLI_PREFIX, 'node_modules', '.bin');

export function realBinary(cli: ProviderName): string {
  return join(BIN_DIR, cli);
}

/**
 * Why the real-CLI tests are skipped, or false when they run. They skip only when the CLIs were
 * never installed AND this is not CI; under CI a missing install is a failure, not a skip.
 */
export function realCliSkipReason(): string | false {
  if (existsSync(REAL_CLI_PREFIX)) return false;
  if (process.env.CI !== undefined && process.env.CI !== '') return false;
  return `${REAL_CLI_PREFIX} is absent and CI is unset: run scripts/install-real-clis.sh to test the real claude, codex and gemini`;
}

export type RealCliHome = {
  /** The temp HOME; removed after the test. */
  home: string;
  /** The agent workspace (the CLI's cwd). */
  workspace: string;
  env: NodeJS.ProcessEnv;
};

/** Variables every real CLI run gets; nothing else is inherited from this process. */
function baseEnv(home: string): NodeJS.ProcessEnv {
  // `#!/usr/bin/env node` launchers (codex, gemini) need this Node first on PATH.
  const path = [dirname(process.execPath), process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin'].join(':');
  return {
    PATH: path,
    HOME: home,
    USER: process.env.USER ?? 'root',
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    NO_COLOR: '1',
    TMPDIR: join(home, 'tmp'),
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
  };
}

/** Proxy variables every real CLI run gets (see test/helpers/model-mock-egress.ts); set once per file. */
let egressEnv: Record<string, string> = {};
export function setEgressEnv(env: Record<string, string>): void {
  egressEnv = env;
}

/** A fresh home for one CLI for this test only (removed after it). */
export function realCliHome(t: TestContext, cli: ProviderName, modelUrl = ''): RealCliHome {
  const h = makeRealCliHome(cli, modelUrl);
  t.after(() => removeRealCliHome(h));
  return h;
}

export function removeRealCliHome(h: RealCliHome): void {
  rmSync(h.home, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}

/** Every home made in this process, for the leftover-process check. */
const homesMade: string[] = [];

/**
 * Live processes (not zombies) whose cwd lies in one of the homes made here: a CLI, or anything it
 * started (codex can auto-start a daemon), that outlived its turn. Linux /proc only.
 */
export function processesLeftInHomes(only?: string[]): string[] {
  const homes = only ?? homesMade;
  const left: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      if (!homes.some((home) => cwd === home || cwd.startsWith(`${home}/`))) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      left.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()}`);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return left;
}

/** A fresh home for one CLI, wired to its model mock (`modelUrl`: Anthropic base URL / OpenAI base_url). */
export function makeRealCliHome(cli: ProviderName, modelUrl = ''): RealCliHome {
  const home = mkdtempSync(join(tmpdir(), `ductor-real-${cli}-`));
  homesMade.push(home);
  const workspace = join(home, 'workspace');
  mkdirSync(workspace, { recursive: true });
  mkdirSync(join(home, 'tmp'), { recursive: true });
  const env = { ...baseEnv(home), ...egressEnv };
  switch (cli) {
    case 'claude':
      Object.assign(env, {
        ANTHROPIC_BASE_URL: modelUrl,
        ANTHROPIC_API_KEY: 'sk-ant-ductor-mock',
        CLAUDE_CONFIG_DIR: join(home, '.claude'),
        // bypassPermissions as root exits 1 otherwise.
        IS_SANDBOX: '1',
        DISABLE_AUTOUPDATER: '1',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_TELEMETRY: '1',
        DISABLE_ERROR_REPORTING: '1',
        DISABLE_BUG_COMMAND: '1',
        CLAUDE_CODE_DISABLE_TERMINAL_TITLE: '1',
        // A broken mock fails the test at once instead of after ten retries.
        CLAUDE_CODE_MAX_RETRIES: '0',
      });
      break;
    case 'codex': {
      const codexHome = join(home, '.codex');
      mkdirSync(codexHome, { recursive: true });
      writeFileSync(join(codexHome, 'config.toml'), codexMockConfig(modelUrl));
      Object.assign(env, { CODEX_HOME: codexHome, [CODEX_MOCK_KEY_ENV]: 'ductor-mock-key' });
      break;
    }
    case 'gemini':
      Object.assign(env, {
        GEMINI_API_KEY: 'ductor-mock-key',
        GEMINI_CLI_HOME: home,
        GEMINI_TELEMETRY_ENABLED: 'false',
        // One process, no re-spawn of itself with a bigger heap.
        GEMINI_CLI_NO_RELAUNCH: 'true',
      });
      break;
  }
  return { home, workspace, env };
}

/** Writes gemini's settings into the home (kept apart: it is async). */
export async function prepareGeminiHome(home: string): Promise<void> {
  await writeGeminiSettings(home);
}
