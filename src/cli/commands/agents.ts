/**
 * `ductor agents [list]`, `ductor agents add NAME [--token T --users 1,2 --groups -100… --provider P --model M]`,
 * `ductor agents remove NAME [--yes]`. The running supervisor follows agents.json by itself.
 */
import { readFile } from 'node:fs/promises';
import prompts from 'prompts';
import { AgentEntrySchema, loadAgentsFile, memoryLimitOf, type AgentEntry } from '../../shared/config/agent-config.js';
import { loadConfig } from '../../shared/config/load.js';
import { formatUptime, residentMiB } from '../../shared/proc-memory.js';
import { connectControl } from '../../shared/control-client.js';
import { EXIT_FAILURE, EXIT_OK } from '../../shared/exit-codes.js';
import { mainPaths, subAgentHome } from '../../shared/paths.js';
import { writeFileAtomic } from '../../shared/store/atomic-write.js';
import { withFileLock } from '../../shared/store/file-lock.js';

export type AgentsOptions = { home: string; args: string[]; flags: Map<string, string>; yes: boolean };

export async function runAgents(options: AgentsOptions): Promise<number> {
  const [sub = 'list', name] = options.args;
  switch (sub) {
    case 'list':
      return listAgents(options.home);
    case 'add':
      return addAgent(options, name);
    case 'remove':
      return removeAgent(options, name);
    default:
      process.stderr.write('ductor: usage: ductor agents [list] | add NAME [--token T --users IDS ...] | remove NAME [--yes]\n');
      return EXIT_FAILURE;
  }
}

/**
 * One row per agent: state, pid, uptime, restarts and resident memory from the running ductor
 * (all "stopped" without one), the memory limit and the model settings from the files.
 */
async function listAgents(home: string): Promise<number> {
  const paths = mainPaths(home);
  const main = await loadConfig(paths.configFile).then(({ config }) => config, () => null);
  const { agents, warnings } = await loadAgentsFile(paths.agentsFile, { mainTelegramToken: main?.telegram_token });
  for (const warning of warnings) process.stderr.write(`ductor: ${warning}\n`);
  const connection = await connectControl(home);
  const status = connection ? await connection.peer.request('status', {}).catch(() => null) : null;
  connection?.close();
  const stateOf = (name: string) => status?.workers.find((w) => w.id === `agent:${name}`);
  const rows = [
    { name: 'main', provider: main?.provider, model: main?.model },
    ...agents.map((a) => ({ name: a.name, provider: a.provider ?? 'inherited', model: a.model ?? 'inherited' })),
  ];
  const widths = [16, 10, 9, 9, 10, 9, 9, 10];
  const line = (cells: string[]) => `${cells.map((c, i) => (i < widths.length ? c.padEnd(Math.max(widths[i]!, c.length + 1)) : c)).join('')}\n`;
  process.stdout.write(line(['name', 'state', 'pid', 'uptime', 'restarts', 'memory', 'limit', 'provider', 'model']));
  for (const row of rows) {
    const worker = stateOf(row.name);
    const pid = worker?.pid ?? null;
    const used = pid === null ? null : residentMiB(pid);
    const limit = main ? `${memoryLimitOf(main, agents, row.name)} MB` : '-';
    process.stdout.write(line([
      row.name,
      worker?.state ?? (status ? 'absent' : 'stopped'),
      pid === null ? '-' : String(pid),
      worker?.uptimeMs == null ? '-' : formatUptime(worker.uptimeMs),
      worker ? String(worker.restarts) : '-',
      used === null ? '-' : `${Math.round(used)} MB`,
      limit,
      row.provider ?? '-',
      row.model ?? '-',
    ]));
  }
  if (!status) process.stdout.write('(ductor is not running)\n');
  return EXIT_OK;
}

/** The agent (main or a sub-agent) whose bot is `token`, if any. */
async function tokenOwner(home: string, token: string, entries: unknown[]): Promise<string | null> {
  const main = await loadConfig(mainPaths(home).configFile).then(({ config }) => config, () => null);
  if (main?.telegram_token === token) return 'main';
  const owner = entries.find((e) => (e as { telegram_token?: unknown }).telegram_token === token) as { name?: unknown } | undefined;
  return owner ? String(owner.name) : null;
}

function parseIds(value: string | undefined): number[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value.split(',').map((v) => Number(v.trim()));
}

