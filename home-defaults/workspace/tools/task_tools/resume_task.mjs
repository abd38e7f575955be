#!/usr/bin/env node
// Resumes a finished or waiting background task with a follow-up (e.g. the answer to its question).
import { call, fail, ok, parse, self, usage } from '../agent_tools/_api.mjs';

const USAGE = `
Usage: node tools/task_tools/resume_task.mjs <task_id> "<follow-up>"

Continues the task's own CLI session with the follow-up: the answer to its question, or more work.
`;

const { positionals } = parse(process.argv.slice(2), {}, USAGE, { positionals: true });
if (positionals.length < 2) usage(USAGE);
const [taskId, ...words] = positionals;
const answer = await call('POST', '/tasks/resume', { task_id: taskId, prompt: words.join(' '), from: self() });
if (!answer.success) fail(answer.error ?? 'not resumed');
ok({ task_id: answer.task_id, resumed: true });
