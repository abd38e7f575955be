// The Node.js runtimes ductor supports (the LTS lines 24 and 22), installed from the npm
// registry's `node` package into .cache/node/<version> of this checkout, the way
// scripts/install-real-clis.sh installs the real CLIs. Machines whose system node is older use them
// for the build and the tests (scripts/with-node.mjs); CI runs the suite on 24 and a smoke run on 22.
//
//   node scripts/node-runtime.mjs [24|22]   installs the pinned version when missing, prints its bin folder
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The pinned version of each supported line; the one place CI and the scripts read them from. */
export const NODE_RUNTIMES = { 24: '24.21.0', 22: '22.23.3' };
/** The oldest major version ductor supports. */
export const MIN_NODE_MAJOR = 22;

const root = fileURLToPath(new URL('..', import.meta.url));

/** The folder holding the `node` binary of a cached runtime (whether or not it is installed). */
export function runtimeBinDir(version) {
  return join(root, '.cache', 'node', version, 'node_modules', 'node', 'bin');
}

function installedVersion(binDir) {
  const node = join(binDir, 'node');
  if (!existsSync(node)) return undefined;
  try {
    return execFileSync(node, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, '');
  } catch {
    return undefined;
  }
}

/**
 * Installs `node@<version>` of the line into .cache/node/<version> unless it is there already, and
 * returns the folder of its binary. Progress goes to stderr: stdout carries only the path.
 */
export function ensureNodeRuntime(line) {
  const version = NODE_RUNTIMES[line];
  if (!version) throw new Error(`node-runtime: no pinned version for Node ${line}; supported lines: ${Object.keys(NODE_RUNTIMES).join(', ')}`);
  const binDir = runtimeBinDir(version);
  if (installedVersion(binDir) === version) return binDir;
  const prefix = join(root, '.cache', 'node', version);
  mkdirSync(prefix, { recursive: true });
  // A package.json of its own so npm does not walk up into the project's.
  writeFileSync(join(prefix, 'package.json'), '{"name":"ductor-node-runtime","private":true}\n');
  process.stderr.write(`node-runtime: installing Node ${version} from the npm registry into ${prefix}\n`);
  // The `node` package fetches the platform's binary in its preinstall script; stdio goes to
  // stderr so a caller reading stdout gets only the path.
  execFileSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', '--loglevel=error', `node@${version}`], {
    stdio: ['ignore', process.stderr, process.stderr],
  });
  const got = installedVersion(binDir);
  if (got !== version) throw new Error(`node-runtime: ${binDir}/node reports ${got ?? 'nothing'} after installing Node ${version}`);
  return binDir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const line = process.argv[2] ?? '24';
  try {
    process.stdout.write(`${ensureNodeRuntime(line)}\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
