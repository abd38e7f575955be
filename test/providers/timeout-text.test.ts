// What the user reads when a turn hits its deadline: a duration that means something, in every
// language, and the cause the CLI was retrying when it was stopped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LANGUAGES } from '../../src/shared/config/schema.js';
import { catalogue } from '../../src/shared/i18n/index.js';

test('a timeout under a minute is told in seconds, longer ones in minutes, in every language', () => {
  for (const language of LANGUAGES) {
    const text = catalogue(language);
    const short = text.turnTimedOut(45);
    assert.match(short, /\b45\b/, `${language}: ${short}`);
    assert.doesNotMatch(short, /\b0\b/, `${language}: ${short}`);
    const long = text.turnTimedOut(300);
    assert.match(long, /\b5\b/, `${language}: ${long}`);
    assert.doesNotMatch(long, /\b300\b/, `${language}: ${long}`);
    assert.notEqual(short.replace('45', 'X'), long.replace('5', 'X'), `${language}: seconds and minutes read differently`);
  }
});
