/**
 * The `/model` selector, step by step in one message: provider → model → (codex) reasoning effort.
 * Every step edits the selector message in place (`ms:*` buttons); the last one switches.
 */
import { encodeCallback } from '../../../shared/callbacks/callback-data.js';
import type { Button, ChatRef } from '../../../shared/rpc/conversation-schemas.js';
import { CLAUDE_ALIASES, CODEX_FALLBACK_MODELS, GEMINI_ALIASES } from '../../../shared/models.js';
import type { CommandDeps, Reply } from './commands.js';
import { texts } from './texts.js';

const PER_ROW = 3;

/**
 * The first step: which CLI, of those installed and logged in. With only one, its models at once
 * (no choice to make), saying why; with no login found, the installed ones, saying so.
 */
export async function providerStep(deps: CommandDeps, current: string): Promise<Reply> {
  const { offered, loggedIn } = await deps.providerChoices();
  if (loggedIn && offered.length === 1) {
    const only = offered[0]!;
    return { text: texts.modelOnlyProvider(current, only), format: 'plain', buttons: rows(modelsOf(deps, only).map(modelButton)) };
  }
  const text = loggedIn ? texts.modelPickProvider(current) : texts.modelNoLogin(current);
  return { text, format: 'plain', buttons: [offered.map((p) => ({ label: p, data: encodeCallback('model', `p:${p}`) }))] };
}

/**
 * A press of a selector button (`data` without `ms:`). `switchTo` makes the switch; buttons of
 * an older selector (`ms:<model>`) still switch directly.
 */
export async function selectorStep(deps: CommandDeps, data: string, chat: ChatRef, current: string, switchTo: (model: string, effort: string | null) => Promise<Reply>): Promise<Reply> {
  if (data === 'back') return providerStep(deps, current);
  if (data.startsWith('p:')) {
    const provider = data.slice(2);
    const models = modelsOf(deps, provider);
    if (models.length === 0) return providerStep(deps, current);
    return { text: texts.modelPickModel(provider), format: 'plain', buttons: [...rows(models.map(modelButton)), [backButton()]] };
  }
  if (data.startsWith('m:')) {
    const model = data.slice(2);
    const efforts = deps.codexModels().includes(model) ? deps.codexEfforts(model) : [];
    if (efforts.length === 0) return switchTo(model, null);
    return { text: texts.modelPickEffort(model), format: 'plain', buttons: [...rows(efforts.map((e) => ({ label: e, data: encodeCallback('model', `e:${model}:${e}`) }))), [backButton()]] };
  }
  if (data.startsWith('e:')) {
    const rest = data.slice(2);
    const cut = rest.lastIndexOf(':');
    if (cut > 0) return switchTo(rest.slice(0, cut), rest.slice(cut + 1));
  }
  void chat;
  return switchTo(data, null);
}

function modelsOf(deps: CommandDeps, provider: string): string[] {
  if (provider === 'claude') return CLAUDE_ALIASES;
  if (provider === 'gemini') return GEMINI_ALIASES;
  if (provider === 'codex') return deps.codexModels().length > 0 ? deps.codexModels() : CODEX_FALLBACK_MODELS;
  return [];
}

function modelButton(model: string): Button {
  return { label: model, data: encodeCallback('model', `m:${model}`) };
}

function rows(buttons: Button[]): Button[][] {
  const out: Button[][] = [];
  for (let i = 0; i < buttons.length; i += PER_ROW) out.push(buttons.slice(i, i + PER_ROW));
  return out;
}

function backButton(): Button {
  return { label: texts.modelBack, data: encodeCallback('model', 'back') };
}
