/** The `docker run` argv that starts the sandbox container. Pure. */
import { basename, join } from 'node:path';

/** Where the main home appears inside the container. */
export const CONTAINER_HOME = '/ductor';
/** The image's user home (`node`). */
export const CONTAINER_USER_HOME = '/home/node';

export type DockerRunInput = {
  containerName: string;
  imageName: string;
  /** The main ductor home on the host, mounted at /ductor. */
  ductorHome: string;
  /** The OS user's home on the host (where ~/.claude and friends live). */
  userHome: string;
  platform: NodeJS.Platform;
  /** Host uid/gid; on Linux the container runs as them so files stay owned by the host user. */
  uid?: number;
  gid?: number;
  mountHostCache: boolean;
  /** Host cache folder mounted at /home/node/.cache when `mountHostCache`. Default ~/.cache. */
  hostCacheDir?: string;
  /** Host folders (resolved absolute) mounted at /mnt/<basename>. */
  mounts: readonly string[];
  /** Verbatim `-p` specs. */
  publishedPorts: readonly string[];
  /** Secrets from the home's .env that the host environment lacks, passed as -e KEY=VAL. */
  secretEnv?: Readonly<Record<string, string>>;
  /** Which host paths exist (CLI credential folders are mounted only when present). */
  exists: (path: string) => boolean;
};

/** CLI credential folders and files mapped into the image user's home when they exist on the host. */
const CREDENTIAL_PATHS = ['.claude', '.codex', '.gemini', '.claude.json'] as const;

/** `/mnt/<basename>` per mount, `_2`, `_3` … when two folders share a name. */
export function mountTargets(mounts: readonly string[]): Array<{ host: string; container: string }> {
  const used = new Map<string, number>();
  return mounts.map((host) => {
    const name = basename(host) || 'root';
    const seen = (used.get(name) ?? 0) + 1;
    used.set(name, seen);
    return { host, container: `/mnt/${seen === 1 ? name : `${name}_${seen}`}` };
  });
}

/** Arguments after `docker`: `run -d --name … <image>`. The image's CMD (`sleep infinity`) keeps it alive. */
export function dockerRunArgs(input: DockerRunInput): string[] {
  const args = ['run', '-d', '--name', input.containerName, '-w', `${CONTAINER_HOME}/workspace`];
  args.push('-v', `${input.ductorHome}:${CONTAINER_HOME}`, '-e', `DUCTOR_HOME=${CONTAINER_HOME}`);
  // Tools inside reach ductor's internal API on the host through this name.
  args.push('--add-host=host.docker.internal:host-gateway');
  for (const port of input.publishedPorts) args.push('-p', port);
  if (input.platform === 'linux' && input.uid !== undefined && input.gid !== undefined) {
    args.push('--user', `${input.uid}:${input.gid}`, '-e', `HOME=${CONTAINER_USER_HOME}`);
  }
  for (const name of CREDENTIAL_PATHS) {
    const host = join(input.userHome, name);
    if (input.exists(host)) args.push('-v', `${host}:${CONTAINER_USER_HOME}/${name}:rw`);
  }
  if (input.mountHostCache) {
    args.push('-v', `${input.hostCacheDir ?? join(input.userHome, '.cache')}:${CONTAINER_USER_HOME}/.cache:rw`);
  }
  for (const { host, container } of mountTargets(input.mounts)) args.push('-v', `${host}:${container}:rw`);
  for (const [key, value] of Object.entries(input.secretEnv ?? {})) args.push('-e', `${key}=${value}`);
  args.push(input.imageName);
  return args;
}
