/** `ductor status [--json]`: the supervisor's pid and every worker's role, pid, state, uptime, restarts. */
import { connectControl } from '../../shared/control-client.js';
import { EXIT_OK } from '../../shared/exit-codes.js';
import type { SupervisorStatus } from '../../shared/rpc/contract.js';

/** Exit code when no supervisor runs on this home (LSB's "program is not running"). */
export const EXIT_NOT_RUNNING = 3;

export async function runStatus(options: { home: string; json: boolean }): Promise<number> {
  const connection = await connectControl(options.home);
  if (!connection) {
    if (options.json) process.stdout.write(`${JSON.stringify({ running: false, home: options.home })}\n`);
    else process.stdout.write(`ductor is not running (home ${options.home})\n`);
    return EXIT_NOT_RUNNING;
  }
  try {
    const status = await connection.peer.request('status', {}, { timeoutMs: 5_000 });
    process.stdout.write(options.json ? `${JSON.stringify({ running: true, ...status })}\n` : formatStatus(status));
    return EXIT_OK;
  } finally {
    connection.close();
  }
}

function formatStatus(status: SupervisorStatus): string {
  const lines = [
    `ductor ${status.version} running, supervisor pid ${status.pid}, up ${formatDuration(status.uptimeMs)}`,
    `home ${status.home}`,
    '',
    `${'worker'.padEnd(22)}${'pid'.padEnd(9)}${'state'.padEnd(10)}${'uptime'.padEnd(10)}restarts`,
  ];
  for (const w of status.workers) {
    lines.push(
      `${w.id.padEnd(22)}${String(w.pid ?? '-').padEnd(9)}${w.state.padEnd(10)}${(w.uptimeMs === null ? '-' : formatDuration(w.uptimeMs)).padEnd(10)}${w.restarts}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}
