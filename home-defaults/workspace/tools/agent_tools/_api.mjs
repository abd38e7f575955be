// Shared helper of the agent and task tool scripts: calls ductor's internal API on loopback with
// the per-home secret ductor puts into the CLI's environment. Node built-ins only.
import { fail } from '../cron_tools/_lib.mjs';

export { fail, ok, parse, usage, withLock } from '../cron_tools/_lib.mjs';

/** The agent this script runs for (the sender / task owner). */
export function self() {
  return process.env.DUCTOR_AGENT_NAME || 'main';
}

/** The chat/topic the CLI was started for, so results go back where the request came from. */
export function origin() {
  const out = {};
  if (process.env.DUCTOR_CHAT_ID && /^-?\d+$/.test(process.env.DUCTOR_CHAT_ID)) out.chat_id = Number(process.env.DUCTOR_CHAT_ID);
  if (process.env.DUCTOR_TOPIC_ID && /^-?\d+$/.test(process.env.DUCTOR_TOPIC_ID)) out.topic_id = Number(process.env.DUCTOR_TOPIC_ID);
  if (process.env.DUCTOR_TRANSPORT) out.transport = process.env.DUCTOR_TRANSPORT;
  return out;
}

/** GET or POST a route; resolves with the parsed body, or fails with `{"error": …}`. */
export async function call(method, route, body, { timeoutMs = 320_000 } = {}) {
  const host = process.env.DUCTOR_INTERAGENT_HOST || '127.0.0.1';
  const port = process.env.DUCTOR_INTERAGENT_PORT || '8799';
  const secret = process.env.DUCTOR_INTERAGENT_SECRET;
  if (!secret) fail('DUCTOR_INTERAGENT_SECRET is not set: run this script from a CLI started by ductor');
  let response;
  try {
    response = await fetch(`http://${host}:${port}${route}`, {
      method,
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    fail(`ductor's internal API at ${host}:${port} is not reachable: ${error.message}`);
  }
  let data;
  try {
    data = await response.json();
  } catch {
    fail(`ductor's internal API answered ${response.status} without JSON`);
  }
  if (!response.ok) fail(data?.error ?? `HTTP ${response.status}`, { status: response.status });
  return data;
}
