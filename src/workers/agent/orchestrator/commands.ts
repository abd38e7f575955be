/**
 * Chat commands the agent answers itself, registered by name (command-registry.ts). Each returns
 * the reply (text + optional buttons) and runs outside the chat's turn queue, so read-only
 * commands answer even while a turn runs.
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
import type { ProviderChoices } from './provider-choices.js';
import { renderHelp } from '../../../shared/i18n/index.js';
import type { CommandContext, CommandOutcome, CommandRegistration } from './command-registry.js';
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
  /** The CLIs `/model` offers (provider-choices.ts). */
  providerChoices: () => Promise<ProviderChoices>;
  /** `/diagnose` text; the caller knows the supervisor and the log file. */
  diagnose: (effective: { provider: string; model: string } | null) => Promise<string>;
};

/** The options of the commands of this file. */
export type ChatCommandOptions = {
  deps: CommandDeps;
  /** The names this agent answers, for /help (the registry, read when /help runs). */
  registered: () => ReadonlySet<string>;
  /** `/new` and `/reset`: the session reset, which also stops the chat's running turn. */
  resetSession: (context: CommandContext) => Promise<CommandOutcome>;
};

const plain = (text: string, buttons: Button[][] = []): Reply => ({ text, format: 'plain', buttons });

/** The everyday commands: session, model, status and help. */
export function chatCommands({ deps, registered, resetSession }: ChatCommandOptions): CommandRegistration[] {
  return [
    {
      names: ['start'],
      run: async () => plain(texts.welcome(deps.agent), [[{ label: texts.startNewButton, data: encodeCallback('command', 'new') }, { label: texts.startModelButton, data: encodeCallback('command', 'model') }]]),
    },
    { names: ['help'], run: async () => ({ text: renderHelp(texts, registered()), format: 'markdown', buttons: [] }) },
    { names: ['info'], run: async () => infoReply(deps) },
    { names: ['new', 'reset'], run: resetSession },
    {
      names: ['model'],
      run: async ({ args, message }) => (args ? switchModel(deps, args, message.chat) : providerStep(deps, currentModel(await deps.sessions.get(sessionKeyOf(message.chat)), deps))),
    },
    { names: ['effort'], run: ({ args, message }) => effortCommand(deps, args, message.chat) },
    { names: ['status'], run: async ({ message }) => plain(await statusText(deps, message.chat)) },
    { names: ['memory'], run: async () => plain(await memoryText(deps.memoryFile)) },
    {
      names: ['diagnose'],
      run: async ({ message }) => {
        const record = await deps.sessions.get(sessionKeyOf(message.chat));
        return plain(await deps.diagnose(record ? { provider: record.provider, model: record.model } : null));
      },
    },
    { names: ['agent_commands'], run: async () => plain(texts.agentCommands(deps.agent)) },
  ];
}

/** The answer to `/new` and `/reset`: the active provider's session is gone, the next message starts afresh. */
export async function sessionResetReply(deps: CommandDeps, chat: ChatRef): Promise<Reply> {
  const provider = (await deps.sessions.resetActiveBucket(sessionKeyOf(chat))) ?? deps.configuredTarget().provider;
  return plain(texts.sessionReset(provider));
}

function infoReply(deps: CommandDeps): Reply {
  // Links only where the configured update source has pages (never an unowned registry name).
  const links = releaseLinks(resolveUpdateSource(deps.config().update_source, packageInfo().root), deps.version);
  const row = [
    ...(links.changelog ? [{ label: texts.changelogButton, data: 'link', url: links.changelog }] : []),
    ...(links.page ? [{ label: texts.packageButton, data: 'link', url: links.page }] : []),
  ];
  return plain(texts.info(deps.version), row.length > 0 ? [row] : []);
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
