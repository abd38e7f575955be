/**
 * Where the internal API listens: `interagent_port`, or, when that port is taken (another ductor
 * home on this host), a free port. The port in use is recorded under run/ for the agents' tools.
 */
import type { Logger } from 'pino';
import { recordInternalApiPort } from '../../../shared/internal-api-port.js';

export async function listenOnConfiguredOrFreePort<T extends { port: number }>(options: {
  home: string;
  configured: number;
  start: (port: number) => Promise<T>;
  log: Pick<Logger, 'warn' | 'error'>;
}): Promise<T | null> {
  const { log } = options;
  let api: T | null = null;
  try {
    api = await options.start(options.configured);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      log.warn({ key: 'interagent_port', port: options.configured }, 'internal API port in use (another ductor home?); using a free port. Set interagent_port in config.json to choose one');
      api = await options.start(0).catch((again: unknown) => {
        log.error({ err: again }, 'internal API could not start; agent and task tools will not work');
        return null;
      });
    } else {
      log.error({ err: error, key: 'interagent_port' }, 'internal API could not start; agent and task tools will not work');
    }
  }
  await recordInternalApiPort(options.home, api?.port ?? null).catch((error: unknown) => log.warn({ err: error }, 'internal API port not recorded'));
  return api;
}
