/** Both standard streams are terminals: a wizard may ask questions (never wait without one). */
export function hasTerminal(): boolean {
  return process.stdin.isTTY === true && process.stdout.isTTY === true;
}
