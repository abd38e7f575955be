/**
 * The runtime-environment section the original appends to every workspace rule file at start
 *: who this agent is, how to reach the other agents, and whether a
 * sandbox protects the host. Added once; a file that already has the heading is left alone.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const RUNTIME_HEADING = '## Runtime Environment';
/** The original's older heading counts too, so an upgraded home is not given a second section. */
const KNOWN_HEADINGS = [RUNTIME_HEADING, '## Multi-Agent Identity'];
const RULE_FILES = ['CLAUDE.md', 'AGENTS.md', 'GEMINI.md'];

export type RuntimeFacts = { agent: string; isMain: boolean; otherAgents: string[]; docker: boolean };

export function runtimeSection(facts: RuntimeFacts): string {
  const lines = [
    '',
    RUNTIME_HEADING,
    '',
    `- You are the agent **${facts.agent}** (${facts.isMain ? 'the main agent' : 'a sub-agent'}) of this ductor host.`,
    facts.otherAgents.length > 0
      ? `- Other agents: ${facts.otherAgents.join(', ')}. Ask one with \`node tools/agent_tools/ask_agent.mjs <agent> "<message>"\` (or ask_agent_async.mjs for long work); only when the user asks for it.`
      : '- There are no other agents on this host right now.',
    facts.docker
      ? '- Docker sandbox: your commands run in a container; the ductor home is mounted at `/ductor`.'
      : '- No sandbox: your commands run directly on the host machine with the user\'s permissions. Ask before anything destructive.',
    '',
  ];
  return lines.join('\n');
}

/** Appends the section to each rule file in the workspace root that lacks it; returns those changed. */
export async function appendRuntimeSection(workspace: string, facts: RuntimeFacts): Promise<string[]> {
  const changed: string[] = [];
  for (const name of RULE_FILES) {
    const file = join(workspace, name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue; // this provider's rule file is not deployed (not logged in)
    }
    if (KNOWN_HEADINGS.some((heading) => text.includes(heading))) continue;
    await writeFile(file, `${text.replace(/\s*$/, '\n')}${runtimeSection(facts)}`);
    changed.push(file);
  }
  return changed;
}
