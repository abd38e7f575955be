/**
 * `/upgrade` in the chat (spec/telegram.md §2): ask the npm registry, offer Yes / Not now with a
 * changelog line, install on Yes, leave the upgrade sentinel and have the supervisor replace the
 * whole process. The restarted bot reports "upgrade complete a → b" from the sentinel. A failed
 * install is reported at once; the old version keeps running.
 */
import { texts } from './texts.js';
import type { Logger } from 'pino';
import type { Button, ChatRef } from '../../../shared/rpc/conversation-schemas.js';
import { describeError } from '../../../shared/errors.js';
import { detectInstallMode } from '../../../shared/upgrade/install-mode.js';
import { parseSemver } from '../../../shared/upgrade/semver.js';
import { checkForUpdate, installVersion, PACKAGE_NAME, writeUpgradeSentinel } from '../../../shared/upgrade/upgrade-steps.js';
import type { CommandRunner } from '../../../shared/command-runner.js';
import type { Reply } from './commands.js';

export type UpgradeDeps = {
  home: string;
  version: string;
  /** Where the running package is installed (decides npm / npx / source checkout). */
  packageRoot: string;
  run: CommandRunner;
  /** Asks the supervisor to replace the process (exit 42 or re-exec). */
  restartProcess: (reason: string) => Promise<void>;
  log: Logger;
};

const plain = (text: string, buttons: Button[][] = []): Reply => ({ text, format: 'plain', buttons });

export function isUpgradeCommand(text: string): boolean {
  return /^\/upgrade(?:@\w+)?$/i.test(text.trim());
}

/** The changelog line offered with a new version: its page on the npm registry. */
export function changelogLine(version: string): string {
  return texts.upgradeChangelog(changelogUrl(version));
}

/** The npm registry page of a version, where its changes are listed. */
export function changelogUrl(version: string): string {
  return `https://www.npmjs.com/package/${PACKAGE_NAME}/v/${version}`;
}

export async function upgradeOffer(deps: UpgradeDeps): Promise<Reply> {
  const mode = detectInstallMode(deps.packageRoot);
  if (mode === 'dev') return plain(texts.upgradeFromSource(deps.version));
  if (mode === 'npx') return plain(texts.upgradeViaNpx);
  let check;
  try {
    check = await checkForUpdate(deps.run, deps.version);
  } catch (error) {
    return plain(`⚠️ ${describeError(error)}`);
  }
  if (!check.available) return plain(`${texts.upgradeNewest(check.current)}\n${changelogLine(check.current)}`);
  return plain(`${texts.upgradeAvailable(check.latest, check.current)}\n${changelogLine(check.latest)}\n${texts.upgradeAsk}`, [
    [
      { label: texts.changelogButton, data: 'link', url: changelogUrl(check.latest) },
    ],
    [
      { label: texts.upgradeYesButton, data: `upg:yes:${check.latest}` },
      { label: texts.notNowButton, data: 'upg:no' },
    ],
  ]);
}

/**
 * An `upg:` button. `say` sends a line to the chat at once (the install takes a while); the
 * returned reply, if any, answers a refusal or a failure (null: the process is restarting).
 */
export async function upgradeCallback(deps: UpgradeDeps, data: string, chat: ChatRef, say: (text: string) => Promise<void>): Promise<Reply | null> {
  if (data === 'upg:no') return plain(texts.upgradeSkipped);
  const version = data.startsWith('upg:yes:') ? data.slice('upg:yes:'.length) : '';
  if (parseSemver(version) === null) return plain(texts.upgradeButtonStale);
  if (detectInstallMode(deps.packageRoot) !== 'npm') return plain(texts.upgradeNotNpm(deps.version));
  await say(texts.upgradeInstalling(version));
  deps.log.info({ from: deps.version, to: version }, 'upgrade requested from the chat');
  const installed = await installVersion(deps.run, version);
  if (!installed.ok) {
    deps.log.warn({ error: installed.error }, 'upgrade failed');
    return plain(texts.upgradeFailed(installed.error, deps.version));
  }
  await writeUpgradeSentinel(deps.home, { chat_id: chat.chatId, old_version: deps.version, new_version: installed.installed });
  // Said (and delivered) before the restart: nothing sent after it would arrive.
  await say(texts.upgradeInstalled(installed.installed));
  // The answer may never come back: the supervisor stops this worker on its way out.
  void deps.restartProcess(`upgrade ${deps.version} → ${installed.installed}`).catch((error: unknown) => deps.log.warn({ err: error }, 'restartProcess ended without an answer'));
  return null;
}
