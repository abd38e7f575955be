/** Walks the zod schema tree: finds the schema of a key path and the keys an object may hold. */
import type * as z from 'zod/mini';

type AnySchema = z.core.$ZodType;

/** Wrapper types whose payload is `def.innerType`; they do not change which keys are known. */
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

/** Strips defaults, optional and nullable wrappers down to the schema that checks the value. */
export function unwrapSchema(schema: AnySchema): AnySchema {
  let current = schema;
  for (;;) {
    const def = current._zod.def as { type: string; innerType?: AnySchema; in?: AnySchema };
    if (WRAPPERS.has(def.type) && def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
}

/** The object shape of `schema` after unwrapping, or null when it is not an object schema. */
export function objectShape(schema: AnySchema): Record<string, AnySchema> | null {
  const inner = unwrapSchema(schema);
  const def = inner._zod.def as { type: string; shape?: Record<string, AnySchema> };
  return def.type === 'object' && def.shape ? def.shape : null;
}

/** The element schema of a list schema after unwrapping, or null. */
export function arrayElement(schema: AnySchema): AnySchema | null {
  const inner = unwrapSchema(schema);
  const def = inner._zod.def as { type: string; element?: AnySchema };
  return def.type === 'array' && def.element ? def.element : null;
}

/** The schema that validates the value at `path`, or null when the path leaves the schema. */
export function schemaAtPath(root: AnySchema, path: readonly PropertyKey[]): AnySchema | null {
  let current: AnySchema | null = root;
  for (const segment of path) {
    if (!current) return null;
    if (typeof segment === 'number') current = arrayElement(current);
    else current = objectShape(current)?.[String(segment)] ?? null;
  }
  return current;
}
