/**
 * Hand-checked field access for CLI JSON lines. Each stream line is validated by shape right where
 * its fields are read: a zod schema per line cost more than JSON.parse itself in bench/providers.ts.
 */

export type JsonObject = Record<string, unknown>;

/** Parses one line into a JSON object, or null for noise (banners, blank lines, arrays, bad JSON). */
export function parseJsonObject(line: string): JsonObject | null {
  let i = 0;
  while (i < line.length && (line.charCodeAt(i) === 0x20 || line.charCodeAt(i) === 0x09)) i++;
  if (line.charCodeAt(i) !== 0x7b /* { */) return null;
  try {
    const value: unknown = JSON.parse(line);
    return isObject(value) ? value : null;
  } catch {
    // Not JSON after all (a log line starting with "{"): the caller reports it as noise.
    return null;
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function obj(value: unknown): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}

export function arr(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** Cuts text for one-line user messages and logs. */
export function clip(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`;
}
