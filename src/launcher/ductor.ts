/** The `ductor` command's entry (dist/bin/ductor.js): runs the command's bundle with a code cache. */
import { runBundle } from './launch.js';

// import() written here, in a file Node loads itself, resolves packages from ductor's install.
runBundle('cli', (specifier) => import(specifier));
