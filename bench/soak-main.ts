/**
 * `npm run bench:soak [-- --minutes N] [-- --warm-up N] [-- --warm-up-turns N] [-- --chats N] [-- --snapshots DIR] [-- --probes DIR] [-- --no-gc]`: the
 * soak of bench/soak.ts on its own (it takes at least 12 minutes, so `npm run bench` leaves it out).
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatFigure } from './figure.js';
import { runSoak } from './soak.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    'warm-up': { type: 'string', default: '2' },
    'warm-up-turns': { type: 'string', default: '300' },
    chats: { type: 'string', default: '6' },
    snapshots: { type: 'string' },
    probes: { type: 'string' },
    'no-gc': { type: 'boolean', default: false },
  },
  strict: true,
});

const snapshotDir = values.snapshots ? resolve(values.snapshots) : undefined;
if (snapshotDir) await mkdir(snapshotDir, { recursive: true });
const probeDir = values.probes ? resolve(values.probes) : undefined;
if (probeDir) await mkdir(probeDir, { recursive: true });
const log = (line: string) => process.stdout.write(`${line}\n`);
log(`soak: ${values.minutes} min after a warm-up of at least ${values['warm-up']} min and ${values['warm-up-turns']} turns, ${values.chats} chats…`);
const result = await runSoak({ minutes: Number(values.minutes), warmUpMinutes: Number(values['warm-up']), warmUpTurns: Number(values['warm-up-turns']), chats: Number(values.chats), snapshotDir, probeDir, forceGc: !values['no-gc'] }, log);
for (const figure of result.figures) log(formatFigure(figure));
