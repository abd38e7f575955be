/**
 * Tool approvals on Matrix, end to end with the fake claude (permission_mode "default" and a
 * transcript that asks for Bash): the question comes with numbered reactions; a reaction from a
 * user outside the allowlist does nothing; the allowed user's reaction answers, the question is
 * edited (`m.replace`) to show the choice, and the turn goes on; a late reaction hears it expired.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startFakeMatrix, MX_BOT, MX_PASSWORD, MX_USER, type MxEvent } from '../helpers/fake-matrix.js';
import { startRig } from '../helpers/rig.js';
import { waitFor } from '../helpers/wait-for.js';

const MALLORY = '@mallory:fake.local';

test('Matrix approval: allowed reaction answers and the question is edited to show the choice; others do nothing; late answers expired', async (t) => {
  const mx = await startFakeMatrix(t);
  const room = mx.createRoom({ members: [MX_USER, MALLORY] });
  const rig = await startRig(t, {
    config: {
      transport: 'matrix',
      telegram_token: '',
      permission_mode: 'default',
      approval_timeout_seconds: 120,
      matrix: { homeserver: mx.url, user_id: MX_BOT, password: MX_PASSWORD, allowed_rooms: [room], allowed_users: [MX_USER] },
    },
    env: { FAKE_CLI_TRANSCRIPT: 'claude-local-approval-allow' },
  });
  await waitFor(() => mx.callsTo(/\/sync$/).length >= 2, { timeoutMs: 20_000, message: 'the client syncs' });
  mx.pushText(room, MX_USER, 'Create the marker file');
  const ask = await waitFor(() => mx.sent(room).find((e) => String(e.content.body).includes('Permission needed: Bash')), { timeoutMs: 30_000, message: 'the approval question' });
  assert.match(String(ask.content.body), /touch approved-by-user\.txt/);
  assert.match(String(ask.content.body), /1️⃣ Allow once\n2️⃣ Allow for this session\n3️⃣ Deny/);
  await waitFor(() => mx.sent(room, 'm.reaction').length === 3, { timeoutMs: 20_000, message: 'the bot offered the reactions' });

  // Someone outside allowed_users presses Deny first: nothing happens.
  mx.react(room, MALLORY, ask.event_id, '3️⃣');
  mx.react(room, MX_USER, ask.event_id, '1️⃣');
  await waitFor(() => mx.texts(room).some((text) => text.includes('Done — created')), { timeoutMs: 30_000, message: 'the turn goes on after the answer' });
  const responses = (await rig.cliRuns()).filter((r) => r.event === 'control_response');
  assert.equal(responses.length, 1, 'one answer reached the CLI');
  assert.match(JSON.stringify(responses[0]), /allow/);
  assert.doesNotMatch(JSON.stringify(responses[0]), /deny/);

  const edit = await waitFor(() => editsOf(mx.sent(room), ask.event_id).at(-1), { timeoutMs: 20_000, message: 'the question is edited' });
  const replaced = edit.content['m.new_content'] as { body: string; msgtype: string };
  assert.match(replaced.body, /→ Allow once/);
  assert.match(replaced.body, /Bash/);
  assert.equal(replaced.msgtype, ask.content.msgtype, 'the edit keeps the message type');
  assert.ok(!mx.texts(room).some((text) => !text.startsWith('* ') && text.includes('→ Allow once')), 'the choice is an edit, not a message of its own');

  // A second answer after the request was answered: it is told the request expired.
  mx.react(room, MX_USER, ask.event_id, '3️⃣');
  await waitFor(() => mx.texts(room).some((text) => text.includes('approval request has expired')), { timeoutMs: 20_000, message: 'a late answer hears it expired' });
  assert.equal((await rig.cliRuns()).filter((r) => r.event === 'control_response').length, 1, 'the late answer reached no CLI');
});

test('Matrix approval: no answer within the expiry edits the question to say so; a reaction after it hears it expired', async (t) => {
  const mx = await startFakeMatrix(t);
  const room = mx.createRoom({ members: [MX_USER] });
  const rig = await startRig(t, {
    config: {
      transport: 'matrix',
      telegram_token: '',
      permission_mode: 'default',
      approval_timeout_seconds: 2,
      matrix: { homeserver: mx.url, user_id: MX_BOT, password: MX_PASSWORD, allowed_rooms: [room], allowed_users: [MX_USER] },
    },
    env: { FAKE_CLI_TRANSCRIPT: 'claude-local-approval-allow' },
  });
  await waitFor(() => mx.callsTo(/\/sync$/).length >= 2, { timeoutMs: 20_000, message: 'the client syncs' });
  mx.pushText(room, MX_USER, 'Create the marker file');
  const ask = await waitFor(() => mx.sent(room).find((e) => String(e.content.body).includes('Permission needed: Bash')), { timeoutMs: 30_000, message: 'the approval question' });
  const edit = await waitFor(() => editsOf(mx.sent(room), ask.event_id).at(-1), { timeoutMs: 30_000, message: 'the expiry shown in the question' });
  assert.match((edit.content['m.new_content'] as { body: string }).body, /No answer in time: denied/);
  await waitFor(() => mx.texts(room).some((text) => text.includes('Tool denied')), { timeoutMs: 30_000, message: 'the turn ends without the tool' });
  mx.react(room, MX_USER, ask.event_id, '1️⃣');
  await waitFor(() => mx.texts(room).some((text) => text.includes('approval request has expired')), { timeoutMs: 20_000, message: 'a late answer hears it expired' });
  assert.ok((await rig.cliRuns()).filter((r) => r.event === 'control_response').every((r) => !JSON.stringify(r).includes('"allow"')), 'nothing allowed the tool');
});

function editsOf(events: MxEvent[], eventId: string): MxEvent[] {
  return events.filter((e) => {
    const relation = e.content['m.relates_to'] as { rel_type?: string; event_id?: string } | undefined;
    return relation?.rel_type === 'm.replace' && relation.event_id === eventId;
  });
}
