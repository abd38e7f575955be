/** What every service backend needs from the host, gathered once so tests can replace any of it. */
import { homedir, userInfo } from 'node:os';
import { lastLine, runCommand, type CommandResult, type CommandRunner } from '../../shared/command-runner.js';
import { which } from '../which.js';
import { hostServicePath } from './service-path.js';

export type ServiceContext = {
  platform: NodeJS.Platform;
  userHome: string;
  ductorHome: string;
  user: string;
  isRoot: boolean;
  env: NodeJS.ProcessEnv;
  run: CommandRunner;
  say: (line: string) => void;
  /** Print what would be written and run; write and run nothing. */
  dryRun: boolean;
  findOnPath: (name: string) => string | null;
  /** The PATH the service gets. */
  servicePath: () => string;
};

export function hostServiceContext(options: {
  ductorHome: string;
  dryRun?: boolean;
  env?: NodeJS.ProcessEnv;
  run?: CommandRunner;
  platform?: NodeJS.Platform;
  userHome?: string;
  say?: (line: string) => void;
}): ServiceContext {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const userHome = options.userHome ?? homedir();
  const findOnPath = (name: string) => which(name, env.PATH ?? '', platform);
  const say = options.say ?? ((line: string) => process.stdout.write(`${line}\n`));
  const dryRun = options.dryRun ?? false;
  const real = options.run ?? runCommand;
  // In a dry run nothing is executed: each command is printed and answered with success.
  const run: CommandRunner = dryRun
    ? async (file, args) => {
        say(`would run: ${[file, ...args].join(' ')}`);
        return { code: 0, stdout: '', stderr: '' };
      }
    : real;
  return {
    platform,
    userHome,
    ductorHome: options.ductorHome,
    user: env.USER ?? env.USERNAME ?? safeUserName(),
    isRoot: typeof process.getuid === 'function' && process.getuid() === 0,
    env,
    run,
    say,
    dryRun,
    findOnPath,
    servicePath: () => hostServicePath(env, userHome, platform, findOnPath),
  };
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'user'; // no passwd entry (containers): linger then names this placeholder and fails visibly
  }
}

/** Runs a step and says what failed; returns whether it worked. */
export async function step(ctx: ServiceContext, file: string, args: string[], what: string, options: { inherit?: boolean } = {}): Promise<boolean> {
  const result: CommandResult = await ctx.run(file, args, { inherit: options.inherit, env: ctx.env });
  if (result.code === 0) return true;
  ctx.say(`${what} failed: ${lastLine(result)}`);
  return false;
}
