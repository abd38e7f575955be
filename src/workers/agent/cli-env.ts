/** The environment every CLI subprocess gets: ours, minus the worker's own variables. */
import type { Config } from '../../shared/config/schema.js';
import type { ChatRef } from '../../shared/rpc/conversation-schemas.js';
import { CLI_OWNER_ENV, cliOwnerMarker } from '../../shared/orphan-processes.js';
import { WORKER_ENV } from '../../shared/worker/runtime.js';
import { internalApiSecret } from '../../shared/security/internal-api-secret.js';
import { internalApiPort } from '../../shared/internal-api-port.js';

export function cliEnv(options: { agent: string; mainHome: string; agentHome: string; sharedMemoryFile: string; config: Config; chat: ChatRef }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env[WORKER_ENV.role];
  delete env[WORKER_ENV.agent];
  delete env[WORKER_ENV.logLevel];
  // Lets the supervisor find this CLI (and its children) if the agent worker dies hard.
  env[CLI_OWNER_ENV] = cliOwnerMarker(options.mainHome, options.agent);
  env.DUCTOR_HOME = options.agentHome;
  env.DUCTOR_AGENT_NAME = options.agent;
  env.DUCTOR_AGENT_ROLE = options.agent === 'main' ? 'main' : 'sub';
  env.DUCTOR_CHAT_ID = String(options.chat.chatId);
  if (options.chat.topicId !== null) env.DUCTOR_TOPIC_ID = String(options.chat.topicId);
  else delete env.DUCTOR_TOPIC_ID;
  env.DUCTOR_TRANSPORT = options.chat.transport;
  env.DUCTOR_INTERAGENT_PORT = String(internalApiPort(options.mainHome) ?? options.config.interagent_port);
  env.DUCTOR_SHARED_MEMORY_PATH = options.sharedMemoryFile;
  // A sub-agent has no config.json of its own: the tool scripts read the settings it runs with here.
  env.DUCTOR_SETTINGS = JSON.stringify(toolSettings(options.config));
  // Internal API: the tool scripts authenticate with this per-home secret. Never logged.
  env.DUCTOR_INTERAGENT_SECRET = internalApiSecret(options.mainHome);
  // End internal API
  const geminiKey = options.config.gemini_api_key;
  if (!env.GEMINI_API_KEY && geminiKey && !['', 'null', 'none'].includes(geminiKey.toLowerCase())) env.GEMINI_API_KEY = geminiKey;
  return env;
}

/** The effective settings the workspace tools need (no secrets): what config.json says for main, the inherited merge for a sub-agent. */
export function toolSettings(config: Config): Record<string, unknown> {
  return {
    user_timezone: config.user_timezone,
    webhooks: { enabled: config.webhooks.enabled, host: config.webhooks.host, port: config.webhooks.port },
  };
}
