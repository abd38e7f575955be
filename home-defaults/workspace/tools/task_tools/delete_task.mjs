#!/usr/bin/env node
// Deletes a finished background task of this agent: its entry and its folder.
import { call, fail, ok, parse, self, usage } from '../agent_tools/_api.mjs';

const USAGE = `
Usage: node tools/task_tools/delete_task.mjs <task_id>

Only finished tasks (done, failed, cancelled, interrupted) can be deleted.
`;

const { positionals } = parse(process.argv.slice(2), {}, USAGE, { positionals: true });
if (positionals.length !== 1) usage(USAGE);
const answer = await call('POST', '/tasks/delete', { task_id: positionals[0], from: self() });
if (!answer.success) fail(answer.error ?? 'not deleted');
ok({ task_id: positionals[0], deleted: true });
