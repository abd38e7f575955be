/** Windows: a Task Scheduler task started at logon, node.exe running the ductor entry script. */
import { join } from 'node:path';
import { writeFileAtomic } from '../../shared/store/atomic-write.js';
import type { ServiceBackend } from './service-backend.js';
import { requireDuctorBinary } from './service-backend.js';
import { step, type ServiceContext } from './service-context.js';
import { readDefinition, removeDefinition, writeDefinition } from './definition-file.js';
import { WINDOWS_TASK_NAME, utf16WithBom, windowsTaskXml } from './unit-files.js';

export function schtasksBackend(ctx: ServiceContext): ServiceBackend {
  const file = join(ctx.ductorHome, 'run', 'ductor-task.xml');
  const envFile = join(ctx.ductorHome, 'run', 'service.env');
  const schtasks = async (args: string[], what: string) => {
    const ok = await step(ctx, 'schtasks', args, what);
    if (!ok) ctx.say('if that says "Access is denied", run the command again in a terminal started as Administrator');
    return ok;
  };
  const backend: ServiceBackend = {
    kind: 'schtasks',
    file,
    render() {
      // The npm shim (ductor.cmd) would open a console; node.exe on the real entry does not.
      const entry = ductorEntryScript(requireDuctorBinary(ctx));
      const text = windowsTaskXml({ program: process.execPath, args: [`--env-file=${envFile}`, entry], path: ctx.servicePath(), userHome: ctx.userHome, ductorHome: ctx.ductorHome });
      return { text, bytes: utf16WithBom(text) };
    },
    async install() {
      const envText = `DUCTOR_SUPERVISOR=1\nDUCTOR_HOME=${ctx.ductorHome}\n`;
      if (ctx.dryRun) ctx.say(`would write ${envFile}:\n${envText.trimEnd()}`);
      else await writeFileAtomic(envFile, envText);
      await writeDefinition(ctx, file, backend.render());
      if (!(await schtasks(['/Create', '/TN', WINDOWS_TASK_NAME, '/XML', file, '/F'], 'schtasks /Create'))) return false;
      return schtasks(['/Run', '/TN', WINDOWS_TASK_NAME], 'schtasks /Run');
    },
    async uninstall() {
      await schtasks(['/End', '/TN', WINDOWS_TASK_NAME], 'schtasks /End');
      const ok = await schtasks(['/Delete', '/TN', WINDOWS_TASK_NAME, '/F'], 'schtasks /Delete');
      await removeDefinition(ctx, file);
      return ok;
    },
    start: () => schtasks(['/Run', '/TN', WINDOWS_TASK_NAME], 'schtasks /Run'),
    stop: () => schtasks(['/End', '/TN', WINDOWS_TASK_NAME], 'schtasks /End'),
    status: () => step(ctx, 'schtasks', ['/Query', '/TN', WINDOWS_TASK_NAME, '/V', '/FO', 'LIST'], 'schtasks /Query', { inherit: true }),
    async logs() {
      ctx.say(`logs are in ${join(ctx.ductorHome, 'logs')}; \`ductor logs -f\` follows them`);
      return true;
    },
    async installedForHome() {
      return (await readDefinition(file, 'utf16le')) !== null;
    },
  };
  return backend;
}

/** npm's global shim sits beside node_modules/ductor; the task runs the bundled entry directly. */
function ductorEntryScript(shim: string): string {
  return join(shim, '..', 'node_modules', 'ductor', 'dist', 'bin', 'ductor.js');
}
