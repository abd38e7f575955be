/**
 * `/upgrade` in the chat: ask the configured update source, offer Yes / Not now with a
 * changelog line, install on Yes, leave the upgrade sentinel and have the supervisor replace the
 * whole process. The restarted bot reports "upgrade complete a → b" from the sentinel. A failed
 * install is reported at once; the old version keeps running.
 */
import { encodeCallback } from '../../../shared/callbacks/callback-data.js';
import { texts } from './texts.js';
import type { Logger } from 'pino';
import type { Button, ChatRef } from '../../../shared/rpc/conversation-schemas.js';
import { describeError } from '../../../shared/errors.js';
import { resolveUpdateSource, type UpdateSource } from '../../../shared/upgrade/update-source.js';
import { parseSemver } from '../../../shared/upgrade/semver.js';
import { checkForUpdate, installVersion, PACKAGE_NAME, writeUpgradeSentinel } from '../../../shared/upgrade/upgrade-steps.js';
import type { CommandRunner } from '../../../shared/command-runner.js';
import type { Reply } from './commands.js';
import { noArgs, type CommandRegistration } from './command-registry.js';
import { releaseLinks, type ReleaseLinks } from '../../../shared/upgrade/links.js';

export type UpgradeDeps = {
  home: string;
  version: string;
  /** Where the running package is installed (a git checkout or a package). */
  packageRoot: string;
  /** `update_source` of config.json, read when /upgrade runs. */
  updateSource: () => string;
  run: CommandRunner;
  /** Asks the supervisor to replace the process (exit 42 or re-exec). */
  restartProcess: (reason: string) => Promise<void>;
  log: Logger;
};

const plain = (text: string, buttons: Button[][] = []): Reply => ({ text, format: 'plain', buttons });

/** `/upgrade` without arguments (`/upgrade now` goes on as a message). */
export function upgradeCommands(deps: UpgradeDeps): CommandRegistration[] {
  return [{ names: ['upgrade'], accepts: noArgs, run: () => upgradeOffer(deps) }];
}

/** The changelog line offered with a new version: its page on the npm registry, or its git tag. */
export function changelogLine(version: string, source: UpdateSource = { kind: 'npm', name: PACKAGE_NAME }): string {
  if (source.kind === 'npm') return texts.upgradeChangelog(`https://www.npmjs.com/package/${source.name}/v/${version}`);
  if (source.kind === 'git') return texts.upgradeChangelogGit(version, source.root);
  return texts.upgradeRelease(source.kind === 'url' ? source.url : version);
}

function changelogButton(links: ReleaseLinks): Button[][] {
  return links.changelog ? [[{ label: texts.changelogButton, data: 'link', url: links.changelog }]] : [];
}

export async function upgradeOffer(deps: UpgradeDeps): Promise<Reply> {
  const source = resolveUpdateSource(deps.updateSource(), deps.packageRoot);
  if (source.kind === 'off') return plain(texts.upgradeNoSource(deps.version, source.reason));
  let check;
  try {
    check = await checkForUpdate(deps.run, deps.version, source);
  } catch (error) {
    return plain(texts.upgradeCheckFailed(describeError(error)));
  }
  if (!check.available) return plain(`${texts.upgradeNewest(check.current)}\n${changelogLine(check.current, source)}`);
  return plain(`${texts.upgradeAvailable(check.latest, check.current)}\n${changelogLine(check.latest, source)}\n${texts.upgradeAsk}`, [
    ...changelogButton(releaseLinks(source, check.latest)),
    [
      { label: texts.upgradeYesButton, data: encodeCallback('upgrade', `yes:${check.latest}`) },
      { label: texts.notNowButton, data: encodeCallback('upgrade', 'no') },
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
  const source = resolveUpdateSource(deps.updateSource(), deps.packageRoot);
  if (source.kind === 'off') return plain(texts.upgradeNoSource(deps.version, source.reason));
  await say(texts.upgradeInstalling(version));
  deps.log.info({ from: deps.version, to: version }, 'upgrade requested from the chat');
  const installed = await installVersion(deps.run, version, source);
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
