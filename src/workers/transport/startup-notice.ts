/**
 * "I'm online": the first start of a bot (a fresh install, right after the setup wizard) and a
 * start after the machine rebooted tell the allowed users that the bot is there; a plain service
 * restart says nothing. `startup.json` in the home remembers, per agent, that it started before
 * and on which boot (Linux boot id; elsewhere the system's start time).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { uptime } from 'node:os';
import * as z from 'zod/mini';
import '../../shared/zod-english.js';
import { writeFileAtomic } from '../../shared/store/atomic-write.js';

export type StartupKind = 'first_start' | 'system_reboot' | 'service_restart';

const StartupFileSchema = z.object({ agents: z._default(z.record(z.string(), z.object({ boot: z.string(), at: z.string() })), {}) });

export function startupFile(home: string): string {
  return join(home, 'startup.json');
}

/** This machine's boot: tests and callers compare it with the one recorded. */
export async function currentBoot(): Promise<string> {
  try {
    return (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
  } catch {
    // No boot id (macOS, Windows): the boot time, rounded so small clock drift does not count.
    return String(Math.round((Date.now() / 1000 - uptime()) / 60));
  }
}

/** Tells what kind of start this is for `agent` and records this one. */
export async function detectStartup(home: string, agent: string, boot?: string): Promise<StartupKind> {
  const file = startupFile(home);
  let state: z.infer<typeof StartupFileSchema> = { agents: {} };
  try {
    const parsed = StartupFileSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (parsed.success) state = parsed.data;
  } catch {
    // No file yet: the first start of this home.
  }
  const now = boot ?? (await currentBoot());
  const previous = state.agents[agent];
  state.agents[agent] = { boot: now, at: new Date().toISOString() };
  await writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);
  if (!previous) return 'first_start';
  return previous.boot === now ? 'service_restart' : 'system_reboot';
}
