/**
 * import() of what is loaded at run time and stays outside the production bundles: packages
 * (tinypool, sharp) and parts of ductor built as bundles of their own (matrix-sdk).
 *
 * A bundle marks itself with `__ductorBundled` (scripts/bundle.mjs); there a part built as its own
 * bundle is `dist/bin/<name>.mjs` beside it. From the sources (tsx, tests) the module is imported itself.
 */
declare const __ductorBundled: boolean | undefined;

function bundled(): boolean {
  return typeof __ductorBundled !== 'undefined' && __ductorBundled;
}

export function importPackage<T>(specifier: string): Promise<T> {
  return import(specifier) as Promise<T>;
}

/**
 * A part of ductor that the production build makes a bundle of its own (`dist/bin/<name>.mjs`,
 * loaded on first use); from the sources, `fromSources()` imports the module itself.
 */
export function importBundle<T>(name: string, fromSources: () => Promise<T>): Promise<T> {
  // A path in a variable: esbuild would read a template literal in import() as a file pattern.
  const beside = `./${name}.mjs`;
  return (bundled() ? import(beside) : fromSources()) as Promise<T>;
}
