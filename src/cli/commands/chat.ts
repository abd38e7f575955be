/**
 * `ductor chat [--agent NAME]`: talk to an agent from the terminal through the running ductor's
 * transport worker, with the same queue, streaming and commands as in Telegram.
 */
import { createInterface } from 'node:readline';
import { connectControl } from '../../shared/control-client.js';
import { EXIT_FAILURE, EXIT_OK } from '../../shared/exit-codes.js';
import type { ConsoleOutput } from '../../shared/rpc/console-schemas.js';
import { AgentNameSchema } from '../../shared/rpc/targets.js';

export async function runChat(options: { home: string; agent: string }): Promise<number> {
  const agent = AgentNameSchema.safeParse(options.agent);
  if (!agent.success) {
    process.stderr.write(`ductor: "${options.agent}" is not an agent name\n`);
    return EXIT_FAILURE;
  }
  const connection = await connectControl(options.home);
  if (!connection) {
    process.stderr.write('ductor: not running; start it with `ductor` first\n');
    return EXIT_FAILURE;
  }
  const { peer } = connection;
  let midLine = false;
  let received = 0;
  const write = (text: string) => {
    process.stdout.write(text);
    midLine = !text.endsWith('\n');
  };
  const line = (text: string) => write(`${midLine ? '\n' : ''}${text}\n`);
  peer.handle('consoleOutput', ({ event }: ConsoleOutput) => {
    switch (event.kind) {
      case 'text':
        write(event.text);
        break;
      case 'status':
        line(`  ${event.text}`);
        break;
      case 'queue':
        if (event.outcome !== 'started') line(`  [message ${event.outcome}]`);
        break;
      case 'message':
        received += 1;
        if (!event.streamed) line(event.text);
        else if (midLine) line('');
        for (const row of event.buttons) line(`  ${row.map((b) => `[${b.label}]`).join(' ')}`);
        break;
    }
  });
  const { consoleId } = await peer.request('consoleAttach', { agent: agent.data });
  const interactive = process.stdin.isTTY === true;
  if (interactive) line(`ductor chat with agent "${agent.data}" — /help for commands, Ctrl-D to leave`);
  const input = createInterface({ input: process.stdin, terminal: interactive });
  const closed = new Promise<void>((resolve) => input.on('close', resolve));
  let sent = 0;
  input.on('line', (text) => {
    if (text.trim() === '') return;
    sent += 1;
    peer.request('consoleSend', { consoleId, agent: agent.data, text }, { target: 'transport' }).then(
      ({ queuedBehind }) => {
        if (queuedBehind > 0) line(`  [queued behind ${queuedBehind}]`);
      },
      (error: unknown) => line(`  [not delivered: ${(error as Error).message}]`),
    );
  });
  await closed;
  // Piped input ended (scripts): every line gets one reply; wait for them before leaving.
  if (!interactive) await waitUntil(() => received >= sent, PIPED_REPLY_WAIT_MS);
  connection.close();
  return EXIT_OK;
}

/** Longest wait for the replies to piped input after it ended (ms). */
const PIPED_REPLY_WAIT_MS = 10 * 60_000;

async function waitUntil(done: () => boolean, maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}
