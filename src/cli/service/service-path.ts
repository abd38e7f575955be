/**
 * The PATH a service runs with. Service managers start with a bare PATH, so the unit must name
 * the folders where node and the claude/codex/gemini CLIs live (nvm, ~/.local/bin, npm prefix …).
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type ServicePathInput = {
  platform: NodeJS.Platform;
  userHome: string;
  /** Folder of the node running ductor now (so the unit uses the same node). */
  nodeBinDir: string;
  /** Folders where the CLIs were found on the installing user's PATH. */
  cliBinDirs: readonly string[];
  /** nvm node versions folder listing (newest first is computed here); injectable for tests. */
  nvmVersions?: readonly string[];
};

/** Pure: the ordered, de-duplicated PATH for the service. */
export function servicePath(input: ServicePathInput): string {
  const nvmBins = [...(input.nvmVersions ?? [])]
    .sort(compareNodeVersionsDesc)
    .map((v) => join(input.userHome, '.nvm', 'versions', 'node', v, 'bin'));
  const system =
    input.platform === 'darwin'
      ? ['/opt/homebrew/bin', '/usr/local/bin', '/usr/bin', '/bin']
      : ['/usr/local/bin', '/usr/bin', '/bin'];
  const dirs = [
    input.nodeBinDir,
    ...input.cliBinDirs,
    ...(input.platform === 'darwin' ? nvmBins.slice(0, 1) : nvmBins),
    join(input.userHome, '.local', 'bin'),
    join(input.userHome, '.npm-global', 'bin'),
    ...system,
  ];
  return [...new Set(dirs)].join(':');
}

/** `v22.3.0` > `v20.11.1`; non-version names sort last. */
function compareNodeVersionsDesc(a: string, b: string): number {
  const parse = (v: string) => (/^v?(\d+)\.(\d+)\.(\d+)$/.exec(v) ?? []).slice(1).map(Number);
  const [pa, pb] = [parse(a), parse(b)];
  for (let i = 0; i < 3; i++) {
    const d = (pb[i] ?? -1) - (pa[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

/** Reads the host facts `servicePath` needs. */
export function hostServicePath(env: NodeJS.ProcessEnv, userHome: string, platform: NodeJS.Platform, findOnPath: (name: string) => string | null): string {
  let nvmVersions: string[] = [];
  try {
    nvmVersions = readdirSync(join(userHome, '.nvm', 'versions', 'node'));
  } catch {
    // no nvm: nothing to add
  }
  const cliBinDirs = ['claude', 'codex', 'gemini', 'ductor']
    .map((name) => findOnPath(name))
    .filter((p): p is string => p !== null)
    .map((p) => dirname(p));
  void env;
  return servicePath({ platform, userHome, nodeBinDir: dirname(process.execPath), cliBinDirs, nvmVersions });
}
