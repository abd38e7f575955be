/**
 * Starts this command line again as a child (Node has no exec(2)) and stands in for it until it
 * ends: same argv, same environment, same terminal. Signals are passed on so Ctrl-C and
 * `ductor stop` (which signals the pid in bot.pid, the child's) behave as before. The child
 * writes its own pid lock; ours was released when the supervisor stopped.
 */
import { spawn } from 'node:child_process';

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export function reexecInPlace(argv: readonly string[] = process.argv, execArgv: readonly string[] = process.execArgv): Promise<number> {
  process.stderr.write('ductor: restarting with the newly installed code\n');
  const child = spawn(process.execPath, [...execArgv, ...argv.slice(1)], { stdio: 'inherit', env: process.env });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of FORWARDED) process.on(signal, forward);
  return new Promise((resolve) => {
    child.on('error', (error) => {
      process.stderr.write(`ductor: could not start again: ${error.message}\n`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      for (const s of FORWARDED) process.off(s, forward);
      resolve(code ?? (signal ? 128 + 15 : 1));
    });
  });
}
