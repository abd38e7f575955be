/**
 * The chat message of the update check: which version is out, with buttons Changelog (a link to
 * the version's page, where the update source has one), Upgrade (the same `upg:yes:<v>` the /upgrade flow answers) and Not now.
 */
import { encodeCallback } from '../callbacks/callback-data.js';
import { catalogue } from '../i18n/index.js';
import type { Button } from '../rpc/conversation-schemas.js';
import type { ReleaseLinks } from './links.js';

export function updateNotice(latest: string, current: string, language: string, links: ReleaseLinks): { text: string; buttons: Button[][] } {
  const text = catalogue(language);
  return {
    text: `${text.upgradeAvailable(latest, current)}\n${text.upgradeAsk}`,
    buttons: [
      ...(links.changelog ? [[{ label: text.changelogButton, data: 'link', url: links.changelog }]] : []),
      [{ label: text.upgradeButton, data: encodeCallback('upgrade', `yes:${latest}`) }, { label: text.notNowButton, data: encodeCallback('upgrade', 'no') }],
    ],
  };
}
