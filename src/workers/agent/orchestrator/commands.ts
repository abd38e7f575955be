/**
 * Chat commands the agent answers itself. Each returns the reply (text + optional buttons) and
 * runs outside the chat's turn queue, so read-only commands answer even while a turn runs.
 */
import { encodeCallback } from '../../../shared/callbacks/callback-data.js';
import { releaseLinks } from '../../../shared/upgrade/links.js';
import { resolveUpdateSource } from '../../../shared/upgrade/update-source.js';
import { packageInfo } from '../../../shared/package-info.js';
import { resolveTimezone } from '../../../shared/config/timezone.js';
import { effortCommand } from './effort-command.js';
import { loginLine, readableTime, timeZoneWarning } from './status-extras.js';
import { readFile } from 'node:fs/promises';
import type { Config } from '../../../shared/config/schema.js';
import type { Button, ChatRef } from '../../../shared/rpc/conversation-schemas.js';
import type { SessionManager, Target } from '../sessions/session-manager.js';
import { isKnownModel, providerForModel } from '../../../shared/models.js';
import { providerStep, selectorStep } from './model-selector.js';
import { texts } from './texts.js';
import { sessionKeyOf } from './turn.js';

/** `files`: absolute paths the transport uploads after the text. */
export type Reply = { text: string; format: 'markdown' | 'plain'; buttons: Button[][]; files?: string[]; editsMessage?: number };

export type CommandDeps = {
  agent: string;
  version: string;
  config: () => Config;
  sessions: SessionManager;
  memoryFile: string;
  configuredTarget: () => Target;
  /** Writes model/provider/effort (config.json for main, agents.json for sub-agents). */
  saveDefaultModel: (model: string, provider: string) => Promise<void>;
  codexModels: () => string[];
  /** The reasoning efforts the installed codex lists for a model (empty: no effort step). */
  codexEfforts: (model: string) => string[];
  /** `/diagnose` text; the caller knows the supervisor and the log file. */
  diagnose: (effective: { provider: string; model: string } | null) => Promise<string>;
};

/** Commands handled here (the abort family is handled by the service, which owns the queue). */
export const AGENT_COMMANDS = ['start', 'help', 'info', 'new', 'reset', 'model', 'effort', 'status', 'memory', 'diagnose', 'agent_commands'] as const;
export type AgentCommand = (typeof AGENT_COMMANDS)[number];

/** `/cmd@bot args` → { name, args }, or null when the text is not a command of ours. */
export function parseCommand(text: string): { name: AgentCommand; args: string } | null {
  const match = /^\/([a-z_]+)(?:@\w+)?(?:\s+([\s\S]*))?$/i.exec(text.trim());
  const name = match?.[1]?.toLowerCase();
  if (!name || !(AGENT_COMMANDS as readonly string[]).includes(name)) return null;
  return { name: name as AgentCommand, args: (match?.[2] ?? '').trim() };
}

export async function runCommand(deps: CommandDeps, name: AgentCommand, args: string, chat: ChatRef): Promise<Reply> {
  const plain = (text: string, buttons: Button[][] = []): Reply => ({ text, format: 'plain', buttons });
  switch (name) {
    case 'start':
      return plain(texts.welcome(deps.agent), [[{ label: texts.startNewButton, data: encodeCallback('command', 'new') }, { label: texts.startModelButton, data: encodeCallback('command', 'model') }]]);
    case 'help':
      return { text: texts.help, format: 'markdown', buttons: [] };
    case 'info':
    {
      // Links only where the configured update source has pages (never an unowned registry name).
      const links = releaseLinks(resolveUpdateSource(deps.config().update_source, packageInfo().root), deps.version);
      const row = [
        ...(links.changelog ? [{ label: texts.changelogButton, data: 'link', url: links.changelog }] : []),
        ...(links.page ? [{ label: texts.packageButton, data: 'link', url: links.page }] : []),
      ];
      return plain(texts.info(deps.version), row.length > 0 ? [row] : []);
    }
    case 'new':
    case 'reset': {
      const provider = (await deps.sessions.resetActiveBucket(sessionKeyOf(chat))) ?? deps.configuredTarget().provider;
      return plain(texts.sessionReset(provider));
    }
    case 'model':
      return args ? switchModel(deps, args, chat) : providerStep(currentModel(await deps.sessions.get(sessionKeyOf(chat)), deps));
    case 'effort':
      return effortCommand(deps, args, chat);
    case 'status':
      return plain(await statusText(deps, chat));
    case 'memory':
      return plain(await memoryText(deps.memoryFile));
    case 'diagnose': {
      const record = await deps.sessions.get(sessionKeyOf(chat));
      return plain(await deps.diagnose(record ? { provider: record.provider, model: record.model } : null));
    }
    case 'agent_commands':
      return plain(texts.agentCommands(deps.agent));
  }
}

