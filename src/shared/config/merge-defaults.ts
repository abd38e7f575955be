/** Deep-merges defaults into a user's config object without touching what the user wrote. */
import { isPlainObject } from './key-path.js';

/**
 * Adds every key of `defaults` missing from `target`, at any depth, in place. Existing values
 * (unknown keys too) are never changed and lists are never merged: a user's list replaces the
 * default list whole. Returns the dotted paths that were added.
 */
export function mergeDefaultsInto(
  target: Record<string, unknown>,
  defaults: Record<string, unknown>,
  prefix = '',
): string[] {
  const added: string[] = [];
  for (const [key, defaultValue] of Object.entries(defaults)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (!Object.hasOwn(target, key)) {
      target[key] = structuredClone(defaultValue);
      added.push(path);
    } else if (isPlainObject(defaultValue) && isPlainObject(target[key])) {
      added.push(...mergeDefaultsInto(target[key], defaultValue, path));
    }
  }
  return added;
}

/**
 * Overlays `patch` onto a copy of `base`: objects merge key by key, anything else (lists,
 * scalars, null) replaces. Neither input is modified.
 */
export function overlay<T extends Record<string, unknown>>(base: T, patch: Record<string, unknown>): T {
  const out: Record<string, unknown> = structuredClone(base);
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? overlay(current, value) : structuredClone(value);
  }
  return out as T;
}
