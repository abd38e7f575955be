// Marks the CLI entry executable after tsc wrote it (npm link / global install need the bit).
import { chmodSync, existsSync } from 'node:fs';
const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('post-build: dist/src/cli/main.js is missing; did tsc fail?');
  process.exit(1);
}
chmodSync(entry, 0o755);
