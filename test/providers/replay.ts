// Replays fixture transcripts through the parsers, and computes expectations from raw lines.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createParser } from '../../src/workers/agent/providers/provider.js';
import type { NormalizedEvent, ProviderName, TurnResult } from '../../src/workers/agent/providers/events.js';
import type { ProcessEnd } from '../../src/workers/agent/providers/stream-parser.js';

export const FIXTURES = new URL('../fixtures/cli/', import.meta.url).pathname;
export const FAKE_CLI_DIR = new URL('../fake-cli/', import.meta.url).pathname;

export function fixtureFiles(cli: ProviderName): string[] {
  return readdirSync(join(FIXTURES, cli)).filter((f) => f.endsWith('.jsonl')).sort();
}

export function rawLines(cli: ProviderName, file: string): string[] {
  return readFileSync(join(FIXTURES, cli, file), 'utf8').split('\n').filter((l) => l.trim() !== '');
}

export function recordedExit(cli: ProviderName, file: string): number {
  const sidecar = join(FIXTURES, cli, file.replace(/\.jsonl$/, '.exit'));
  return existsSync(sidecar) ? Number(readFileSync(sidecar, 'utf8').trim()) : 0;
}

export function recordedStderr(cli: ProviderName, file: string): string {
  const sidecar = join(FIXTURES, cli, file.replace(/\.jsonl$/, '.stderr.txt'));
  return existsSync(sidecar) ? readFileSync(sidecar, 'utf8') : '';
}

export type Replay = { events: NormalizedEvent[]; result: TurnResult; debug: string[] };

/** Feeds lines one by one, then ends the "process" with the fixture's recorded exit status. */
export function replay(cli: ProviderName, lines: string[], end: Partial<ProcessEnd> = {}, resumeSessionId?: string): Replay {
  const events: NormalizedEvent[] = [];
  const debug: string[] = [];
  const parser = createParser({ provider: cli }, {
    emit: (e) => events.push(e),
    debug: (msg) => debug.push(msg),
    ...(resumeSessionId === undefined ? {} : { resumeSessionId }),
  });
  for (const line of lines) parser.parseLine(line);
  const result = parser.finish({ reason: 'exit', exitCode: 0, signal: null, stderrTail: '', ...end });
  return { events, result, debug };
}

export function replayFixture(cli: ProviderName, file: string, resumeSessionId?: string): Replay {
  return replay(cli, rawLines(cli, file), { exitCode: recordedExit(cli, file), stderrTail: recordedStderr(cli, file) }, resumeSessionId);
}

export function parsedLines(lines: string[]): Record<string, any>[] {
  const out: Record<string, any>[] = [];
  for (const l of lines) {
    try {
      const v = JSON.parse(l);
      if (v && typeof v === 'object' && !Array.isArray(v)) out.push(v);
    } catch {
      // fixtures hold only JSON; nothing to skip in practice
    }
  }
  return out;
}
