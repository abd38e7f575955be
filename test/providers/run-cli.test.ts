import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJsonObject } from '../../src/workers/agent/providers/json-fields.js';
import { runCli } from '../../src/workers/agent/providers/run-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { FAKE_CLI_DIR, FIXTURES } from './replay.js';
import { fakeRun, isGone } from './fake-env.js';

const codex = join(FAKE_CLI_DIR, 'codex');

test('replays a transcript to the end and reports a clean exit', async (t) => {
  const f = fakeRun(t);
  const lines: string[] = [];
  const end = await runCli({ file: codex, args: ['exec', '--json'], env: f.env({ FAKE_CLI_TRANSCRIPT: 'codex-local-shell' }), stdin: 'ignore', onLine: (l) => lines.push(l), timeoutMs: 30_000 });
  assert.equal(end.reason, 'exit');
  assert.equal(end.exitCode, 0);
  assert.equal(end.signal, null);
  assert.equal(lines.length, 7);
  assert.equal(JSON.parse(lines[0]!).type, 'thread.started');
});

test('onLine receives every stdout line, JSON and noise, in order, however stdout is cut', async (t) => {
  const f = fakeRun(t);
  const expected = ['thread.started', 'turn.started', 'item.completed', 'item.started', 'item.completed', 'item.completed', 'some_future_event', 'turn.completed'];
  const read = async (file: string, args: string[], env: NodeJS.ProcessEnv) => {
    const seen = { types: [] as string[], noise: 0 };
    const end = await runCli({
      file,
      args,
      env,
      stdin: 'ignore',
      onLine: (line) => {
        const msg = parseJsonObject(line);
        if (msg === null) seen.noise++;
        else seen.types.push(String(msg.type));
      },
      timeoutMs: 30_000,
    });
    assert.equal(end.exitCode, 0);
    return seen;
  };
  // The fake CLI in garbage mode: noise after each line, stdout cut into pieces of 1-13 bytes.
  const chopped = await read(codex, ['exec', '--json'], f.env({ FAKE_CLI_TRANSCRIPT: 'codex-local-shell', FAKE_CLI_MODE: 'garbage' }));
  assert.deepEqual(chopped.types, expected);
  assert.ok(chopped.noise >= 4, `noise lines ${chopped.noise}`);
  // The same lines in one write: they arrive as one chunk.
  const text = readFileSync(join(FIXTURES, 'codex', 'codex-local-shell.jsonl'), 'utf8').trimEnd().split('\n');
  text.splice(6, 0, 'Loading configuration…', '', '{"type":"some_future_event"}', '{"truncated": ');
  const whole = await read(process.execPath, ['-e', `process.stdout.write(${JSON.stringify(`${text.join('\n')}\n`)})`], process.env);
  assert.deepEqual(whole.types, expected);
  assert.equal(whole.noise, 2);
});

test('a non-zero exit and the stderr tail are reported', async (t) => {
  const f = fakeRun(t);
  const end = await runCli({ file: codex, args: [], env: f.env({ FAKE_CLI_TRANSCRIPT: 'codex-local-not-a-git-repo' }), stdin: 'ignore', onLine: () => {}, timeoutMs: 30_000, stderrTailBytes: 40 });
  assert.equal(end.reason, 'exit');
  assert.equal(end.exitCode, 1);
  assert.ok(end.stderrTail.length <= 40);
  assert.ok('Not inside a trusted directory and --skip-git-repo-check was not specified.\n'.endsWith(end.stderrTail));
});

test('a crash (SIGSEGV) is reported with its signal', async (t) => {
  const f = fakeRun(t);
  const end = await runCli({ file: codex, args: [], env: f.env({ FAKE_CLI_TRANSCRIPT: 'codex-local-shell', FAKE_CLI_MODE: 'crash' }), stdin: 'ignore', onLine: () => {}, timeoutMs: 30_000 });
  assert.equal(end.reason, 'exit');
  assert.equal(end.signal, 'SIGSEGV');
});

test('a missing executable ends with reason spawn', async () => {
  const end = await runCli({ file: '/nonexistent/claude', args: [], stdin: 'ignore', onLine: () => {}, timeoutMs: 1000 });
  assert.equal(end.reason, 'spawn');
  assert.match(end.spawnError ?? '', /ENOENT/);
  assert.equal(end.pid, null);
});

