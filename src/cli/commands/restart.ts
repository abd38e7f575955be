/** `ductor restart`: every worker stops and starts again from the code on disk (the exit-42 path). */
import { connectControl } from '../../shared/control-client.js';
import { EXIT_FAILURE, EXIT_OK } from '../../shared/exit-codes.js';

const RESTART_WAIT_MS = 120_000;

export async function runRestart(options: { home: string }): Promise<number> {
  const connection = await connectControl(options.home);
  if (!connection) {
    process.stderr.write('ductor: not running; start it with `ductor`\n');
    return EXIT_FAILURE;
  }
  try {
    await connection.peer.request('restartAll', { reason: 'ductor restart' }, { timeoutMs: RESTART_WAIT_MS });
    const status = await connection.peer.request('status', {}, { timeoutMs: 5_000 });
    const ready = status.workers.filter((w) => w.state === 'ready').length;
    process.stdout.write(`ductor restarted: ${ready}/${status.workers.length} workers ready\n`);
    return EXIT_OK;
  } finally {
    connection.close();
  }
}
