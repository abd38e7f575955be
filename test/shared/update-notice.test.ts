/** The update notice: translated text and the Changelog / Upgrade / Not now buttons. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { updateNotice } from '../../src/shared/upgrade/update-notice.js';

test('the update notice offers Changelog (a link), Upgrade and Not now, in the configured language', () => {
  const en = updateNotice('0.3.0', '0.2.0', 'en');
  assert.match(en.text, /0\.3\.0 is available \(you run 0\.2\.0\)/);
  assert.deepEqual(en.buttons.flat().map((b) => [b.label, b.url ?? b.data]), [
    ['📜 Changelog', 'https://www.npmjs.com/package/ductor/v/0.3.0'],
    ['⬆️ Upgrade', 'upg:yes:0.3.0'],
    ['Not now', 'upg:no'],
  ]);
  assert.match(updateNotice('0.3.0', '0.2.0', 'de').text, /verfügbar/);
});
