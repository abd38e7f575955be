/**
 * The agent's slash commands are registered by name: every command the shared list says an agent
 * answers is registered in the main agent, /help shows every registered one, a name registered
 * twice is refused, and text that is no registered command goes on as a message.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { COMMAND_LIST } from '../../src/shared/i18n/command-list.js';
import { makeInbound, type Delivery, type Inbound } from '../../src/shared/rpc/conversation-schemas.js';
import type { RpcPeer } from '../../src/shared/rpc/peer.js';
import { agentAdminCommands } from '../../src/workers/agent/orchestrator/agent-admin.js';
import { AgentService, type AgentServiceDeps } from '../../src/workers/agent/orchestrator/agent-service.js';
import { CommandRegistry } from '../../src/workers/agent/orchestrator/command-registry.js';
import { extrasCommands, type AgentExtras } from '../../src/workers/agent/delegation/extras.js';

const CHAT = { transport: 'tg' as const, chatId: 1001, topicId: null };

/**
 * The chat service as main.ts builds it for the main agent, with the collaborators no command
 * here reaches left empty; replies are collected from the outbox, journaled messages from the journal.
 */
function mainAgentService() {
  const sent: Delivery[] = [];
  const journaled: Inbound[] = [];
  const unused = () => {
    throw new Error('not reached by these commands');
  };
  const deps = {
    log: pino({ level: 'silent' }),
    journal: { has: () => false, add: async (m: Inbound) => void journaled.push(m) },
    outbox: { send: async (d: Delivery) => void sent.push(d) },
    turn: { approvals: undefined },
    commands: { agent: 'main', version: '0.0.0-test', codexModels: () => [] },
    queueUpdate: () => undefined,
    stopOtherAgents: async () => 0,
    cron: { cronJobsFile: '/nonexistent/cron_jobs.json', reload: unused, runNow: unused, timeZone: () => 'UTC' },
    upgrade: { home: '/nonexistent', version: '0.0.0-test', packageRoot: '/nonexistent', updateSource: () => 'off', run: unused, restartProcess: unused, log: pino({ level: 'silent' }) },
    extraCommands: [...agentAdminCommands({ peer: {} as RpcPeer, self: 'main', mainHome: '/nonexistent' }), ...extrasCommands(() => ({}) as AgentExtras)],
  } as unknown as AgentServiceDeps;
  return { service: new AgentService(deps), sent, journaled };
}

let nextId = 0;
function message(text: string): Inbound {
  nextId += 1;
  return makeInbound({ id: `m${nextId}`, chat: CHAT, userId: 1001, chatType: 'private', text, messageId: nextId });
}

test('the main agent registers exactly the commands the shared list says an agent answers', () => {
  const { service } = mainAgentService();
  const expected = COMMAND_LIST.filter((c) => c.answeredBy === 'agent').map((c) => c.name).sort();
  assert.deepEqual([...service.commandNames()].sort(), expected);
});

test('/help lists every registered command and the transport\'s, each once', async () => {
  const { service, sent } = mainAgentService();
  await service.inbound(message('/help'));
  assert.equal(sent.length, 1);
  const help = sent[0]!.text;
  assert.equal(sent[0]!.format, 'markdown');
  const listed = [...help.matchAll(/^\/([a-z_]+) — /gm)].map((m) => m[1]);
  for (const name of service.commandNames()) assert.equal(listed.filter((n) => n === name).length, 1, `/${name} in /help:\n${help}`);
  for (const name of ['showfiles', 'restart']) assert.ok(listed.includes(name), `/${name} (answered by the transport) in /help`);
  assert.ok(!listed.includes('where') && !listed.includes('leave'), 'the hidden group audit stays out of /help');
  assert.match(help, /^\*Daily\*\n\/new — fresh session\n/);
});

test('a sub-agent without /cron and /upgrade leaves them out of /help', async () => {
  const { service: main } = mainAgentService();
  const sent: Delivery[] = [];
  const deps = {
    log: pino({ level: 'silent' }),
    journal: { has: () => false },
    outbox: { send: async (d: Delivery) => void sent.push(d) },
    turn: { approvals: undefined },
    commands: { agent: 'helper', codexModels: () => [] },
  } as unknown as AgentServiceDeps;
  const sub = new AgentService(deps);
  assert.ok(main.commandNames().has('cron'));
  assert.ok(!sub.commandNames().has('cron') && !sub.commandNames().has('upgrade'));
  await sub.inbound(message('/help'));
  assert.doesNotMatch(sent[0]!.text, /\/cron|\/upgrade/);
  assert.match(sent[0]!.text, /\/new — /);
});

test('an unknown /command, and a known one with arguments it does not take, go on as messages', async () => {
  const { service, sent, journaled } = mainAgentService();
  // The queue would start a turn; holding it keeps these messages waiting (no CLI in this test).
  (service as unknown as { queue: { hold: () => void } }).queue.hold();
  for (const text of ['/frobnicate now', '/upgrade right now', '/agents a b']) {
    const ack = await service.inbound(message(text));
    assert.equal(ack.accepted, true);
  }
  assert.deepEqual(journaled.map((m) => m.text), ['/frobnicate now', '/upgrade right now', '/agents a b']);
  assert.equal(sent.length, 0, 'no command reply');
});

test('a name registered twice is refused, aliases resolve to their command, and @bot suffixes are accepted', async () => {
  const registry = new CommandRegistry();
  const seen: string[] = [];
  registry.register({ names: ['new', 'reset'], run: async ({ name, args }) => (seen.push(`${name}:${args}`), 'handled') });
  assert.throws(() => registry.register({ names: ['reset'], run: async () => 'handled' }), /\/reset is already registered/);
  await registry.match('/RESET@ductor_bot  now ', message(''))?.();
  await registry.match('/new', message(''))?.();
  assert.deepEqual(seen, ['reset:now', 'new:']);
  assert.equal(registry.match('/newer', message('')), null);
  assert.equal(registry.match('new', message('')), null);
});
