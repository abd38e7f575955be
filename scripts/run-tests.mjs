// Runs every test/**/*.test.ts through Node's own runner with tsx as the loader.
// Node 20 neither globs nor loads .ts by itself, and a run that finds nothing would pass
// silently, so the file list is built here and an empty list fails.
// The e2e tests fork the compiled supervisor, so the build runs first when dist/ is older than
// the sources (or missing); DUCTOR_SKIP_BUILD=1 skips it (CI builds once before the tests).
// After the run, any process a test started that is still alive fails the run and is killed.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filter = process.argv.slice(2);
/** Per test file, on the quiet reference machine; stretched by the measured slowdown. */
const FILE_TIMEOUT_MS = 120_000;
/** How long processes of the run get to finish exiting after the runner is done. */
const LEFTOVER_GRACE_MS = 3_000;

function collect(dir, suffix) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) found.push(...collect(full, suffix));
    else if (suffix === null || name.endsWith(suffix)) found.push(full);
  }
  return found;
}

let files = collect(join(root, 'test'), '.test.ts').map((f) => relative(root, f)).sort();
if (filter.length > 0) files = files.filter((f) => filter.some((part) => f.includes(part)));
if (files.length === 0) {
  console.error('run-tests: no test files matched; refusing to report success');
  process.exit(1);
}

/** True when dist/ is missing or older than anything the build reads. */
function buildIsStale() {
  const built = join(root, 'dist', 'bin', 'ductor.js');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  const inputs = [
    ...collect(join(root, 'src'), null),
    ...collect(join(root, 'bench'), null),
    ...collect(join(root, 'scripts'), null),
    ...['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'].map((f) => join(root, f)).filter(existsSync),
  ];
  return inputs.some((file) => statSync(file).mtimeMs > builtAt);
}

if (!process.env.DUCTOR_SKIP_BUILD && buildIsStale()) {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
}

// How much slower than the reference machine this one is now (test/helpers/machine-speed.ts).
const slowdown =
  Number(process.env.DUCTOR_TEST_SLOWDOWN) >= 1
    ? Number(process.env.DUCTOR_TEST_SLOWDOWN)
    : Number(execFileSync(process.execPath, ['--import', 'tsx', 'test/helpers/machine-speed.ts'], { cwd: root, encoding: 'utf8' }).trim());
console.log(`run-tests: this machine runs ${slowdown}x slower than the reference now; deadlines are stretched by that`);

// Every process of this run carries the mark, so survivors are found after their parents are gone.
const runMark = `DUCTOR_TEST_RUN=${randomUUID()}`;
const [markName, markValue] = runMark.split('=');
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', `--test-timeout=${Math.round(FILE_TIMEOUT_MS * slowdown)}`, ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, DUCTOR_TEST_SLOWDOWN: String(slowdown), [markName]: markValue } },
);

function markedProcesses() {
  if (!existsSync('/proc')) return [];
  const found = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (`\0${readFileSync(`/proc/${pid}/environ`, 'latin1')}`.includes(`\0${runMark}\0`)) found.push(pid);
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

function commandOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim();
  } catch {
    return '(gone)';
  }
}

const graceUntil = Date.now() + LEFTOVER_GRACE_MS;
let leftovers = markedProcesses();
while (leftovers.length > 0 && Date.now() < graceUntil) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  leftovers = markedProcesses();
}
if (leftovers.length > 0) {
  console.error(`run-tests: ${leftovers.length} process(es) started by the tests outlived them; killing them and failing the run:`);
  for (const pid of leftovers) {
    console.error(`  ${pid} ${commandOf(pid)}`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Exited meanwhile.
    }
  }
  process.exit(1);
}
process.exit(result.status ?? 1);
