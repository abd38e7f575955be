/** `ductor stop`: asks the supervisor to stop everything and waits until it is gone. */
import { setTimeout as sleep } from 'node:timers/promises';
import { connectControl } from '../../shared/control-client.js';
import { loadConfig } from '../../shared/config/load.js';
import { mainPaths } from '../../shared/paths.js';
import { DockerSandbox } from '../../workers/agent/sandbox/docker-sandbox.js';
import { EXIT_FAILURE, EXIT_OK } from '../../shared/exit-codes.js';
import { isProcessAlive } from '../../shared/process-alive.js';
import { runningDuctorPid } from '../../supervisor/pid-lock.js';
import { stopServiceIfInstalled } from './service.js';

/** Longest wait for an orderly stop before the supervisor is sent SIGKILL (ms). */
const STOP_WAIT_MS = 30_000;

export async function runStop(options: { home: string }): Promise<number> {
  // The service manager would start the bot again at once; stop it there first.
  const serviceStopped = await stopServiceIfInstalled(options.home);
  // Only a pid that is still this home's ductor is ever signalled (pids are reused).
  const pid = await runningDuctorPid(options.home);
  const connection = await connectControl(options.home);
  if (connection) {
    await connection.peer.request('stop', { reason: 'ductor stop' }, { timeoutMs: 5_000 }).catch(() => undefined);
    connection.close();
  } else if (pid !== null) {
    process.kill(pid, 'SIGTERM'); // no control socket answered, but the pid lives: stop it by signal
  } else {
    await teardownSandbox(options.home);
    process.stdout.write(serviceStopped ? 'ductor stopped (service)\n' : 'ductor is not running\n');
    return EXIT_OK;
  }
  if (pid !== null) {
    const deadline = Date.now() + STOP_WAIT_MS;
    while (isProcessAlive(pid) && Date.now() < deadline) await sleep(100);
    if (isProcessAlive(pid)) {
      process.kill(pid, 'SIGKILL');
      process.stderr.write(`ductor: the supervisor (pid ${pid}) did not stop in time and was killed\n`);
      return EXIT_FAILURE;
    }
  }
  await teardownSandbox(options.home);
  process.stdout.write('ductor stopped\n');
  return EXIT_OK;
}

/**
 * The main agent removes the sandbox container when it stops; this covers a supervisor that was
 * killed before it could. Quiet when Docker is off, missing, or the container is already gone.
 */
async function teardownSandbox(home: string): Promise<void> {
  let docker;
  try {
    docker = (await loadConfig(mainPaths(home).configFile)).config.docker;
  } catch {
    return; // no readable config: nothing tells us a container exists
  }
  if (!docker.enabled) return;
  const sandbox = new DockerSandbox({ docker, ductorHome: home });
  if (await sandbox.containerExists()) await sandbox.teardown();
}
