/** The `ductor` command's entry (dist/bin/ductor.js): runs the command's bundle (see launch.ts). */
import { runBundle } from './launch.js';

runBundle('cli');
