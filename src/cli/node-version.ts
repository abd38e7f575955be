/**
 * ductor supports the Node.js LTS lines 22 and 24. An older node (20 reached its end of life in
 * April 2026) still starts it, but a person at a terminal is told once; scripts and services
 * (stderr not a terminal) get no extra output.
 */
export const MIN_NODE_MAJOR = 22;

export function oldNodeWarning(version: string, stderrIsTTY: boolean): string | null {
  const major = Number.parseInt(version.replace(/^v/, '').split('.')[0] ?? '', 10);
  if (!stderrIsTTY || !(major < MIN_NODE_MAJOR)) return null;
  return `ductor: this is Node ${version}; ductor supports Node 22 and 24 (Node 20 is past its end of life). Install a newer Node, or run \`npm start\` in a clone, which uses one it fetches.\n`;
}