test('abort ends the whole process group, grandchild included, and leaves no abort listener', async (t) => {
  const f = fakeRun(t);
  const controller = new AbortController();
  let pid = 0;
  const done = runCli({
    file: codex,
    args: [],
    env: f.env({ FAKE_CLI_MODE: 'spawn-child' }),
    stdin: 'ignore',
    onLine: () => {},
    onSpawn: (h) => (pid = h.pid),
    signal: controller.signal,
    timeoutMs: 60_000,
    graceMs: 500,
  });
  const grandchild = await waitFor(() => f.entries().find((e) => e.event === 'grandchild')?.grandchild as number | undefined);
  assert.ok(!isGone(grandchild) && !isGone(pid));
  controller.abort();
  const end = await done;
  assert.equal(end.reason, 'aborted');
  assert.ok(isGone(pid), 'CLI gone');
  assert.ok(isGone(grandchild), 'grandchild gone');
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
});

test('the total timeout ends a hanging CLI and says so', async (t) => {
  const f = fakeRun(t);
  const lines: string[] = [];
  // Long enough for the fake CLI to start and print its first line even on a loaded machine.
  const end = await runCli({ file: codex, args: [], env: f.env({ FAKE_CLI_MODE: 'hang' }), stdin: 'ignore', onLine: (l) => lines.push(l), timeoutMs: 3_000, graceMs: 500 });
  assert.equal(end.reason, 'timeout');
  assert.equal(end.limitMs, 3_000);
  assert.equal(end.signal, 'SIGTERM');
  assert.equal(lines.length, 1, 'the line printed before the hang arrived');
  assert.ok(isGone(end.pid!));
});

test('inactivity ends a silent CLI; SIGKILL follows when SIGTERM is ignored', async (t) => {
  const f = fakeRun(t);
  // The deadline must not fire before the fake CLI has started and installed its SIGTERM handler,
  // which can take a second on a loaded machine.
  const end = await runCli({ file: codex, args: [], env: f.env({ FAKE_CLI_MODE: 'hang,ignore-term' }), stdin: 'ignore', onLine: () => {}, timeoutMs: 60_000, inactivityTimeoutMs: 3_000, graceMs: 300 });
  assert.equal(end.reason, 'inactivity');
  assert.equal(end.forcedKill, true);
  assert.equal(end.signal, 'SIGKILL');
  assert.ok(f.entries().some((e) => e.event === 'sigterm-ignored'));
  assert.ok(isGone(end.pid!));
});

test('a held inactivity deadline does not fire while a human is asked', async (t) => {
  const f = fakeRun(t);
  // Held from the start: the total timeout, five inactivity windows later, is what ends the run.
  const held = await runCli({
    file: codex, args: [], env: f.env({ FAKE_CLI_MODE: 'hang' }), stdin: 'ignore', onLine: () => {}, timeoutMs: 1000, inactivityTimeoutMs: 200, graceMs: 300,
    onSpawn: (h) => void h.holdInactivity(),
  });
  assert.equal(held.reason, 'timeout');
  // Released right away: inactivity fires as usual.
  const released = await runCli({
    file: codex, args: [], env: f.env({ FAKE_CLI_MODE: 'hang' }), stdin: 'ignore', onLine: () => {}, timeoutMs: 30_000, inactivityTimeoutMs: 200, graceMs: 300,
    onSpawn: (h) => h.holdInactivity()(),
  });
  assert.equal(released.reason, 'inactivity');
});

test('pipes stdin text to the CLI and records it', async (t) => {
  const f = fakeRun(t);
  const end = await runCli({
    file: codex, args: ['exec', '--json', '--', '-'], env: f.env({}), stdin: 'pipe', onLine: () => {}, timeoutMs: 30_000,
    onSpawn: (h) => { h.writeStdin('the prompt ✓'); h.endStdin(); },
  });
  assert.equal(end.exitCode, 0);
  assert.equal(f.entries().find((e) => e.event === 'stdin')?.stdin, 'the prompt ✓');
});
