#!/usr/bin/env node
// Starts a background task: it runs on its own while the chat goes on; its result comes back here.
import { call, fail, ok, origin, parse, self, usage } from '../agent_tools/_api.mjs';

const USAGE = `
Usage: node tools/task_tools/create_task.mjs [--name N] [--provider claude|codex|gemini] [--model M]
       [--thinking LEVEL] [--priority interactive|background|batch] "<prompt>"

Starts a background task with its own CLI session and folder (workspace/tasks/<id>/TASKMEMORY.md).
Use it for work that takes longer than about 30 seconds. The result is brought into this chat.
`;

const { values, positionals } = parse(
  process.argv.slice(2),
  { name: { type: 'string' }, provider: { type: 'string' }, model: { type: 'string' }, thinking: { type: 'string' }, priority: { type: 'string' } },
  USAGE,
  { positionals: true },
);
if (positionals.length === 0) usage(USAGE);
if (values.provider && !['claude', 'codex', 'gemini'].includes(values.provider)) fail('--provider must be claude, codex or gemini');
const answer = await call('POST', '/tasks/create', {
  from: self(),
  prompt: positionals.join(' '),
  name: values.name ?? null,
  provider: values.provider ?? null,
  model: values.model ?? null,
  thinking: values.thinking ?? null,
  priority: values.priority ?? null,
  ...origin(),
});
if (!answer.success) fail(answer.error ?? 'task not created');
ok({ task_id: answer.task_id, note: 'The task runs in the background; its result will be brought into this chat.' });
