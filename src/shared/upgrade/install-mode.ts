/** How this ductor was installed, which decides whether it can upgrade itself (infra-and-security.md §9). */
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';

/**
 * `npm`: a global npm install (upgradeable with `npm install -g`); `npx`: npm's throwaway exec
 * cache (run `npx ductor@latest` instead); `dev`: a source checkout (git pull + build), not upgradeable.
 */
export type InstallMode = 'npm' | 'npx' | 'dev';

export function detectInstallMode(packageRoot: string): InstallMode {
  const parts = packageRoot.split(sep);
  if (parts.includes('_npx')) return 'npx';
  if (parts.at(-2) === 'node_modules' && parts.at(-1) === 'ductor' && !existsSync(join(packageRoot, '.git'))) return 'npm';
  return 'dev';
}
