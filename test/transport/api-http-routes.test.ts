import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createApiApp } from '../../src/workers/transport/api/http-routes.js';

test('API HTTP routes: unknown paths 404 before auth, a wrong token 401, /health and /files with the token', async (t) => {
  const workspace = await mkdtemp(join(tmpdir(), 'ductor-api-http-'));
  t.after(() => rm(workspace, { recursive: true, force: true }));
  await writeFile(join(workspace, 'note.md'), '# hi\n');
  const errors: unknown[] = [];
  const server = createServer(
    createApiApp({ token: () => 'secret', workspace: () => workspace, fileAccess: () => 'workspace', connections: () => 2, onError: (e) => errors.push(e) }),
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const auth = { authorization: 'Bearer secret' };

  const unknown = await fetch(`${base}/nope`);
  assert.equal(unknown.status, 404);
  assert.deepEqual(await unknown.json(), { error: 'not_found' });
  const wrongMethod = await fetch(`${base}/health`, { method: 'POST', headers: auth });
  assert.equal(wrongMethod.status, 404);
  await wrongMethod.body?.cancel();
  const noToken = await fetch(`${base}/health`, { headers: { authorization: 'Bearer wrong' } });
  assert.equal(noToken.status, 401);
  assert.deepEqual(await noToken.json(), { error: 'unauthorized' });
  const health = await fetch(`${base}/health`, { headers: auth });
  assert.deepEqual(await health.json(), { status: 'ok', connections: 2 });
  assert.equal(health.headers.get('x-powered-by'), null);
  const missing = await fetch(`${base}/files`, { headers: auth });
  assert.equal(missing.status, 400);
  await missing.body?.cancel();
  const file = await fetch(`${base}/files?path=${encodeURIComponent(join(workspace, 'note.md'))}`, { headers: auth });
  assert.equal(file.status, 200);
  assert.equal(file.headers.get('content-type'), 'text/markdown');
  assert.equal(await file.text(), '# hi\n');
  const outside = await fetch(`${base}/files?path=/etc/passwd`, { headers: auth });
  assert.equal(outside.status, 403);
  await outside.body?.cancel();
  assert.deepEqual(errors, []);
});
