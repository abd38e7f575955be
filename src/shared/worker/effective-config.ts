/** The config a worker runs with: the main config, or for a sub-agent its effective merge. */
import { effectiveAgentConfig, loadAgentsFile, type AgentEntry } from '../config/agent-config.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { mainPaths } from '../paths.js';

export type AgentConfigs = { main: Config; agents: AgentEntry[] };

/** Reads config.json and agents.json of the main home. */
export async function loadAllConfigs(mainHome: string): Promise<AgentConfigs> {
  const paths = mainPaths(mainHome);
  const { config } = await loadConfig(paths.configFile);
  const { agents } = await loadAgentsFile(paths.agentsFile, { mainTelegramToken: config.telegram_token });
  return { main: config, agents };
}

/** The effective config of agent `name` (`main` or a sub-agent of agents.json). */
export function configOfAgent(all: AgentConfigs, name: string, mainHome: string): Config {
  if (name === 'main') return all.main;
  const entry = all.agents.find((a) => a.name === name);
  if (!entry) throw new Error(`agent "${name}" is not in agents.json`);
  return effectiveAgentConfig(all.main, entry, mainHome);
}
