/** The claude stream-JSON transcripts the benchmarks replay through the fake claude. */
import { writeFile } from 'node:fs/promises';

/**
 * Writes a transcript that streams one assistant message per part, then the result (by default
 * the parts joined, as claude's final text is).
 */
export async function writeClaudeTranscript(file: string, options: { sessionId: string; parts: readonly string[]; result?: string }): Promise<string> {
  const { sessionId: sid, parts } = options;
  const usage = { input_tokens: 5, output_tokens: 5 };
  const lines: object[] = [{ type: 'system', subtype: 'init', session_id: sid, tools: [], model: 'claude-sonnet-4-5' }];
  parts.forEach((text, i) => {
    lines.push({ type: 'assistant', message: { id: `m${i}`, type: 'message', role: 'assistant', content: [{ type: 'text', text }], usage }, session_id: sid });
  });
  const result = options.result ?? parts.join('').trim();
  lines.push({ type: 'result', subtype: 'success', is_error: false, duration_ms: 1, num_turns: 1, result, session_id: sid, total_cost_usd: 0, usage });
  await writeFile(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  return file;
}
