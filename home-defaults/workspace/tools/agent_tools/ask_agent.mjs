#!/usr/bin/env node
// Asks another agent and waits for its answer (up to 300 s). The answer is printed as JSON.
import { call, fail, ok, origin, parse, self, usage } from './_api.mjs';

const USAGE = `
Usage: node tools/agent_tools/ask_agent.mjs [--new] <agent> <message>

Asks another ductor agent and waits for its answer (at most 300 s). The other agent works in its
own workspace, in a session it keeps for you; --new starts that session fresh.
List agents: node tools/agent_tools/ask_agent.mjs --list
`;

const { values, positionals } = parse(process.argv.slice(2), { new: { type: 'boolean' }, list: { type: 'boolean' } }, USAGE, { positionals: true });
if (values.list) ok(await call('GET', '/interagent/agents'));
if (positionals.length < 2) usage(USAGE);
const [to, ...words] = positionals;
const answer = await call('POST', '/interagent/send', { from: self(), to, message: words.join(' '), new_session: Boolean(values.new), ...origin() });
if (!answer.success) fail(answer.error ?? 'the other agent did not answer', { sender: to });
ok({ sender: answer.sender, text: answer.text, session: answer.session ?? null, notice: answer.notice ?? null });
