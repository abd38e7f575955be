/** Long replies are rendered in the tinypool thread, with the same result as inline. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closeRenderPool, renderInPool, renderPoolCompleted } from '../../src/workers/transport/render/render-pool.js';
import { renderReply } from '../../src/workers/transport/render/render-task.js';

test('a reply over the threshold renders in the pool exactly as it would inline', async (t) => {
  t.after(closeRenderPool);
  const markdown = `# Report\n\n${Array.from({ length: 400 }, (_, i) => `Line **${i}** with \`code\` & <tags>`).join('\n\n')}\n\n[button:Done]`;
  const inline = renderReply({ markdown, maxLength: 4096 });
  const pooled = await renderInPool({ markdown, maxLength: 4096 }, 1_000);
  assert.deepEqual(pooled, inline);
  assert.ok(inline.chunks.length >= 3);
  assert.equal(inline.keyboard?.inline_keyboard[0]?.[0]?.text, 'Done');
  assert.equal(renderPoolCompleted(), 1, 'the long reply went through the pool');
  await renderInPool({ markdown: 'short', maxLength: 4096 }, 1_000);
  assert.equal(renderPoolCompleted(), 1, 'a short reply is rendered inline');
});
