#!/usr/bin/env node
// Asks another agent without waiting: prints a task id; the answer arrives later in this chat.
import { call, fail, ok, origin, parse, self, usage } from './_api.mjs';

const USAGE = `
Usage: node tools/agent_tools/ask_agent_async.mjs [--new] [--summary TEXT] [--reply-to AGENT] [--silent] <agent> <message>

Hands work to another ductor agent and returns at once with a task id. When the other agent is
done, its answer is brought into this chat (or to --reply-to). --silent: no notice in the other
agent's chat. --summary: the one-line notice shown there instead of the start of the message.
`;

const { values, positionals } = parse(
  process.argv.slice(2),
  { new: { type: 'boolean' }, summary: { type: 'string' }, 'reply-to': { type: 'string' }, silent: { type: 'boolean' } },
  USAGE,
  { positionals: true },
);
if (positionals.length < 2) usage(USAGE);
const [to, ...words] = positionals;
const answer = await call('POST', '/interagent/send_async', {
  from: self(),
  to,
  message: words.join(' '),
  new_session: Boolean(values.new),
  summary: values.summary ?? null,
  reply_to: values['reply-to'] ?? null,
  silent: Boolean(values.silent),
  ...origin(),
});
if (!answer.success) fail(answer.error ?? 'not accepted');
ok({ task_id: answer.task_id, agent: to, note: 'The answer will be brought into this chat when it is ready.' });