/** A `ms:*` selector button: the next step, or the switch; the selector message is edited in place. */
export async function modelSelectorCallback(deps: CommandDeps, data: string, chat: ChatRef, selectorMessage: number | null): Promise<Reply> {
  const current = currentModel(await deps.sessions.get(sessionKeyOf(chat)), deps);
  const reply = await selectorStep(deps, data, chat, current, (model, effort) => switchModel(deps, model, chat, effort));
  return selectorMessage === null ? reply : { ...reply, editsMessage: selectorMessage };
}

export async function switchModel(deps: CommandDeps, model: string, chat: ChatRef, effort: string | null = null): Promise<Reply> {
  if (!isKnownModel(model, deps.codexModels())) return { text: texts.modelUnknown(model), format: 'plain', buttons: [] };
  const provider = providerForModel(model);
  const target: Target = { provider, model, reasoningEffort: effort ?? deps.config().reasoning_effort };
  const key = sessionKeyOf(chat);
  if (chat.topicId !== null) {
    // Inside a forum topic /model changes only that topic's session target.
    if (!(await deps.sessions.get(key))) await deps.sessions.resolve(key, target, noStaleness(), null);
    else await deps.sessions.setTarget(key, target);
  } else {
    await deps.saveDefaultModel(model, provider);
    if (await deps.sessions.get(key)) await deps.sessions.setTarget(key, target);
  }
  return { text: texts.modelSwitched(model, provider), format: 'plain', buttons: [] };
}

function noStaleness() {
  return { idleTimeoutMinutes: 0, dailyResetEnabled: false, dailyResetHour: 4, maxSessionMessages: null, timeZone: 'UTC' };
}

function currentModel(record: { model: string } | undefined, deps: CommandDeps): string {
  return record?.model ?? deps.configuredTarget().model;
}


async function statusText(deps: CommandDeps, chat: ChatRef): Promise<string> {
  const record = await deps.sessions.get(sessionKeyOf(chat));
  const configured = deps.configuredTarget();
  const config = deps.config();
  const timeZone = resolveTimezone(config);
  const extras = [
    ...(chat.topicId !== null ? [`${texts.statusTopic}: ${record?.topic_name ?? deps.sessions.topicName(sessionKeyOf(chat)) ?? texts.topicFallback(chat.topicId)}`] : []),
    await loginLine(config, texts),
    `${texts.statusTimeZone}: ${timeZone}`,
    ...[timeZoneWarning(config, texts)].filter((w): w is string => w !== null),
  ];
  if (!record) return [texts.statusNoSession(configured.model, configured.provider), ...extras].join('\n');
  const bucket = record.provider_sessions[record.provider];
  const lines = [
    `${texts.statusModel}: ${record.model} (${record.provider})${record.model !== configured.model ? `, ${texts.statusConfigured}: ${configured.model}` : ''}`,
    `${texts.statusEffort}: ${record.reasoning_effort ?? texts.statusDefault}`,
    `${texts.statusSession}: ${bucket?.session_id ? `${bucket.session_id.slice(0, 8)}…` : texts.statusSessionNew}`,
    `${texts.statusMessages}: ${bucket?.message_count ?? 0}`,
    `${texts.statusTokens}: ${bucket?.total_tokens ?? 0}`,
    `${texts.statusCost}: $${(bucket?.total_cost_usd ?? 0).toFixed(4)}`,
    `${texts.statusStarted}: ${readableTime(record.created_at, timeZone)}`,
    ...extras,
  ];
  return lines.join('\n');
}

async function memoryText(file: string): Promise<string> {
  let text = '';
  try {
    text = (await readFile(file, 'utf8')).trim();
  } catch {
    text = '';
  }
  return text === '' ? texts.memoryEmpty : `${texts.memoryHeader}\n──────────\n${text}\n──────────`;
}
