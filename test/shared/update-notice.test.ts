/** The update notice: translated text and the Changelog / Upgrade / Not now buttons. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { releaseLinks } from '../../src/shared/upgrade/links.js';
import { updateNotice } from '../../src/shared/upgrade/update-notice.js';

test('the update notice offers Changelog (a link), Upgrade and Not now, in the configured language', () => {
  const links = releaseLinks({ kind: 'npm', name: 'my-ductor' }, '0.3.0');
  const en = updateNotice('0.3.0', '0.2.0', 'en', links);
  assert.match(en.text, /0\.3\.0 is available \(you run 0\.2\.0\)/);
  assert.deepEqual(en.buttons.flat().map((b) => [b.label, b.url ?? b.data]), [
    ['📜 Changelog', 'https://www.npmjs.com/package/my-ductor/v/0.3.0'],
    ['⬆️ Upgrade', 'upg:yes:0.3.0'],
    ['Not now', 'upg:no'],
  ]);
  assert.match(updateNotice('0.3.0', '0.2.0', 'de', links).text, /verfügbar/);
});

test('links follow the configured update source: a git checkout links to no registry page', () => {
  assert.deepEqual(releaseLinks({ kind: 'git', root: '/src/ductor' }, '0.3.0'), { changelog: null, page: null });
  const notice = updateNotice('0.3.0', '0.2.0', 'en', releaseLinks({ kind: 'git', root: '/src/ductor' }, '0.3.0'));
  assert.deepEqual(notice.buttons.flat().map((b) => b.data), ['upg:yes:0.3.0', 'upg:no']);
  assert.deepEqual(releaseLinks({ kind: 'url', url: 'https://example.org/ductor-0.3.0.tgz' }, '0.3.0'), { changelog: null, page: 'https://example.org/ductor-0.3.0.tgz' });
});
