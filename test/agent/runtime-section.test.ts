/** The runtime-environment section appended once to the workspace rule files. */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { appendRuntimeSection, RUNTIME_HEADING } from '../../src/workers/agent/rules/runtime-section.js';
import { tmpHome } from '../helpers/tmp-home.js';

test('each deployed rule file gets the section once, naming the agent, the others and the sandbox state', async (t) => {
  const workspace = await tmpHome(t, 'ductor-rules-');
  await writeFile(join(workspace, 'CLAUDE.md'), '# Rules\n\nBe helpful.\n');
  await writeFile(join(workspace, 'AGENTS.md'), '# Rules\n\nBe helpful.\n');
  const facts = { agent: 'main', isMain: true, otherAgents: ['helper'], docker: false };
  const changed = await appendRuntimeSection(workspace, facts);
  assert.deepEqual(changed.map((f) => f.split('/').at(-1)), ['CLAUDE.md', 'AGENTS.md']);
  const text = await readFile(join(workspace, 'CLAUDE.md'), 'utf8');
  assert.ok(text.startsWith('# Rules\n\nBe helpful.\n'));
  assert.ok(text.includes(RUNTIME_HEADING));
  assert.match(text, /agent \*\*main\*\* \(the main agent\)/);
  assert.match(text, /Other agents: helper/);
  assert.match(text, /No sandbox/);
  assert.deepEqual(await appendRuntimeSection(workspace, facts), [], 'a second start adds nothing');
  assert.equal(text.split(RUNTIME_HEADING).length, 2);
});

test('a sub-agent in Docker mode is told so; a file with the older heading is left alone', async (t) => {
  const workspace = await tmpHome(t, 'ductor-rules-');
  await writeFile(join(workspace, 'GEMINI.md'), '# Rules\n');
  await writeFile(join(workspace, 'CLAUDE.md'), '# Rules\n\n## Multi-Agent Identity\nold\n');
  await appendRuntimeSection(workspace, { agent: 'helper', isMain: false, otherAgents: [], docker: true });
  const gemini = await readFile(join(workspace, 'GEMINI.md'), 'utf8');
  assert.match(gemini, /a sub-agent/);
  assert.match(gemini, /mounted at `\/ductor`/);
  assert.match(gemini, /no other agents/);
  assert.equal(await readFile(join(workspace, 'CLAUDE.md'), 'utf8'), '# Rules\n\n## Multi-Agent Identity\nold\n');
});
