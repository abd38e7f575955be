/** Model lists for /model and for validating overrides: claude and gemini aliases, codex from its cache. */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { LineSplitter } from './jsonl-lines.js';
import { arr, isObject, obj, parseJsonObject, str } from './json-fields.js';
import type { ProviderName } from './events.js';

/** Fixed claude aliases; `[1m]` is the 1M-context variant. */
export const CLAUDE_MODEL_ALIASES = ['haiku', 'sonnet', 'sonnet[1m]', 'opus', 'opus[1m]', 'fable'] as const;
/** Gemini aliases; discovered ids are added from config/gemini_models.json. */
export const GEMINI_MODEL_ALIASES = ['auto', 'pro', 'flash', 'flash-lite'] as const;

export const CODEX_DISCOVERY_TIMEOUT_MS = 30_000;

export type CodexModel = {
  id: string;
  display_name: string;
  description: string;
  supported_efforts: string[];
  default_effort: string | null;
  is_default: boolean;
};

/** Which CLI serves a model id: claude aliases and claude-*, gemini aliases and gemini-*, else codex. */
export function providerOfModel(model: string): ProviderName {
  if ((CLAUDE_MODEL_ALIASES as readonly string[]).includes(model) || model.startsWith('claude-')) return 'claude';
  if ((GEMINI_MODEL_ALIASES as readonly string[]).includes(model) || /^(auto-)?gemini-/.test(model)) return 'gemini';
  return 'codex';
}

/** True when `model` may be used with its provider: codex ids must be in the discovered list. */
export function isKnownModel(model: string, codexModels: readonly CodexModel[]): boolean {
  const provider = providerOfModel(model);
  return provider !== 'codex' || codexModels.some((m) => m.id === model);
}

/** Reads `result.data[]` of the app-server `model/list` response. */
export function parseCodexModelList(result: unknown): CodexModel[] {
  const models: CodexModel[] = [];
  for (const raw of arr(obj(result)?.data) ?? []) {
    const m = obj(raw);
    const id = str(m?.id);
    if (m === undefined || id === undefined) continue;
    const efforts = (arr(m.supportedReasoningEfforts) ?? []).flatMap((e) => {
      const effort = isObject(e) ? str(e.reasoningEffort) : str(e);
      return effort === undefined ? [] : [effort];
    });
    models.push({
      id,
      display_name: str(m.displayName) ?? id,
      description: str(m.description) ?? '',
      supported_efforts: efforts,
      default_effort: str(m.defaultReasoningEffort) ?? null,
      is_default: m.isDefault === true,
    });
  }
  return models;
}

/** Models from `config/codex_models.json`; an absent or unreadable cache is an empty list. */
export async function readCodexModelCache(file: string): Promise<{ lastUpdated: string | null; models: CodexModel[] }> {
  try {
    const data: unknown = JSON.parse(await readFile(file, 'utf8'));
    const models = (arr(obj(data)?.models) ?? []).filter((m): m is CodexModel => isObject(m) && typeof m.id === 'string');
    return { lastUpdated: str(obj(data)?.last_updated) ?? null, models };
  } catch {
    // No cache yet, or a half-written one: discovery will replace it.
    return { lastUpdated: null, models: [] };
  }
}

/**
 * Asks `codex app-server` for its models over JSON-RPC on stdio: initialize, then model/list,
 * stdin kept open until the id-2 answer arrives, then the process is stopped.
 */
export function discoverCodexModels(options: { binary?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CodexModel[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.binary ?? 'codex', ['app-server'], { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'ignore'] });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGTERM');
      fn();
    };
    const timer = setTimeout(() => settle(() => reject(new Error('codex app-server did not answer model/list in time'))), options.timeoutMs ?? CODEX_DISCOVERY_TIMEOUT_MS);
    timer.unref();
    const splitter = new LineSplitter((line) => {
      const msg = parseJsonObject(line);
      if (msg?.id !== 2) return;
      if (msg.error !== undefined) settle(() => reject(new Error(`codex model/list failed: ${JSON.stringify(msg.error)}`)));
      else settle(() => resolve(parseCodexModelList(msg.result)));
    });
    child.stdout.on('data', (chunk: Buffer) => splitter.push(chunk));
    child.once('error', (error) => settle(() => reject(error)));
    child.once('exit', (code) => settle(() => reject(new Error(`codex app-server exited with code ${code ?? 'null'} before answering`))));
    child.stdin.on('error', () => {
      // The server exited first; the exit handler reports it.
    });
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'initialize', id: 1, params: { clientInfo: { name: 'ductor', version: '1.0' } } })}\n`);
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'model/list', id: 2, params: {} })}\n`);
  });
}
