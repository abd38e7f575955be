#!/usr/bin/env node
// From inside a background task: asks the agent that started it. Returns at once; finish your run
// after asking, you are resumed with the answer.
import { basename, dirname } from 'node:path';
import { call, fail, ok, parse, usage } from '../agent_tools/_api.mjs';

const USAGE = `
Usage: node tools/task_tools/ask_parent.mjs "<question>"

Only for background tasks. The question goes to the agent (and if needed the user) that started
the task. Then end your run: the task is resumed with the answer.
`;

const { positionals } = parse(process.argv.slice(2), {}, USAGE, { positionals: true });
if (positionals.length === 0) usage(USAGE);
/** $DUCTOR_TASK_ID, else the task folder we run in (workspace/tasks/<id>/). */
const taskId = process.env.DUCTOR_TASK_ID || (basename(dirname(process.cwd())) === 'tasks' ? basename(process.cwd()) : '');
if (!taskId) fail('Not running inside a background task (DUCTOR_TASK_ID is not set)');
const answer = await call('POST', '/tasks/ask_parent', { task_id: taskId, question: positionals.join(' ') });
if (!answer.success) fail(answer.error ?? 'question not forwarded');
ok({ task_id: taskId, answer: answer.answer });
