/**
 * Follows `agents.json` while running: an added sub-agent starts, a removed one stops, and one
 * whose bot identity changed (transport, token, Matrix account) is restarted alone. Other edits
 * wait for `/agent_restart`, as in the original. The transport is told so it re-syncs its bots.
 */
import { unwatchFile, watchFile } from 'node:fs';
import type { Logger } from 'pino';
import { loadAgentsFile, type AgentEntry } from '../shared/config/agent-config.js';
import type { Supervisor } from './supervisor.js';

const POLL_MS = 2_000;

/** What identifies a sub-agent's bot: a change here needs a restart of that agent alone. */
function identity(entry: AgentEntry): string {
  const matrix = entry.matrix as { homeserver?: unknown; user_id?: unknown } | null | undefined;
  return JSON.stringify([entry.transport ?? 'telegram', entry.telegram_token ?? '', matrix?.homeserver ?? '', matrix?.user_id ?? '']);
}

export type AgentsDiff = { added: string[]; removed: string[]; changed: string[] };

export function diffAgents(before: readonly AgentEntry[], after: readonly AgentEntry[]): AgentsDiff {
  const old = new Map(before.map((e) => [e.name, e]));
  const next = new Map(after.map((e) => [e.name, e]));
  return {
    added: [...next.keys()].filter((n) => !old.has(n)),
    removed: [...old.keys()].filter((n) => !next.has(n)),
    changed: [...next.keys()].filter((n) => old.has(n) && identity(old.get(n)!) !== identity(next.get(n)!)),
  };
}

export function watchAgents(options: {
  file: string;
  initial: AgentEntry[];
  /** Problems already reported for the initial file; only new ones are reported again. */
  initialWarnings?: string[];
  /** Main's bot token: an entry using it is left out. */
  mainTelegramToken?: string;
  supervisor: Supervisor;
  log: Logger;
  /** Tells the transport (and others) that the agent set changed. */
  announce: () => void;
  /** Tells main's chat about entries that were left out (new problems only). */
  report?: (warnings: string[]) => void;
}): () => void {
  let current = options.initial;
  let reported = new Set(options.initialWarnings ?? []);
  let busy = Promise.resolve();
  const onChange = () => {
    busy = busy.then(async () => {
      let next: AgentEntry[];
      try {
        const loaded = await loadAgentsFile(options.file, { mainTelegramToken: options.mainTelegramToken });
        const fresh = loaded.warnings.filter((w) => !reported.has(w));
        for (const warning of fresh) options.log.warn(warning);
        if (fresh.length > 0) options.report?.(fresh);
        reported = new Set(loaded.warnings);
        next = loaded.agents;
      } catch (error) {
        options.log.warn({ err: error }, 'agents.json is invalid; keeping the running agents');
        return;
      }
      const diff = diffAgents(current, next);
      current = next;
      if (diff.added.length + diff.removed.length + diff.changed.length === 0) return;
      options.log.info(diff, 'agents.json changed');
      for (const name of diff.removed) await options.supervisor.removeAgent(name);
      for (const name of diff.added) await options.supervisor.addAgent(name);
      for (const name of diff.changed) await options.supervisor.restartWorker(`agent:${name}` as never, 'bot identity changed');
      options.announce();
    });
  };
  watchFile(options.file, { interval: POLL_MS }, onChange);
  return () => unwatchFile(options.file, onChange);
}
