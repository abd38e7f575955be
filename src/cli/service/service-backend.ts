/** One interface over systemd, launchd and Task Scheduler; the platform picks the backend. */
import type { ServiceContext } from './service-context.js';
import { launchdBackend } from './launchd.js';
import { schtasksBackend } from './schtasks.js';
import { systemdBackend } from './systemd.js';

export type ServiceBackend = {
  kind: 'systemd' | 'launchd' | 'schtasks';
  /** Where the definition lives. */
  file: string;
  /** The definition to write (text shown by --dry-run; bytes as written). */
  render(): { text: string; bytes: string | Buffer };
  install(): Promise<boolean>;
  uninstall(): Promise<boolean>;
  start(): Promise<boolean>;
  stop(): Promise<boolean>;
  status(): Promise<boolean>;
  logs(): Promise<boolean>;
  /** True when a definition is installed and it runs this ductor home. */
  installedForHome(): Promise<boolean>;
};

export function serviceBackend(ctx: ServiceContext): ServiceBackend {
  if (ctx.platform === 'win32') return schtasksBackend(ctx);
  if (ctx.platform === 'darwin') return launchdBackend(ctx);
  return systemdBackend(ctx);
}

/** The absolute `ductor` command the service runs; a clear error when it is not on PATH. */
export function requireDuctorBinary(ctx: ServiceContext): string {
  const found = ctx.findOnPath('ductor');
  if (found === null) {
    throw new Error('`ductor` is not on PATH. Install it with `npm link` in a clone, or `npm install -g ./ductor-<version>.tgz` from a release tarball, then run this again.');
  }
  return found;
}
