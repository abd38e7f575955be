/**
 * import() of what is loaded at run time and stays outside the production bundles: packages
 * (tinypool, sharp) and parts of ductor built as bundles of their own (matrix-sdk).
 *
 * The production bundles run inside a vm.Script (src/launcher/launch.ts, for its code cache),
 * where Node 20 offers no import() without an experimental flag; the launcher passes its own
 * import() in as `__ductorImport`. From the sources (tsx, tests) the plain import() is used.
 */
declare const __ductorImport: ((specifier: string) => Promise<unknown>) | undefined;

export function importPackage<T>(specifier: string): Promise<T> {
  return (typeof __ductorImport === 'function' ? __ductorImport(specifier) : import(specifier)) as Promise<T>;
}

/**
 * A part of ductor that the production build makes a bundle of its own (`dist/bin/<name>.mjs`,
 * loaded on first use); from the sources, `fromSources()` imports the module itself.
 */
export function importBundle<T>(name: string, fromSources: () => Promise<T>): Promise<T> {
  // Relative to the launcher, which sits in dist/bin beside the bundles.
  return (typeof __ductorImport === 'function' ? __ductorImport(`./${name}.mjs`) : fromSources()) as Promise<T>;
}
