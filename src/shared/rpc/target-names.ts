/**
 * Target names without their schemas: what the supervisor needs before it loads anything heavy
 * (supervisor/prefork.ts, worker-specs.ts). targets.ts re-exports all of it with the schemas.
 */
import type { Target } from './targets.js';

/** Agent names: lowercase letters, digits, `-` and `_`, starting with a letter (as `agents add` enforces). */
export const AGENT_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,39}$/;

export function agentTarget(name: string): Target {
  return `agent:${name}` as Target;
}

export function consoleTarget(id: number): Target {
  return `console:${id}` as Target;
}
