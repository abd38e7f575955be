// Bundles the command and each worker into one CommonJS file apiece (dist/bin/), run by a small
// launcher that turns on Node's compile cache where Node has one (src/launcher/launch.ts): a cold
// start then does not resolve hundreds of modules. tsc still type-checks and emits dist/src for the tests.
import { build } from 'esbuild';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeThirdPartyNotices } from './third-party-notices.mjs';

const OUT = 'dist/bin';

/**
 * Parts that become bundles of their own, loaded on first use (src/shared/esm-import.ts
 * importBundle): the worker bundles keep only the import() that is never taken in production.
 */
const separateBundles = {
  name: 'separate-bundles',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /\/matrix-sdk\.js$/ }, (args) =>
      args.importer.endsWith('matrix-client.ts') ? { path: args.path, external: true } : undefined);
  },
};

// DUCTOR_BUNDLE_NO_MINIFY=1 keeps names readable, for CPU profiles (node --cpu-prof) of the bundles.
const minify = process.env.DUCTOR_BUNDLE_NO_MINIFY !== '1';

// No source maps by default: they held the full sources and most of the package's size.
// DUCTOR_BUNDLE_SOURCEMAP=1 writes external ones next to the bundles, for local debugging.
const sourcemap = process.env.DUCTOR_BUNDLE_SOURCEMAP === '1';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  sourcemap,
  // The licence texts of bundled packages go to dist/THIRD-PARTY-NOTICES.txt, collected from the
  // metafile below; inline legal comments would repeat them in every bundle.
  legalComments: 'none',
  metafile: true,
  minify,
  logLevel: 'warning',
};

/** Every input file of every bundle, for the third-party notices. */
const bundledInputs = new Set();
const collect = (result) => {
  for (const input of Object.keys(result.metafile.inputs)) bundledInputs.add(input);
  return result;
};

rmSync(OUT, { recursive: true, force: true });
rmSync('dist/THIRD-PARTY-NOTICES.txt', { force: true });

// The bundles the launcher runs. No code splitting (esbuild splits ES modules only): each process
// compiles one file.
collect(await build({
  ...common,
  entryPoints: {
    cli: 'src/cli/main.ts',
    'transport-worker': 'src/workers/transport/main.ts',
    'scheduler-worker': 'src/workers/scheduler/main.ts',
    'agent-worker': 'src/workers/agent/main.ts',
  },
  outdir: OUT,
  format: 'cjs',
  // import.meta.url has no CommonJS equivalent; the bundle's own file URL stands in for it.
  // __ductorBundled tells src/shared/esm-import.ts that its own parts are bundles beside it.
  define: { 'import.meta.url': '__ductorBundleUrl', __ductorBundled: 'true' },
  banner: { js: 'var __ductorBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  // tinypool starts its threads from a file inside its own package, and sharp loads a native
  // library from its platform package: both must stay real packages in node_modules, loaded at
  // run time through import() (src/shared/esm-import.ts).
  // iconv-lite (half a megabyte of code pages) and mime-db (a large JSON, read through mime-types)
  // come with express;
  // required from node_modules they cost nothing until used and stay out of the source V8 keeps.
  external: ['tinypool', 'sharp', 'iconv-lite', 'mime-db', 'mime-types'],
  plugins: [separateBundles],
}));

// The launchers: `ductor` (the command) and `launch.js` (what the supervisor forks per worker).
collect(await build({
  ...common,
  entryPoints: { ductor: 'src/launcher/ductor.ts', launch: 'src/launcher/worker.ts' },
  outdir: OUT,
  format: 'cjs',
  banner: { js: '#!/usr/bin/env node' },
}));

// The ES module bundles, loaded with import(): tinypool's task file for rendering long replies off
// the transport's event loop (tinypool imports it in a thread and wants its default export), and
// matrix-js-sdk with its helpers (an ES module package), loaded by the transport for Matrix only.
collect(await build({
  ...common,
  entryPoints: {
    'render-worker': 'src/workers/transport/render/render-task.ts',
    'matrix-sdk': 'src/workers/transport/matrix/matrix-sdk.ts',
  },
  outdir: OUT,
  outExtension: { '.js': '.mjs' },
  format: 'esm',
  // The Rust crypto of matrix-js-sdk is WebAssembly (8 MB) that its package reads from beside its
  // own files at run time: it stays a real package in node_modules, loaded when Matrix starts.
  external: ['@matrix-org/matrix-sdk-crypto-wasm'],
  // CommonJS dependencies call require() for Node built-ins; ESM output needs a real require.
  banner: { js: "import { createRequire as __ductorCreateRequire } from 'node:module'; const require = __ductorCreateRequire(import.meta.url);" },
}));

writeThirdPartyNotices(bundledInputs, 'dist/THIRD-PARTY-NOTICES.txt');

// The package is "type": "module"; the files in dist/bin are CommonJS.
writeFileSync(`${OUT}/package.json`, `${JSON.stringify({ type: 'commonjs' })}\n`);
chmodSync(`${OUT}/ductor.js`, 0o755);
