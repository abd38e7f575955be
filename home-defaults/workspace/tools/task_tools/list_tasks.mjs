#!/usr/bin/env node
// Lists this agent's background tasks.
import { call, ok, parse, self } from '../agent_tools/_api.mjs';

const USAGE = `
Usage: node tools/task_tools/list_tasks.mjs [--all]

Lists this agent's background tasks (--all: every agent's).
`;

const { values } = parse(process.argv.slice(2), { all: { type: 'boolean' } }, USAGE);
const { tasks } = await call('GET', values.all ? '/tasks/list' : `/tasks/list?from=${encodeURIComponent(self())}`);
ok({
  tasks: tasks.map((t) => ({ task_id: t.task_id, name: t.name, status: t.status, priority: t.priority, provider: t.provider, model: t.model, parent_agent: t.parent_agent, last_question: t.last_question || null, error: t.error || null, result_preview: t.result_preview || null })),
});
