/**
 * A fake `docker` executable: records every argv as a JSON line and answers `info`, `image
 * inspect`, `container inspect`, `build`, `run`, `rm`, `stop`, `rmi` from a small state file it
 * also updates, so a sequence of calls behaves like a tiny engine.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { delimiter } from 'node:path';

export type FakeDockerState = {
  /** false: `docker info` fails as when the daemon is down. */
  engine: boolean;
  images: string[];
  /** container name → running? */
  containers: Record<string, boolean>;
  /** Make `build` fail. */
  failBuild?: boolean;
  /** container name → [host, container] bind mounts, recorded by `run` for `exec`. */
  mounts?: Record<string, string[][]>;
};

const SCRIPT = `#!/usr/bin/env node
const fs = require('node:fs');
const dir = __dirname;
const args = process.argv.slice(2);
fs.appendFileSync(dir + '/calls.jsonl', JSON.stringify(args) + '\\n');
const statePath = dir + '/state.json';
const state = JSON.parse(fs.readFileSync(statePath, 'utf8'));
const save = () => fs.writeFileSync(statePath, JSON.stringify(state));
const fail = (msg) => { process.stderr.write(msg + '\\n'); process.exit(1); };
const [cmd, sub] = args;
if (cmd === 'info') {
  if (!state.engine) fail('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?');
  process.stdout.write('27.0.0\\n'); process.exit(0);
}
if (!state.engine) fail('Cannot connect to the Docker daemon');
if (cmd === 'image' && sub === 'inspect') { if (!state.images.includes(args[2])) fail('Error: No such image: ' + args[2]); process.stdout.write('[{}]\\n'); process.exit(0); }
if (cmd === 'container' && sub === 'inspect') {
  const name = args[args.length - 1];
  if (!(name in state.containers)) fail('Error: No such container: ' + name);
  process.stdout.write(String(state.containers[name]) + '\\n'); process.exit(0);
}
if (cmd === 'build') {
  if (state.failBuild) fail('ERROR: failed to solve: process did not complete successfully');
  const ctx = args[args.length - 1];
  fs.copyFileSync(ctx + '/Dockerfile', dir + '/last-Dockerfile');
  state.images.push(args[args.indexOf('-t') + 1]); save(); process.exit(0);
}
if (cmd === 'run') {
  const name = args[args.indexOf('--name') + 1];
  state.containers[name] = true;
  // Remember the bind mounts so exec can map container paths back to host folders.
  state.mounts = state.mounts || {};
  state.mounts[name] = args.flatMap((a, i) => (a === '-v' ? [args[i + 1].split(':').slice(0, 2)] : []));
  save(); process.stdout.write('abc123\\n'); process.exit(0);
}
if (cmd === 'exec') {
  // Runs the command on the host (the fake CLIs on PATH), as if inside the container.
  let i = 1; let cwd; const env = { ...process.env };
  while (args[i] && args[i].startsWith('-')) {
    if (args[i] === '-w') { cwd = args[i + 1]; i += 2; }
    else if (args[i] === '-e') { const kv = args[i + 1]; env[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1); i += 2; }
    else i += 1;
  }
  const name = args[i]; const rest = args.slice(i + 1);
  if (!state.containers[name]) fail('Error response from daemon: container ' + name + ' is not running');
  const mounts = (state.mounts && state.mounts[name]) || [];
  const toHost = (p) => { for (const [h, c] of mounts) if (p === c || p.startsWith(c + '/')) return h + p.slice(c.length); return p; };
  env.FAKE_DOCKER_CONTAINER = name;
  const run = require('node:child_process').spawnSync(rest[0], rest.slice(1), { cwd: cwd && toHost(cwd), env, stdio: 'inherit' });
  process.exit(run.status === null ? 1 : run.status);
}
if (cmd === 'rm') { const name = args[args.length - 1]; if (!(name in state.containers)) fail('Error: No such container: ' + name); delete state.containers[name]; save(); process.exit(0); }
if (cmd === 'stop') { const name = args[args.length - 1]; if (!(name in state.containers)) fail('Error: No such container: ' + name); state.containers[name] = false; save(); process.exit(0); }
if (cmd === 'rmi') { const name = args[args.length - 1]; state.images = state.images.filter((i) => i !== name); save(); process.exit(0); }
fail('fake docker: unsupported ' + args.join(' '));
`;

export type FakeDocker = {
  dir: string;
  /** PATH with the fake first. */
  path: string;
  calls: () => Promise<string[][]>;
  state: () => Promise<FakeDockerState>;
  setState: (state: FakeDockerState) => Promise<void>;
  lastDockerfile: () => Promise<string>;
};

export async function installFakeDocker(parent: string, initial: FakeDockerState): Promise<FakeDocker> {
  const dir = join(parent, 'fake-docker-bin');
  await mkdir(dir, { recursive: true });
  // A CommonJS script: the folder has no package.json saying "module".
  await writeFile(join(dir, 'docker'), SCRIPT);
  await chmod(join(dir, 'docker'), 0o755);
  await writeFile(join(dir, 'package.json'), '{"type":"commonjs"}');
  const setState = (state: FakeDockerState) => writeFile(join(dir, 'state.json'), JSON.stringify(state));
  await setState(initial);
  return {
    dir,
    path: `${dir}${delimiter}${process.env.PATH ?? ''}`,
    calls: async () =>
      (await readFile(join(dir, 'calls.jsonl'), 'utf8').catch(() => ''))
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as string[]),
    state: async () => JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as FakeDockerState,
    setState,
    lastDockerfile: () => readFile(join(dir, 'last-Dockerfile'), 'utf8'),
  };
}
