// Parser fixes found by running the real CLIs (test/providers/real-cli.test.ts), pinned here as
// plain replays so they hold without the CLIs installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { replay } from './replay.js';

// codex 0.169.0 prints this on every start when CODEX_HOME lies under a temp dir; a stale resume
// id then leaves stdout empty and the real error on the next stderr line.
const PATH_ALIAS_WARNING =
  'WARNING: proceeding, even though we could not create PATH aliases: Refusing to create helper binaries under temporary dir "/tmp" (codex_home: AbsolutePathBuf("/tmp/ductor-real-codex-x/.codex"))';

test('codex: the PATH-alias warning on stderr is not part of the error the user sees', () => {
  const id = '00000000-0000-4000-8000-00000000dead';
  const stderrTail = `${PATH_ALIAS_WARNING}\nError: thread/resume: thread/resume failed: no rollout found for thread id ${id} (code -32600)\n`;
  const { result } = replay('codex', [], { exitCode: 1, stderrTail }, id);
  assert.equal(result.errorMessage, `Error: thread/resume: thread/resume failed: no rollout found for thread id ${id} (code -32600)`);
  assert.equal(result.staleSession, true);

  const onlyWarning = replay('codex', [], { exitCode: 3, stderrTail: `${PATH_ALIAS_WARNING}\nReading additional input from stdin...\n` }).result;
  assert.equal(onlyWarning.errorMessage, '(no output)');
});
