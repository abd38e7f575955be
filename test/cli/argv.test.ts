/** The command line: `ductor help` lists every command, every command has --help, and strict parsing. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runDuctor } from '../helpers/spawn-ductor.js';
import { tmpHome } from '../helpers/tmp-home.js';

const COMMANDS = ['start', 'status', 'stop', 'restart', 'logs', 'agents', 'chat', 'config', 'api', 'docker', 'service', 'onboarding', 'reset', 'upgrade', 'uninstall', 'help', 'version'];

test('`ductor help` names every command, the wizard, service, docker and upgrade included', async (t) => {
  const home = await tmpHome(t);
  const result = await runDuctor(home, ['help']);
  assert.equal(result.code, 0, result.stderr);
  for (const name of COMMANDS) assert.match(result.stdout, new RegExp(`^  ductor \\[?${name}\\b`, 'm'), name);
  assert.equal((await runDuctor(home, ['--help'])).stdout, result.stdout);
});

test('every command answers --help with its own usage and exits 0 without doing anything', async (t) => {
  const home = await tmpHome(t);
  for (const name of COMMANDS.filter((c) => c !== 'start')) {
    const result = await runDuctor(home, [name, '--help']);
    assert.equal(result.code, 0, `${name}: ${result.stderr}`);
    assert.match(result.stdout, new RegExp(`^Usage: ductor ${name}\\b`), name);
    assert.match(result.stdout, /-h, --help/);
    assert.equal((await runDuctor(home, ['help', name])).stdout, result.stdout, `help ${name}`);
  }
  const logs = await runDuctor(home, ['logs', '-h']);
  assert.match(logs.stdout, /-n, --lines N/);
});

test('an unknown option, a stray argument or a bad value is an error naming it, not ignored', async (t) => {
  const home = await tmpHome(t);
  const cases: Array<[string[], RegExp]> = [
    [['status', '--bogus'], /ductor status: unknown option '--bogus'\. Run `ductor status --help`/],
    [['stop', 'now'], /ductor stop: unexpected argument 'now'/],
    [['logs', '-n', 'abc'], /ductor logs: -n\/--lines needs a positive whole number, not 'abc'/],
    [['logs', '-n'], /ductor logs: option '-n, --lines <value>' argument missing/],
    [['help', 'frobnicate'], /ductor: unknown command "frobnicate"/],
    [['frobnicate'], /ductor: unknown command "frobnicate"\. Run `ductor help`/],
  ];
  for (const [args, expected] of cases) {
    const result = await runDuctor(home, args);
    assert.equal(result.code, 1, args.join(' '));
    assert.match(result.stderr, expected, args.join(' '));
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  }
});

test('a negative group id is a value, not an option', async (t) => {
  const home = await tmpHome(t);
  // No config: the command gets past argument parsing and fails on the missing home instead.
  const result = await runDuctor(home, ['agents', 'add', 'x', '--token', '1:a', '--groups', '-1001234', '--users', '1']);
  assert.doesNotMatch(result.stderr, /ambiguous|unknown option/, result.stderr);
});