async function addAgent(options: AgentsOptions, name: string | undefined): Promise<number> {
  let draft: Record<string, unknown> = {
    name,
    telegram_token: options.flags.get('--token'),
    allowed_user_ids: parseIds(options.flags.get('--users')),
    allowed_group_ids: parseIds(options.flags.get('--groups')),
    provider: options.flags.get('--provider'),
    model: options.flags.get('--model'),
  };
  const missing = !name || !draft.telegram_token || !draft.allowed_user_ids;
  if (missing) {
    if (!process.stdin.isTTY) {
      process.stderr.write('ductor: agents add needs NAME, --token and --users when not run in a terminal\n');
      return EXIT_FAILURE;
    }
    draft = await askForAgent(draft);
    if (!draft.name) return EXIT_FAILURE; // cancelled: nothing was written
  }
  const clean = Object.fromEntries(Object.entries(draft).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = AgentEntrySchema.safeParse(clean);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    process.stderr.write(`ductor: agent "${String(clean.name)}": "${issue.path.join('.') || 'entry'}" ${issue.message}\n`);
    return EXIT_FAILURE;
  }
  const file = mainPaths(options.home).agentsFile;
  const result = await withFileLock(file, async () => {
    const entries = await readEntries(file);
    if (entries.some((e) => (e as { name?: unknown }).name === parsed.data.name)) return `an agent named "${parsed.data.name}" already exists`;
    // One bot serves one agent: a second agent on the same token would never get a message.
    const owner = parsed.data.telegram_token ? await tokenOwner(options.home, parsed.data.telegram_token, entries) : null;
    if (owner) return `this bot token is already used by agent "${owner}"; create a new bot with @BotFather and use its token`;
    entries.push(clean);
    await writeFileAtomic(file, `${JSON.stringify(entries, null, 2)}\n`);
    return null;
  });
  if (result) {
    process.stderr.write(`ductor: ${result}\n`);
    return EXIT_FAILURE;
  }
  process.stdout.write(`added agent "${parsed.data.name}" (home ${subAgentHome(options.home, parsed.data.name)}); a running ductor starts it within seconds\n`);
  return EXIT_OK;
}

async function removeAgent(options: AgentsOptions, name: string | undefined): Promise<number> {
  if (!name) {
    process.stderr.write('ductor: usage: ductor agents remove NAME [--yes]\n');
    return EXIT_FAILURE;
  }
  if (!options.yes) {
    if (!process.stdin.isTTY) {
      process.stderr.write('ductor: add --yes to remove an agent when not run in a terminal\n');
      return EXIT_FAILURE;
    }
    const { confirm } = await prompts({ type: 'confirm', name: 'confirm', message: `Remove agent "${name}"? Its files stay on disk.`, initial: false });
    if (!confirm) return EXIT_FAILURE;
  }
  const file = mainPaths(options.home).agentsFile;
  const removed = await withFileLock(file, async () => {
    const entries = await readEntries(file);
    const kept = entries.filter((e) => (e as { name?: unknown }).name !== name);
    if (kept.length === entries.length) return false;
    await writeFileAtomic(file, `${JSON.stringify(kept, null, 2)}\n`);
    return true;
  });
  if (!removed) {
    process.stderr.write(`ductor: no agent named "${name}" in agents.json\n`);
    return EXIT_FAILURE;
  }
  process.stdout.write(`removed agent "${name}"; its files stay in ${subAgentHome(options.home, name)}\n`);
  return EXIT_OK;
}

async function readEntries(file: string): Promise<unknown[]> {
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  if (text.trim() === '') return [];
  const parsed = JSON.parse(text) as unknown;
  if (!Array.isArray(parsed)) throw new Error(`${file} must hold a JSON list of agents`);
  return parsed;
}

async function askForAgent(draft: Record<string, unknown>): Promise<Record<string, unknown>> {
  let cancelled = false;
  const answers = await prompts([
    { type: draft.name ? null : 'text', name: 'name', message: 'Agent name (lowercase, no spaces)' },
    { type: draft.telegram_token ? null : 'password', name: 'telegram_token', message: 'Telegram bot token (from @BotFather)' },
    { type: draft.allowed_user_ids ? null : 'text', name: 'users', message: 'Allowed Telegram user ids (comma separated)' },
    { type: 'text', name: 'groups', message: 'Allowed group ids (optional, negative numbers)' },
    { type: draft.provider ? null : 'select', name: 'provider', message: 'Provider', choices: [{ title: 'claude', value: 'claude' }, { title: 'codex', value: 'codex' }, { title: 'gemini', value: 'gemini' }] },
    { type: draft.model ? null : 'text', name: 'model', message: 'Model', initial: 'sonnet' },
  ], { onCancel: () => { cancelled = true; return false; } });
  if (cancelled) return {};
  return {
    ...draft,
    name: draft.name ?? answers.name,
    telegram_token: draft.telegram_token ?? answers.telegram_token,
    allowed_user_ids: draft.allowed_user_ids ?? parseIds(answers.users as string | undefined),
    allowed_group_ids: draft.allowed_group_ids ?? parseIds(answers.groups as string | undefined),
    provider: draft.provider ?? answers.provider,
    model: draft.model ?? answers.model,
  };
}

export type { AgentEntry };
