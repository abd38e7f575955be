/** CLI status lines and reasoning as the chat shows them; the technical footer line. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalogue } from '../../src/shared/i18n/index.js';
import { reasoningLine, statusLabel } from '../../src/workers/agent/orchestrator/status-label.js';
import { technicalFooter } from '../../src/workers/agent/orchestrator/technical-footer.js';

test("Claude's `requesting` status shows nothing; compacting and retries get a translated label", () => {
  assert.equal(statusLabel('requesting', catalogue('en')), null);
  assert.equal(statusLabel('compacting', catalogue('de')), catalogue('de').statusCompacting);
  assert.notEqual(statusLabel('retrying', catalogue('fr')), null);
});

test('the reasoning line keeps the newest part within 500 characters (the stream event limit)', () => {
  const line = reasoningLine(`${'a'.repeat(1000)} the end`);
  assert.ok(line.length <= 500 && line.endsWith('the end') && line.startsWith('💭 …'));
});

test('the technical footer names model, tokens, cost and time', () => {
  assert.equal(technicalFooter({ model: 'opus', tokens: 12345, costUsd: 0.01234, durationMs: 4200 }, catalogue('en')), '———\n🤖 opus · 12,345 tokens · $0.0123 · 4.2 s');
});
