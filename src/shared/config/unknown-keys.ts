/** Finds keys a config object holds that the schema does not know (kept, but worth a warning). */
import type * as z from 'zod/mini';
import { formatKeyPath, isPlainObject } from './key-path.js';
import { arrayElement, objectShape } from './schema-walk.js';

/** Key paths of `value` that `schema` does not declare, e.g. `["streaming.colour"]`. */
export function findUnknownKeys(schema: z.core.$ZodType, value: unknown, path: PropertyKey[] = []): string[] {
  const found: string[] = [];
  const shape = objectShape(schema);
  if (shape && isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      const childSchema = shape[key];
      if (childSchema) found.push(...findUnknownKeys(childSchema, child, [...path, key]));
      else found.push(formatKeyPath([...path, key]));
    }
    return found;
  }
  const element = arrayElement(schema);
  if (element && Array.isArray(value)) {
    value.forEach((item, index) => found.push(...findUnknownKeys(element, item, [...path, index])));
  }
  return found;
}
