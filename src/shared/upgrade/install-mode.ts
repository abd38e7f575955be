/** How this ductor was installed, which decides what `ductor uninstall` removes. */
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';

/**
 * `npm`: a global npm install (from a tarball); `npx`: npm's throwaway exec cache; `dev`: a source
 * checkout. Upgrades go by the configured update source instead (update-source.ts).
 */
export type InstallMode = 'npm' | 'npx' | 'dev';

export function detectInstallMode(packageRoot: string): InstallMode {
  const parts = packageRoot.split(sep);
  if (parts.includes('_npx')) return 'npx';
  if (parts.at(-2) === 'node_modules' && parts.at(-1) === 'ductor' && !existsSync(join(packageRoot, '.git'))) return 'npm';
  return 'dev';
}
