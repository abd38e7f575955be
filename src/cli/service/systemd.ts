/** Linux: a systemd user unit, enabled with linger so it runs without a login session. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceBackend } from './service-backend.js';
import { requireDuctorBinary } from './service-backend.js';
import { step, type ServiceContext } from './service-context.js';
import { readDefinition, removeDefinition, writeDefinition } from './definition-file.js';
import { systemdSystemUnit, systemdUnit } from './unit-files.js';
import { lastLine } from '../../shared/command-runner.js';

export const SYSTEMD_UNIT_NAME = 'ductor';

export function systemdBackend(ctx: ServiceContext): ServiceBackend {
  const file = join(ctx.userHome, '.config', 'systemd', 'user', `${SYSTEMD_UNIT_NAME}.service`);
  const systemctl = (args: string[], what: string, inherit = false) => step(ctx, 'systemctl', ['--user', ...args], what, { inherit });
  const backend: ServiceBackend = {
    kind: 'systemd',
    file,
    render() {
      const text = systemdUnit({ program: requireDuctorBinary(ctx), args: [], path: ctx.servicePath(), userHome: ctx.userHome, ductorHome: ctx.ductorHome });
      return { text, bytes: text };
    },
    async install() {
      // Without a user bus (WSL, containers, SSH without lingering) every systemctl --user call
      // fails: find out before writing anything, and say how to get one.
      const rendered = backend.render();
      const bus = await ctx.run('systemctl', ['--user', 'show-environment'], { env: ctx.env });
      if (bus.code !== 0) {
        for (const line of noUserBusAdvice(ctx, lastLine(bus), rendered.text)) ctx.say(line);
        return false;
      }
      await writeDefinition(ctx, file, rendered);
      const rollback = async () => {
        await ctx.run('systemctl', ['--user', 'disable', SYSTEMD_UNIT_NAME], { env: ctx.env });
        await removeDefinition(ctx, file);
        await ctx.run('systemctl', ['--user', 'daemon-reload'], { env: ctx.env });
        ctx.say(`removed the unit again (${file}); nothing of the failed install is left`);
        return false;
      };
      if (!(await systemctl(['daemon-reload'], 'systemctl --user daemon-reload'))) return rollback();
      if (!(await systemctl(['enable', SYSTEMD_UNIT_NAME], 'enabling the unit'))) return rollback();
      await ensureLinger(ctx);
      if (!(await systemctl(['start', SYSTEMD_UNIT_NAME], 'starting the unit'))) return rollback();
      ctx.say('ductor runs as a systemd user service; `ductor service logs` follows its output');
      return true;
    },
    async uninstall() {
      await systemctl(['stop', SYSTEMD_UNIT_NAME], 'stopping the unit');
      await systemctl(['disable', SYSTEMD_UNIT_NAME], 'disabling the unit');
      await removeDefinition(ctx, file);
      await systemctl(['daemon-reload'], 'systemctl --user daemon-reload');
      ctx.say('the ductor service is removed');
      return true;
    },
    start: () => systemctl(['start', SYSTEMD_UNIT_NAME], 'starting the unit'),
    stop: () => systemctl(['stop', SYSTEMD_UNIT_NAME], 'stopping the unit'),
    status: () => systemctl(['status', SYSTEMD_UNIT_NAME, '--no-pager'], 'systemctl status', true),
    logs: () => step(ctx, 'journalctl', ['--user', '-u', SYSTEMD_UNIT_NAME, '-f'], 'journalctl', { inherit: true }),
    async installedForHome() {
      const text = await readDefinition(file);
      return text !== null && unitHome(text) === ctx.ductorHome;
    },
  };
  return backend;
}

/** DUCTOR_HOME named in a unit we wrote (null for a unit without it). */
export function unitHome(unitText: string): string | null {
  const match = /^Environment="?DUCTOR_HOME=(.*?)"?$/m.exec(unitText);
  return match ? match[1]!.replace(/\\(["\\])/g, '$1') : null;
}

/**
 * Linger keeps user services running after logout (and starts them at boot). Needs root once;
 * without it the manual command is printed instead of failing the install.
 */
async function ensureLinger(ctx: ServiceContext): Promise<void> {
  if (existsSync(join('/var/lib/systemd/linger', ctx.user))) return;
  const args = ['enable-linger', ctx.user];
  const ok = ctx.isRoot
    ? await step(ctx, 'loginctl', args, 'loginctl enable-linger')
    : await step(ctx, 'sudo', ['loginctl', ...args], 'sudo loginctl enable-linger', { inherit: true });
  if (!ok) ctx.say(`run \`sudo loginctl enable-linger ${ctx.user}\` yourself so the service keeps running after you log out`);
}

/**
 * What to do when there is no systemd user bus: enable lingering (a user manager then runs for
 * this user at boot, and a new login gets a bus), or install a system unit that runs as this user.
 */
function noUserBusAdvice(ctx: ServiceContext, error: string, userUnit: string): string[] {
  const systemUnit = systemdSystemUnit(userUnit, ctx.user);
  return [
    `ductor service install: no systemd user session bus is reachable (${error}); nothing was written.`,
    'This happens in WSL, in containers and over SSH when the user has no systemd session. Either:',
    `  1. let systemd run a user manager for ${ctx.user}, then log in again (or point XDG_RUNTIME_DIR at it) and retry:`,
    `       sudo loginctl enable-linger ${ctx.user}`,
    '       export XDG_RUNTIME_DIR=/run/user/$(id -u)',
    '       ductor service install',
    `  2. or install a system unit that runs ductor as ${ctx.user}: save this as /etc/systemd/system/ductor.service`,
    '',
    systemUnit.trimEnd(),
    '',
    '     and run: sudo systemctl daemon-reload && sudo systemctl enable --now ductor',
  ];
}
