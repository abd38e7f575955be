// Bundles the command and each worker into one file apiece (dist/bin/), so a cold start parses a
// few files instead of hundreds of modules. tsc still type-checks and emits dist/src for tests.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';

const entries = {
  ductor: 'src/cli/main.ts',
  'transport-worker': 'src/workers/transport/main.ts',
  'scheduler-worker': 'src/workers/scheduler/main.ts',
  'agent-worker': 'src/workers/agent/main.ts',
  // tinypool's task file for rendering long replies off the transport's event loop.
  'render-worker': 'src/workers/transport/render/render-task.ts',
};

/** Resolves zod's locale index to an English-only module (see zod-locales-en.mjs). */
const englishOnlyZodLocales = {
  name: 'zod-english-only',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${'node_modules'}/zod/`) ? { path: new URL('./zod-locales-en.mjs', import.meta.url).pathname } : undefined);
  },
};

await build({
  entryPoints: entries,
  outdir: 'dist/bin',
  bundle: true,
  platform: 'node',
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  target: 'node20',
  sourcemap: true,
  legalComments: 'none',
  minify: true,
  // CommonJS dependencies call require() for Node built-ins; ESM output needs a real require.
  banner: { js: "import { createRequire as __ductorCreateRequire } from 'node:module'; const require = __ductorCreateRequire(import.meta.url);" },
  logLevel: 'warning',
  // tinypool starts its threads from a file inside its own package, and sharp loads a native
  // library from its platform package: both must stay real packages in node_modules.
  external: ['tinypool', 'sharp'],
  plugins: [englishOnlyZodLocales],
});
chmodSync('dist/bin/ductor.js', 0o755);
