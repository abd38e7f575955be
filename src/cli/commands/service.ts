/** `ductor service install|status|start|stop|logs|uninstall [--dry-run]`. */
import { describeError } from '../../shared/errors.js';
import { EXIT_FAILURE, EXIT_OK } from '../../shared/exit-codes.js';
import { serviceBackend } from '../service/service-backend.js';
import { hostServiceContext, type ServiceContext } from '../service/service-context.js';

const SUBCOMMANDS = ['install', 'status', 'start', 'stop', 'logs', 'uninstall'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

export type ServiceCommandOptions = {
  home: string;
  args: string[];
  dryRun: boolean;
  /** Tests replace the host (platform, runner, user home, PATH …). */
  context?: Partial<Parameters<typeof hostServiceContext>[0]>;
};

export async function runServiceCommand(options: ServiceCommandOptions): Promise<number> {
  const [sub] = options.args;
  if (!isSubcommand(sub)) {
    process.stderr.write(`ductor service: expected one of ${SUBCOMMANDS.join(', ')}${sub ? `, found "${sub}"` : ''}\n`);
    return EXIT_FAILURE;
  }
  const ctx: ServiceContext = hostServiceContext({ ductorHome: options.home, dryRun: options.dryRun, ...options.context });
  const backend = serviceBackend(ctx);
  try {
    if (sub !== 'install' && sub !== 'status' && !options.dryRun && !(await backend.installedForHome())) {
      ctx.say(`no ductor service is installed for ${options.home}; \`ductor service install\` adds one`);
      return sub === 'uninstall' || sub === 'stop' ? EXIT_OK : EXIT_FAILURE;
    }
    const ok = await backend[sub]();
    return ok ? EXIT_OK : EXIT_FAILURE;
  } catch (error) {
    process.stderr.write(`ductor service ${sub}: ${describeError(error)}\n`);
    return EXIT_FAILURE;
  }
}

function isSubcommand(value: string | undefined): value is Subcommand {
  return value !== undefined && (SUBCOMMANDS as readonly string[]).includes(value);
}

/**
 * For `ductor stop` and `ductor upgrade`: stops the installed service for this home first, so
 * the service manager does not start the bot again. Returns true when a service was stopped.
 */
export async function stopServiceIfInstalled(home: string, context: ServiceCommandOptions['context'] = {}): Promise<boolean> {
  const ctx = hostServiceContext({ ductorHome: home, ...context, say: context.say ?? ((line) => process.stderr.write(`ductor: ${line}\n`)) });
  const backend = serviceBackend(ctx);
  if (!(await backend.installedForHome())) return false;
  return backend.stop();
}
