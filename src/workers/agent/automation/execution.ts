/**
 * Execution settings of a one-shot task run: each override falls back to the
 * agent's global value; the provider's global `cli_parameters` come first, the task's own last.
 */
import type { Config } from '../../../shared/config/schema.js';
import type { TaskOverrides } from '../../../shared/rpc/automation-schemas.js';
import { CLAUDE_ALIASES, isClaudeModel, isGeminiModel, providerForModel } from '../../../shared/models.js';
import type { ProviderId } from '../sessions/session-schema.js';

const CLAUDE_EFFORTS = ['low', 'medium', 'high', 'xhigh', 'max', 'default'];
const OTHER_EFFORTS = ['low', 'medium', 'high', 'xhigh', 'default'];

export type Execution = {
  provider: ProviderId;
  model: string;
  reasoningEffort: string | null;
  cliParameters: string[];
};

export type ExecutionResolution = { ok: true; execution: Execution } | { ok: false; status: string; error: string };

export function resolveExecution(config: Config, overrides: TaskOverrides): ExecutionResolution {
  const model = overrides.model ?? config.model;
  const provider: ProviderId = overrides.provider ?? providerForModel(model);
  if (!modelFits(provider, model)) {
    // Upstream behaviour: a provider override without a model override keeps the global model and fails here.
    return {
      ok: false,
      status: 'error:invalid_model',
      error: `model "${model}" does not belong to provider ${provider}; set a ${provider} model on the task`,
    };
  }
  const effort = overrides.reasoningEffort ?? config.reasoning_effort;
  const allowed = provider === 'claude' ? CLAUDE_EFFORTS : OTHER_EFFORTS;
  if (provider === 'gemini') {
    // Gemini has no effort flag: an explicit override is a mistake, the global value is just unused.
    if (overrides.reasoningEffort) return { ok: false, status: 'error:invalid_reasoning_effort', error: 'gemini has no reasoning effort setting' };
  } else if (!allowed.includes(effort)) {
    if (overrides.reasoningEffort) {
      return { ok: false, status: 'error:invalid_reasoning_effort', error: `reasoning effort "${effort}" is not one of ${allowed.join(', ')}` };
    }
  }
  return {
    ok: true,
    execution: {
      provider,
      model,
      reasoningEffort: provider === 'gemini' || effort === 'default' ? null : effort,
      cliParameters: [...(config.cli_parameters[provider] ?? []), ...overrides.cliParameters],
    },
  };
}

function modelFits(provider: ProviderId, model: string): boolean {
  if (provider === 'claude') return isClaudeModel(model) || CLAUDE_ALIASES.includes(model);
  if (provider === 'gemini') return isGeminiModel(model);
  // Codex takes any id the other two do not claim; its own cache decides later, at the CLI.
  return !isClaudeModel(model) && !isGeminiModel(model);
}
