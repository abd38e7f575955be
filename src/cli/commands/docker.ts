/**
 * `ductor docker enable|disable|rebuild|mount PATH|unmount PATH|mounts|extras|extras-add ID|
 * extras-remove ID`: edits the `docker` block of config.json (only the named keys) and manages
 * the sandbox container.
 */
import { realpath, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { loadConfig, updateConfigKeys } from '../../shared/config/load.js';
import type { DockerConfig } from '../../shared/config/schema-blocks.js';
import { ConfigError, describeError } from '../../shared/errors.js';
import { EXIT_CONFIG, EXIT_FAILURE, EXIT_OK } from '../../shared/exit-codes.js';
import { expandTilde, mainPaths } from '../../shared/paths.js';
import type { CommandRunner } from '../../shared/command-runner.js';
import { DOCKER_EXTRA_CATALOG, dependentsOf, isDockerExtraId, withDependencies, type DockerExtraId } from '../../workers/agent/sandbox/docker-extras.js';
import { mountTargets } from '../../workers/agent/sandbox/docker-run-args.js';
import { DockerSandbox } from '../../workers/agent/sandbox/docker-sandbox.js';
import { runStop } from './stop.js';

const USAGE = 'ductor docker enable|disable|rebuild|mount PATH|unmount PATH|mounts|extras|extras-add ID|extras-remove ID';
const APPLY_RESTART = 'restart ductor to apply (`ductor restart`)';
const APPLY_REBUILD = 'run `ductor docker rebuild`, then start ductor, to build the image with this change';

export type DockerCommandOptions = {
  home: string;
  args: string[];
  run?: CommandRunner;
  say?: (line: string) => void;
  /** `ductor docker rebuild` stops the bot first; tests replace it. */
  stopBot?: () => Promise<number>;
};

export async function runDockerCommand(options: DockerCommandOptions): Promise<number> {
  const say = options.say ?? ((line: string) => process.stdout.write(`${line}\n`));
  const fail = (line: string) => {
    process.stderr.write(`ductor docker: ${line}\n`);
    return EXIT_FAILURE;
  };
  const [sub, arg] = options.args;
  const { configFile } = mainPaths(options.home);
  let docker: DockerConfig;
  try {
    docker = (await loadConfig(configFile)).config.docker;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`ductor docker: ${error.message}\n`);
      return EXIT_CONFIG;
    }
    throw error;
  }
  const sandbox = () => new DockerSandbox({ docker, ductorHome: options.home, run: options.run, say, inheritBuildOutput: true });
  const set = (patch: Record<string, unknown>) => updateConfigKeys(configFile, patch);

  try {
    switch (sub) {
      case 'enable': {
        await set({ 'docker.enabled': true });
        say('docker sandbox enabled');
        if (!(await sandbox().engineRunning())) {
          say('note: the Docker engine is not running here (`docker info` failed); start Docker before starting ductor');
          if (!docker.fallback_to_host) say('until then agent turns are refused rather than run unsandboxed (docker.fallback_to_host is false)');
        }
        say(APPLY_RESTART);
        return EXIT_OK;
      }
      case 'disable': {
        await set({ 'docker.enabled': false });
        // Say what actually happened to the container: nothing can be removed while the engine is down.
        const box = sandbox();
        if (!(await box.engineRunning())) {
          say(`docker sandbox disabled; the Docker engine is not running here, so no container was checked or removed (once it runs: \`docker rm -f ${docker.container_name}\`)`);
        } else if (!(await box.containerExists())) {
          say(`docker sandbox disabled; there was no container "${docker.container_name}" to remove`);
        } else {
          await box.teardown();
          const gone = !(await box.containerExists());
          say(gone ? `docker sandbox disabled; container "${docker.container_name}" stopped and removed` : `docker sandbox disabled, but container "${docker.container_name}" could not be removed (\`docker rm -f ${docker.container_name}\`)`);
        }
        say(APPLY_RESTART);
        return EXIT_OK;
      }
      case 'rebuild': {
        await (options.stopBot ?? (() => runStop({ home: options.home })))();
        const box = sandbox();
        await box.teardown();
        const removed = await box.removeImage();
        say(`container "${docker.container_name}" removed${removed ? `, image "${docker.image_name}" removed` : ''}; both are rebuilt on the next start`);
        say('start ductor again (`ductor`, or `ductor service start`)');
        return EXIT_OK;
      }
      case 'mount': {
        if (!arg) return fail('usage: ductor docker mount PATH');
        const path = await resolveExistingDir(arg);
        if (path === null) return fail(`${arg} is not an existing folder`);
        if (docker.mounts.some((m) => m === path)) return fail(`${path} is already mounted`);
        const mounts = [...docker.mounts, path];
        await set({ 'docker.mounts': mounts });
        say(`mounted ${path} at ${mountTargets(mounts).at(-1)!.container}`);
        say(APPLY_RESTART);
        return EXIT_OK;
      }
      case 'unmount': {
        if (!arg) return fail('usage: ductor docker unmount PATH');
        const index = await findMount(docker.mounts, arg);
        if (index < 0) return fail(`${arg} is not mounted (\`ductor docker mounts\` lists them)`);
        const removed = docker.mounts[index]!;
        await set({ 'docker.mounts': docker.mounts.filter((_, i) => i !== index) });
        say(`unmounted ${removed}`);
        say(APPLY_RESTART);
        return EXIT_OK;
      }
      case 'mounts': {
        if (docker.mounts.length === 0) say('no extra mounts (the ductor home is always mounted at /ductor)');
        for (const { host, container } of mountTargets(docker.mounts)) say(`${host} -> ${container}`);
        return EXIT_OK;
      }
      case 'extras': {
        const selected = new Set<string>(docker.extras);
        for (const extra of Object.values(DOCKER_EXTRA_CATALOG)) {
          const needs = extra.requires.length > 0 ? ` (needs ${extra.requires.join(', ')})` : '';
          say(`${selected.has(extra.id) ? '[x]' : '[ ]'} ${extra.id.padEnd(12)} ${extra.description}${needs}`);
        }
        return EXIT_OK;
      }
      case 'extras-add': {
        if (!arg || !isDockerExtraId(arg)) return fail(`unknown extra ${JSON.stringify(arg ?? '')}; one of ${Object.keys(DOCKER_EXTRA_CATALOG).join(', ')}`);
        const current = docker.extras as DockerExtraId[];
        const next = withDependencies([...current, arg]);
        const added = next.filter((id) => !current.includes(id));
        if (added.length === 0) {
          say(`${arg} is already selected`);
          return EXIT_OK;
        }
        await set({ 'docker.extras': next });
        say(`added ${added.join(', ')}`);
        say(APPLY_REBUILD);
        return EXIT_OK;
      }
      case 'extras-remove': {
        if (!arg || !isDockerExtraId(arg)) return fail(`unknown extra ${JSON.stringify(arg ?? '')}`);
        const current = docker.extras as DockerExtraId[];
        if (!current.includes(arg)) {
          say(`${arg} is not selected`);
          return EXIT_OK;
        }
        const dependents = dependentsOf(arg, current);
        if (dependents.length > 0) return fail(`${dependents.join(', ')} need${dependents.length === 1 ? 's' : ''} ${arg}; remove ${dependents.length === 1 ? 'it' : 'them'} first`);
        await set({ 'docker.extras': current.filter((id) => id !== arg) });
        say(`removed ${arg}`);
        say(APPLY_REBUILD);
        return EXIT_OK;
      }
      default:
        return fail(`usage: ${USAGE}`);
    }
  } catch (error) {
    return fail(describeError(error));
  }
}

async function resolveExistingDir(input: string): Promise<string | null> {
  try {
    const path = await realpath(resolve(expandTilde(input)));
    return (await stat(path)).isDirectory() ? path : null;
  } catch {
    return null; // missing or unreadable: not mountable
  }
}

/** Exact stored path first, then the resolved form of the argument, then a unique basename. */
async function findMount(mounts: readonly string[], input: string): Promise<number> {
  const exact = mounts.indexOf(input);
  if (exact >= 0) return exact;
  const resolved = resolve(expandTilde(input));
  const real = await realpath(resolved).catch(() => resolved);
  const byPath = mounts.findIndex((m) => m === resolved || m === real);
  if (byPath >= 0) return byPath;
  const byName = mounts.flatMap((m, i) => (basename(m) === input ? [i] : []));
  return byName.length === 1 ? byName[0]! : -1;
}
