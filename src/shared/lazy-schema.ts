/**
 * A schema built on first use. Every schema object costs heap (zod keeps a bag of internals per
 * node), and a worker touches only the few RPC methods and state files it serves: building the
 * rest when a module loads cost each idle worker a large share of its memory (building every
 * schema of the RPC contract takes 270-450 KiB of V8 heap in a fresh process, 3 runs; an idle
 * agent worker's heap fell by ~0.4 MiB when they became lazy). The stand-in
 * forwards every property read to the real schema, built once on the first read, so call sites
 * (`Schema.parse`, `z.object({ x: Schema })`, `z.infer<typeof Schema>`) stay as they are.
 */
export function lazySchema<T extends object>(build: () => T): T {
  let built: T | undefined;
  const real = (): T => (built ??= build());
  return new Proxy({} as T, {
    get: (_target, key) => Reflect.get(real(), key),
    has: (_target, key) => Reflect.has(real(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
      // A proxy may report a property only as configurable unless its target has it too.
      return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
    },
  });
}
