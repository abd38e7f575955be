// Runs a script on a supported Node.js (22 or newer). On such a node it runs with this one; on an
// older system node it runs on the cached Node 24 (scripts/node-runtime.mjs, installed on first
// use) and says so, with that runtime first on PATH so every child (tests, fake CLIs, npm) uses it.
//
//   node scripts/with-node.mjs <script.mjs> [args...]
import { spawn } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { MIN_NODE_MAJOR, NODE_RUNTIMES, ensureNodeRuntime } from './node-runtime.mjs';

const [script, ...args] = process.argv.slice(2);
if (!script) {
  process.stderr.write('usage: node scripts/with-node.mjs <script> [args...]\n');
  process.exit(2);
}

let execPath = process.execPath;
let env = process.env;
const major = Number.parseInt(process.versions.node.split('.')[0], 10);
if (major < MIN_NODE_MAJOR) {
  const binDir = ensureNodeRuntime('24');
  process.stderr.write(`with-node: the system node is ${process.version}; ductor supports Node 22 and 24, so this runs on the cached Node ${NODE_RUNTIMES[24]} (${binDir})\n`);
  execPath = join(binDir, 'node');
  env = { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}` };
}

const child = spawn(execPath, [script, ...args], { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 15 : 1)));
