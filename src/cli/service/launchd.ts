/** macOS: a launchd agent in ~/Library/LaunchAgents. */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServiceBackend } from './service-backend.js';
import { requireDuctorBinary } from './service-backend.js';
import { step, type ServiceContext } from './service-context.js';
import { readDefinition, removeDefinition, writeDefinition } from './definition-file.js';
import { LAUNCHD_LABEL, launchdPlist } from './unit-files.js';

/** Lines shown by `ductor service logs`. */
const LOG_TAIL_LINES = 100;

export function launchdBackend(ctx: ServiceContext): ServiceBackend {
  const file = join(ctx.userHome, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`);
  const launchctl = (args: string[], what: string) => step(ctx, 'launchctl', args, what);
  const backend: ServiceBackend = {
    kind: 'launchd',
    file,
    render() {
      const text = launchdPlist({ program: requireDuctorBinary(ctx), args: [], path: ctx.servicePath(), userHome: ctx.userHome, ductorHome: ctx.ductorHome });
      return { text, bytes: text };
    },
    async install() {
      await writeDefinition(ctx, file, backend.render());
      // A previous load must go first or `load` refuses with "service already loaded".
      await ctx.run('launchctl', ['unload', file], { env: ctx.env });
      if (!(await launchctl(['load', file], 'launchctl load'))) return false;
      ctx.say('ductor runs as a launchd agent (dev.ductor); `ductor service logs` shows its log');
      return true;
    },
    async uninstall() {
      await launchctl(['unload', file], 'launchctl unload');
      await removeDefinition(ctx, file);
      ctx.say('the ductor service is removed');
      return true;
    },
    start: () => launchctl(['load', file], 'launchctl load'),
    stop: () => launchctl(['unload', file], 'launchctl unload'),
    async status() {
      const result = await ctx.run('launchctl', ['list', LAUNCHD_LABEL], { env: ctx.env });
      ctx.say(result.code !== 0 ? 'ductor service: not loaded' : result.stdout.includes('"PID"') ? 'ductor service: running' : 'ductor service: loaded, not running');
      return result.code === 0;
    },
    async logs() {
      const logFile = await newestLog(join(ctx.ductorHome, 'logs'));
      if (logFile === null) {
        ctx.say('no log file yet');
        return false;
      }
      const lines = (await readFile(logFile, 'utf8')).split('\n');
      ctx.say(`${logFile}:\n${lines.slice(-LOG_TAIL_LINES - 1).join('\n').trimEnd()}`);
      return true;
    },
    async installedForHome() {
      const text = await readDefinition(file);
      return text !== null && text.includes(`<key>DUCTOR_HOME</key>\n        <string>${ctx.ductorHome}</string>`);
    },
  };
  return backend;
}

/** `agent.log` when present, else the newest `*.log`. */
async function newestLog(dir: string): Promise<string | null> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.log'));
  } catch {
    return null;
  }
  if (names.includes('agent.log')) return join(dir, 'agent.log');
  let best: { path: string; mtimeMs: number } | null = null;
  for (const name of names) {
    const path = join(dir, name);
    const { mtimeMs } = await stat(path);
    if (best === null || mtimeMs > best.mtimeMs) best = { path, mtimeMs };
  }
  return best?.path ?? null;
}
