/**
 * Writes of one state file, one at a time and in call order, so that a later rename never puts
 * an older snapshot back. A failed write fails only its own caller: chaining on the failed
 * promise itself would have made every later write of that file fail with the same error until
 * the process restarted.
 */
export class SerialWrites {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(write: () => Promise<T>): Promise<T> {
    const next = this.tail.then(write);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
