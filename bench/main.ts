/**
 * `npm run bench [-- --json FILE] [-- --only NAME]`: runs every benchmark group (or the one NAME, e.g.
 * `cold_start`, the cold start figures of foundation alone), prints each figure
 * next to its targets, and optionally writes them as a JSON array. The memory soak takes over 12
 * minutes and runs on its own: `npm run bench:soak` (bench/soak-main.ts).
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatFigure, type Figure } from './figure.js';
import { benchAutomation } from './automation.js';
import { benchConversation } from './conversation.js';
import { benchColdStart, benchFoundation } from './foundation.js';
import { benchMultiagent } from './multiagent.js';
import { benchProviders } from './providers.js';

type Group = { name: string; run: (log: (line: string) => void) => Promise<Figure[]>; onlyAlone?: boolean };

const groups: Group[] = [
  { name: 'foundation', run: benchFoundation },
  // Part of foundation, runnable alone with --only; skipped when every group runs.
  { name: 'cold_start', run: benchColdStart, onlyAlone: true },
  { name: 'providers', run: (log) => benchProviders(log) },
  { name: 'conversation', run: benchConversation },
  { name: 'automation', run: benchAutomation },
  { name: 'multiagent', run: benchMultiagent },
];

async function main(argv: string[]): Promise<void> {
  const jsonIndex = argv.indexOf('--json');
  const jsonFile = jsonIndex >= 0 ? argv[jsonIndex + 1] : undefined;
  const onlyIndex = argv.indexOf('--only');
  const only = onlyIndex >= 0 ? argv[onlyIndex + 1] : undefined;
  const figures: Figure[] = [];
  for (const group of groups) {
    if (only ? group.name !== only : group.onlyAlone) continue;
    const results = await group.run((line) => process.stdout.write(`${line}\n`));
    for (const figure of results) process.stdout.write(`${formatFigure(figure)}\n`);
    figures.push(...results);
  }
  if (jsonFile) {
    await writeFile(resolve(jsonFile), `${JSON.stringify(figures, null, 2)}\n`);
    process.stdout.write(`wrote ${figures.length} figures to ${resolve(jsonFile)}\n`);
  }
}

await main(process.argv.slice(2));
