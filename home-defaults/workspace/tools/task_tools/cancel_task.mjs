#!/usr/bin/env node
// Cancels a running or waiting background task of this agent.
import { call, fail, ok, parse, self, usage } from '../agent_tools/_api.mjs';

const USAGE = `
Usage: node tools/task_tools/cancel_task.mjs <task_id>
`;

const { positionals } = parse(process.argv.slice(2), {}, USAGE, { positionals: true });
if (positionals.length !== 1) usage(USAGE);
const answer = await call('POST', '/tasks/cancel', { task_id: positionals[0], from: self() });
if (!answer.success) fail(answer.error ?? 'not cancelled');
ok({ task_id: positionals[0], cancelled: true });
