/**
 * Standby start of a worker. To shorten a cold start the supervisor forks the workers before it
 * has loaded its config and seeded the home, so that each one loads and compiles its code while
 * the supervisor does that work. Such a worker waits here, touching nothing in the home, until the
 * supervisor sends the `begin` notification of the RPC contract with the last environment values (those that depend on the config), or
 * exits quietly when the supervisor goes away or never needs it.
 */
import { contract } from '../rpc/contract.js';
import { WORKER_ENV } from './env-names.js';

/** Resolves at once for a worker forked to start; otherwise once the supervisor says `begin`. */
export function waitForBegin(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (env[WORKER_ENV.standby] !== '1') return Promise.resolve();
  return new Promise((resolve) => {
    const onDisconnect = () => process.exit(0);
    const onMessage = (message: unknown) => {
      const call = message as { jsonrpc?: unknown; method?: unknown; params?: unknown } | null;
      if (call?.jsonrpc !== '2.0' || call.method !== 'begin') return;
      const begin = contract.begin.params.safeParse(call.params);
      if (!begin.success) return;
      process.off('message', onMessage);
      process.off('disconnect', onDisconnect);
      Object.assign(env, begin.data.env);
      delete env[WORKER_ENV.standby];
      resolve();
    };
    process.on('message', onMessage);
    process.once('disconnect', onDisconnect);
  });
}
