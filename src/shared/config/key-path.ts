/** Key paths as users read them: `webhooks.port`, `heartbeat.group_targets[0].chat_id`. */

export type PathSegment = string | number;

/** Renders a path of object keys and list indices. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/** True when `value` is a JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads the value at a dotted path; undefined when any step is missing. */
export function getAtPath(root: unknown, dotted: string): unknown {
  let node = root;
  for (const key of dotted.split('.')) {
    if (!isPlainObject(node)) return undefined;
    node = node[key];
  }
  return node;
}

/** True when every object on the dotted path exists and the last key is present. */
export function hasPath(root: unknown, dotted: string): boolean {
  const keys = dotted.split('.');
  const last = keys.pop()!;
  let node = root;
  for (const key of keys) {
    if (!isPlainObject(node)) return false;
    node = node[key];
  }
  return isPlainObject(node) && Object.hasOwn(node, last);
}

/** Sets the value at a dotted path, creating intermediate objects (a non-object in the way is replaced). */
export function setAtPath(root: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  const last = keys.pop()!;
  let node = root;
  for (const key of keys) {
    const next = node[key];
    if (!isPlainObject(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[last] = value;
}
