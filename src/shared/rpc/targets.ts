/** Addresses of the processes on the RPC bus: `supervisor`, `transport`, `scheduler`, `agent:<name>`. */
import * as z from 'zod/mini';
import '../zod-english.js';
import { AGENT_NAME_PATTERN } from './target-names.js';

export { AGENT_NAME_PATTERN, agentTarget, consoleTarget } from './target-names.js';

export type Role = 'supervisor' | 'transport' | 'scheduler' | 'agent';
export type WorkerRole = Exclude<Role, 'supervisor'>;

export const AgentNameSchema = z.string().check(z.regex(AGENT_NAME_PATTERN, 'agent names are lowercase letters, digits, - and _'));

export const TargetSchema = z.union([
  z.literal('supervisor'),
  z.literal('transport'),
  z.literal('scheduler'),
  z.templateLiteral(['agent:', z.string().check(z.regex(AGENT_NAME_PATTERN))]),
  /** A `ductor chat` terminal attached to the control socket. */
  z.templateLiteral(['console:', z.int().check(z.positive())]),
]);
export type Target = z.infer<typeof TargetSchema>;

/** The separator between target and method in a routed call's method name: `agent:main#message`. */
export const ROUTE_SEPARATOR = '#';
