/** The UI catalogues: every language has every key of English, with the same shape. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LANGUAGES } from '../src/shared/config/schema.js';
import { catalogue, menuCommands } from '../src/shared/i18n/index.js';

function shape(value: unknown, path = ''): string[] {
  if (typeof value === 'function') return [`${path}()${value.length}`];
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => shape(v, path ? `${path}.${k}` : k)).sort();
  return [`${path}:${typeof value}`];
}

test('every configured language has a catalogue with exactly the English keys and argument counts', () => {
  const reference = shape(catalogue('en'));
  for (const language of LANGUAGES) {
    const found = shape(catalogue(language));
    const missing = reference.filter((k) => !found.includes(k));
    const extra = found.filter((k) => !reference.includes(k));
    assert.deepEqual({ language, missing, extra }, { language, missing: [], extra: [] });
  }
});

test('no string is left empty or untranslated by accident, and menu descriptions fit Telegram', () => {
  for (const language of LANGUAGES) {
    const text = catalogue(language);
    for (const [key, value] of Object.entries(text)) if (typeof value === 'string') assert.notEqual(value.trim(), '', `${language}.${key}`);
    for (const entry of menuCommands(language)) {
      assert.ok(entry.description.length >= 3 && entry.description.length <= 22, `${language} /${entry.command}: "${entry.description}"`);
    }
    if (language !== 'en') assert.notDeepEqual(text.helpLines, catalogue('en').helpLines, `${language} help is translated`);
  }
});

test('an unknown language falls back to English; a catalogue is built once', () => {
  assert.equal(catalogue('ru'), catalogue('ru'));
  assert.equal(catalogue('xx'), catalogue('en'));
});
