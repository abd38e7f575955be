/**
 * `/stop`, `/stop_all` and `/interrupt`: they act on the chat's queue, which the chat service owns,
 * so the service hands its abort in. The bare words ("stop", "esc", …) are no commands; the
 * service recognises them itself (abort-words.ts).
 */
import type { Inbound } from '../../../shared/rpc/conversation-schemas.js';
import type { CommandRegistration } from './command-registry.js';

export type AbortCommand = 'stop' | 'stop_all' | 'interrupt';

/** `abort` answers in the chat itself (a stopped turn's "Stopped", or "Nothing is running"). */
export function controlCommands(abort: (intent: AbortCommand, message: Inbound) => Promise<void>): CommandRegistration[] {
  return (['stop', 'stop_all', 'interrupt'] as const).map((name) => ({
    names: [name],
    run: async ({ message }) => {
      await abort(name, message);
      return 'handled' as const;
    },
  }));
}
