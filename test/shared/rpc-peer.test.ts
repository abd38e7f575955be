/** The JSON-RPC peer: validation both ways, errors instead of crashes, deadlines, routing. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RpcError } from '../../src/shared/errors.js';
import * as codes from '../../src/shared/rpc/errors.js';
import { RpcPeer, type RouteFn } from '../../src/shared/rpc/peer.js';

/** Two peers joined like an IPC channel: JSON-serialised, delivered asynchronously. */
function pair(options: { route?: RouteFn } = {}) {
  const sentByA: unknown[] = [];
  const sentByB: unknown[] = [];
  let a!: RpcPeer;
  let b!: RpcPeer;
  a = new RpcPeer({ remote: 'b', send: (m) => { sentByA.push(m); setImmediate(() => b.receive(JSON.parse(JSON.stringify(m)))); } });
  b = new RpcPeer({ remote: 'a', route: options.route, send: (m) => { sentByB.push(m); setImmediate(() => a.receive(JSON.parse(JSON.stringify(m)))); } });
  return { a, b, sentByA, sentByB };
}

test('a request reaches its handler with validated params and returns the result', async () => {
  const { a, b } = pair();
  b.handle('echo', ({ data }) => ({ data: data.toUpperCase() }));
  assert.deepEqual(await a.request('echo', { data: 'hi' }), { data: 'HI' });
});

test('invalid params are answered with -32602 and the handler never runs', async () => {
  const { a, b } = pair();
  let calls = 0;
  b.handle('echo', (p) => { calls += 1; return p; });
  await assert.rejects(a.request('echo', { data: 42 } as never), (error: unknown) =>
    error instanceof RpcError && error.rpcCode === codes.RPC_INVALID_PARAMS && /data/.test(error.message));
  assert.equal(calls, 0);
});

test('an unknown method is answered with -32601', async () => {
  const { a } = pair();
  await assert.rejects(a.request('status', {}), (error: unknown) => error instanceof RpcError && error.rpcCode === codes.RPC_METHOD_NOT_FOUND);
});

test('malformed messages get a JSON-RPC error and never crash the receiver', async () => {
  const { b, sentByB } = pair();
  b.handle('echo', (p) => p);
  b.receive('not an object');
  b.receive(null);
  b.receive([1, 2]);
  b.receive({ id: 7, hello: 'world' });
  b.receive({ jsonrpc: '1.0', id: 8, method: 'echo', params: { data: 'x' } });
  await new Promise((r) => setImmediate(r));
  const errors = sentByB.filter((m): m is { id: number; error: { code: number } } => typeof m === 'object' && m !== null && 'error' in m);
  assert.deepEqual(errors.map((e) => [e.id, e.error.code]), [[7, codes.RPC_INVALID_REQUEST], [8, codes.RPC_INVALID_REQUEST]]);
});

test('a handler that throws becomes an error reply with its code; the peer keeps serving', async () => {
  const { a, b } = pair();
  let first = true;
  b.handle('echo', (p) => {
    if (first) { first = false; throw new Error('boom'); }
    return p;
  });
  await assert.rejects(a.request('echo', { data: 'x' }), (error: unknown) =>
    error instanceof RpcError && error.rpcCode === codes.RPC_HANDLER_ERROR && error.message === 'boom');
  assert.deepEqual(await a.request('echo', { data: 'y' }), { data: 'y' });
});

test('a result that breaks the contract is rejected at the caller', async () => {
  const { a, b } = pair();
  b.handle('echo', () => ({ data: 5 }) as never);
  await assert.rejects(a.request('echo', { data: 'x' }), (error: unknown) => error instanceof RpcError && error.rpcCode === codes.RPC_BAD_RESULT);
});

test('requests time out with -32003', async () => {
  const { a, b } = pair();
  b.handle('echo', () => new Promise(() => undefined));
  await assert.rejects(a.request('echo', { data: 'x' }, { timeoutMs: 50 }), (error: unknown) =>
    error instanceof RpcError && error.rpcCode === codes.RPC_TIMEOUT);
});

test('close() rejects pending requests and later calls fail at once', async () => {
  const { a, b } = pair();
  b.handle('echo', () => new Promise(() => undefined));
  const pending = a.request('echo', { data: 'x' });
  await new Promise((r) => setImmediate(r));
  a.close('channel closed');
  await assert.rejects(pending, /channel closed/);
  await assert.rejects(a.request('echo', { data: 'y' }), (error: unknown) => error instanceof RpcError && error.rpcCode === codes.RPC_CLOSED);
});

test('a call with a target is sent as target#method and served by the route function', async () => {
  const seen: unknown[] = [];
  const { a } = pair({
    route: async (target, method, params, isNotification) => {
      seen.push({ target, method, params, isNotification });
      return { data: `routed to ${target}` };
    },
  });
  assert.deepEqual(await a.request('echo', { data: 'x' }, { target: 'agent:main' }), { data: 'routed to agent:main' });
  assert.deepEqual(seen, [{ target: 'agent:main', method: 'echo', params: { data: 'x' }, isNotification: false }]);
});

test('a route failure reaches the caller with its RPC code', async () => {
  const { a } = pair({
    route: async (target, method) => {
      throw new RpcError(method, target, codes.RPC_TARGET_UNAVAILABLE, `${target} is not running`);
    },
  });
  await assert.rejects(a.request('echo', { data: 'x' }, { target: 'agent:ghost' }), (error: unknown) =>
    error instanceof RpcError && error.rpcCode === codes.RPC_TARGET_UNAVAILABLE && /agent:ghost is not running/.test(error.message));
});

test('an unroutable target is refused without a route function', async () => {
  const { a, b } = pair();
  b.handle('echo', (p) => p);
  await assert.rejects(a.request('echo', { data: 'x' }, { target: 'transport' }), (error: unknown) =>
    error instanceof RpcError && error.rpcCode === codes.RPC_METHOD_NOT_FOUND);
});

test('a notification whose handler throws, or whose params are invalid, is logged with its method', async () => {
  const { Writable } = await import('node:stream');
  const { default: pino } = await import('pino');
  const lines: Array<{ level: number; method?: string; msg: string; err?: { message?: string } }> = [];
  const sink = new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(JSON.parse(chunk.toString())); done(); } });
  const log = pino({ level: 'debug' }, sink);
  let a!: RpcPeer;
  let b!: RpcPeer;
  a = new RpcPeer({ remote: 'b', send: (m) => setImmediate(() => b.receive(JSON.parse(JSON.stringify(m)))) });
  b = new RpcPeer({ remote: 'a', log, send: (m) => setImmediate(() => a.receive(JSON.parse(JSON.stringify(m)))) });
  b.handle('consoleOutput', () => {
    throw new Error('the console went away');
  });
  a.notify('consoleOutput', { consoleId: 1, event: { kind: 'text', text: 'hi' } });
  a.notify('consoleOutput', { consoleId: 'one' } as never);
  const deadline = Date.now() + 2_000;
  while (lines.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  const failed = lines.find((l) => l.err?.message === 'the console went away');
  assert.ok(failed, 'the handler error is logged');
  assert.equal(failed.method, 'consoleOutput');
  assert.ok(failed.level >= 50, 'as an error');
  const invalid = lines.find((l) => l.method === 'consoleOutput' && /invalid params/.test(l.msg + (l.err?.message ?? '')));
  assert.ok(invalid, 'invalid params of a notification are logged too');
});
