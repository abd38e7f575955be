/**
 * Turns zod issues into the messages users read: the key path, what was expected (derived from
 * the schema itself, so bounds and enums in the text never drift from the checks) and what was
 * found. Secret values are never quoted.
 */
import * as z from 'zod/mini';
import '../zod-english.js';
import { formatKeyPath, isPlainObject } from './key-path.js';
import { schemaAtPath } from './schema-walk.js';

/** One bad value of a config file. */
export type ConfigProblem = { keyPath: string; expected: string; found: string };

const MAX_FOUND_CHARS = 60;

type JsonSchema = {
  type?: string | string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  format?: string;
  pattern?: string;
  items?: JsonSchema;
};

/** One problem per key path, in the order zod reported them. */
export function describeIssues(
  root: z.core.$ZodType,
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  secretPaths: readonly string[],
): ConfigProblem[] {
  const seen = new Map<string, ConfigProblem>();
  for (const issue of issues) {
    const keyPath = formatKeyPath(issue.path);
    if (seen.has(keyPath)) continue;
    const schema = schemaAtPath(root, issue.path);
    // A refinement knows best what it wanted; everything else is described from the schema.
    const expected = issue.code === 'custom' || !schema ? issue.message : describeSchema(schema);
    const value = valueAt(input, issue.path);
    const isSecret = secretPaths.includes(keyPath);
    seen.set(keyPath, { keyPath, expected, found: describeFound(value, isSecret) });
  }
  return [...seen.values()];
}

/** What a schema accepts, in words: "an integer from 1 to 65535", "true or false", ... */
export function describeSchema(schema: z.core.$ZodType): string {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return describeJson(json);
}

function describeJson(s: JsonSchema): string {
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) {
    const nullable = alternatives.some((a) => a.type === 'null');
    const rest = alternatives.filter((a) => a.type !== 'null').map(describeJson);
    return nullable ? `${rest.join(', or ')}, or null` : rest.join(', or ');
  }
  if (s.enum) return describeEnum(s.enum);
  if (s.const !== undefined) return JSON.stringify(s.const);
  switch (s.type) {
    case 'integer':
      return `an integer${describeBounds(s)}`;
    case 'number':
      return `a number${describeBounds(s)}`;
    case 'boolean':
      return 'true or false';
    case 'string':
      if (s.format === 'uri') return 'a URL starting with http:// or https://';
      if (s.pattern) return `a string matching /${s.pattern}/`;
      return s.minLength && s.minLength > 0 ? 'a non-empty string' : 'a string';
    case 'array':
      return s.items ? `a list where each entry is ${describeJson(s.items)}` : 'a list';
    case 'object':
      return 'an object ({ ... })';
    case 'null':
      return 'null';
    default:
      return 'a valid value';
  }
}

function describeBounds(s: JsonSchema): string {
  const low = s.minimum;
  const high = s.maximum;
  // z.int() carries the safe-integer range; that is noise to a user.
  const realLow = low !== undefined && low > Number.MIN_SAFE_INTEGER ? low : undefined;
  const realHigh = high !== undefined && high < Number.MAX_SAFE_INTEGER ? high : undefined;
  if (realLow !== undefined && realHigh !== undefined) return ` from ${realLow} to ${realHigh}`;
  if (realLow !== undefined) return realLow === 0 ? ' of 0 or more' : ` of at least ${realLow}`;
  if (realHigh !== undefined) return ` of at most ${realHigh}`;
  if (s.exclusiveMinimum !== undefined) return ` greater than ${s.exclusiveMinimum}`;
  if (s.exclusiveMaximum !== undefined) return ` less than ${s.exclusiveMaximum}`;
  return '';
}

function describeEnum(values: readonly unknown[]): string {
  // Case variants (INFO/info) are one choice to the reader.
  const shown = values.filter(
    (v) => !(typeof v === 'string' && v !== v.toUpperCase() && values.includes(v.toUpperCase())),
  );
  const anyCase = shown.length < values.length ? ' (any case)' : '';
  return `one of ${shown.map((v) => JSON.stringify(v)).join(', ')}${anyCase}`;
}

function describeFound(value: unknown, isSecret: boolean): string {
  if (value === undefined) return 'nothing';
  if (isSecret) return `${kindOf(value)} (value hidden)`;
  const text = JSON.stringify(value);
  return text.length > MAX_FOUND_CHARS ? `${text.slice(0, MAX_FOUND_CHARS - 1)}…` : text;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return typeof value;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const segment of path) {
    if (Array.isArray(node) && typeof segment === 'number') node = node[segment];
    else if (isPlainObject(node)) node = node[String(segment)];
    else return undefined;
  }
  return node;
}

/** The one message listing every problem,: what is wrong, where, and how to fix it. */
export function formatProblems(fileLabel: string, problems: readonly ConfigProblem[]): string {
  if (problems.length === 1) {
    const [p] = problems as [ConfigProblem];
    return `${fileLabel}: "${p.keyPath}" must be ${p.expected}, found ${p.found}. Fix it, or delete the key to use the default.`;
  }
  const lines = problems.map((p) => `  - "${p.keyPath}" must be ${p.expected}, found ${p.found}.`);
  return `${fileLabel} has ${problems.length} invalid values:\n${lines.join('\n')}\nFix them, or delete the keys to use the defaults.`;
}
