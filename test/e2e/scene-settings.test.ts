/** `scene`, `streaming`, `timeouts` and `append_system_prompt_files` as a user sees them in the chat. */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { isProcessAlive } from '../../src/shared/process-alive.js';
import { startRig, USER_ID } from '../helpers/rig.js';
import { waitFor } from '../helpers/wait-for.js';

function shownTexts(rig: Awaited<ReturnType<typeof startRig>>): string[] {
  return [...rig.tg.callsOf('sendMessage'), ...rig.tg.callsOf('editMessageText')].map((c) => String(c.params.text ?? ''));
}

test('status reactions, the technical footer and system-prompt files reach the chat and the CLI', async (t) => {
  const rig = await startRig(t, {
    config: { scene: { technical_footer: true }, append_system_prompt_files: ['RULES.md', '../config/config.json'] },
    env: { FAKE_CLI_TRANSCRIPT: 'claude-local-unicode', FAKE_CLI_DELAY_MS: '20' },
    beforeStart: async (home) => {
      await mkdir(join(home, 'workspace'), { recursive: true });
      await writeFile(join(home, 'workspace', 'RULES.md'), 'Always answer in rhyme.');
    },
  });
  const { messageId } = rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'hello' });
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.visibleText.includes('tokens ·')), { timeoutMs: 20_000, message: 'footer shown' });
  const footer = rig.tg.visible(USER_ID).find((m) => m.visibleText.includes('tokens ·'))!;
  assert.match(footer.visibleText, /🤖 \S+ · [\d,]+ tokens · \$\d+\.\d{4} · \d+\.\d s/);
  await waitFor(() => rig.tg.callsOf('setMessageReaction').some((c) => (c.params.reaction as unknown[]).length === 0), { timeoutMs: 10_000, message: 'reaction cleared' });
  const reactions = rig.tg.callsOf('setMessageReaction');
  assert.ok(reactions.every((c) => c.params.message_id === messageId && c.params.chat_id === USER_ID), 'on the user’s message');
  assert.deepEqual((reactions[0]!.params.reaction as { emoji: string }[])[0]?.emoji, '🤔');
  const start = (await rig.cliRuns()).find((r) => r.event === 'start')!;
  const argv = start.argv!.join('\n');
  assert.ok(argv.includes('Always answer in rhyme.'), 'the prompt file is in the system prompt');
  assert.ok(!argv.includes('telegram_token'), 'a path outside the workspace is skipped');
  assert.ok(!shownTexts(rig).some((text) => /requesting/.test(text)), "Claude's `requesting` status is not shown");
});

test('a quiet CLI is warned before the time limit and stopped at it', async (t) => {
  const rig = await startRig(t, {
    config: { timeouts: { normal: 2, warning_intervals: [1], extend_on_activity: false } },
    env: { FAKE_CLI_MODE: 'hang' },
  });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'take forever' });
  await waitFor(() => shownTexts(rig).some((text) => text.includes('Time limit in')), { timeoutMs: 20_000, message: 'warning shown' });
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.visibleText.includes('⏱')), { timeoutMs: 20_000, message: 'timeout notice' });
  const pid = (await rig.cliRuns()).find((r) => r.event === 'start')!.pid!;
  await waitFor(() => !isProcessAlive(pid), { timeoutMs: 10_000, message: 'CLI stopped' });
});
