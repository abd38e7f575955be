/**
 * What the provider layer says in the chat speaks the configured language: the failure lines
 * (timeouts, a CLI that cannot start, the login hints) and the status labels while a CLI retries.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createParser } from '../../src/workers/agent/providers/provider.js';
import type { NormalizedEvent } from '../../src/workers/agent/providers/events.js';
import { catalogue } from '../../src/shared/i18n/index.js';
import { statusLabel } from '../../src/workers/agent/orchestrator/status-label.js';
import { useLanguage } from '../../src/workers/agent/orchestrator/texts.js';

after(() => useLanguage('en'));

function parser(provider: 'claude' | 'codex' | 'gemini', events: NormalizedEvent[] = []) {
  return createParser({ provider }, { emit: (e) => events.push(e) });
}

test('gemini retrying after HTTP 429 shows the rate-limit label, and a timeout then names the cause', () => {
  useLanguage('en');
  const events: NormalizedEvent[] = [];
  const gemini = parser('gemini', events);
  gemini.onStderr?.('Attempt 1 failed with status 429. Retrying with backoff... GaxiosError: Resource exhausted');
  const labels = events.flatMap((e) => (e.type === 'status' ? [statusLabel(e.status, catalogue('en'))] : []));
  assert.deepEqual(labels, [catalogue('en').statusRateLimited]);
  const result = gemini.finish({ reason: 'timeout', exitCode: null, signal: null, stderrTail: '', limitMs: 60_000 });
  assert.equal(result.errorMessage, 'gemini timed out after 60 s while retrying (rate limited (HTTP 429)); the session is kept.');
  assert.equal(result.failureCause, 'rate limited (HTTP 429)');
});

test('with language de the failure lines are German', () => {
  useLanguage('de');
  const events: NormalizedEvent[] = [];
  const gemini = parser('gemini', events);
  gemini.onStderr?.('Attempt 2 failed with status 429. Retrying with backoff...');
  const timedOut = gemini.finish({ reason: 'inactivity', exitCode: null, signal: null, stderrTail: '', limitMs: 30_000 });
  assert.equal(timedOut.errorMessage, 'gemini hat 30 s lang nichts ausgegeben während erneuter Versuche (Ratenlimit erreicht (HTTP 429)) und wurde gestoppt; die Sitzung bleibt erhalten.');
  const missing = parser('codex').finish({ reason: 'spawn', exitCode: null, signal: null, stderrTail: '', spawnError: 'ENOENT' });
  assert.equal(missing.errorMessage, 'codex konnte nicht gestartet werden (ENOENT); installiere es mit `npm install -g @openai/codex`.');
  const killed = parser('claude').finish({ reason: 'exit', exitCode: null, signal: 'SIGKILL', stderrTail: '' });
  assert.equal(killed.errorMessage, 'claude wurde durch SIGKILL beendet, ohne Ergebnis.');
  const login = parser('claude').finish({ reason: 'exit', exitCode: 1, signal: null, stderrTail: 'Invalid API key · Please run /login' });
  assert.equal(login.authRequired, true);
  assert.equal(login.errorMessage, catalogue('de').cliLoginClaude);
  useLanguage('en');
});
