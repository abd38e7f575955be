/** Runs a turn through the provider layer, and keeps the running turns' approval answerers. */
import { startTurn, type ApprovalDecision } from '../providers/provider.js';
import type { DebugLog } from '../providers/events.js';
import type { RunTurnPort } from './provider-port.js';

export class ProviderAdapter {
  private readonly answerers = new Map<string, (id: string, decision: ApprovalDecision) => boolean>();

  constructor(private readonly debug?: DebugLog) {}

  readonly runTurn: RunTurnPort = (input, onEvent, signal) => {
    const requestIds = new Set<string>();
    const active = startTurn(
      {
        provider: input.provider,
        prompt: input.prompt,
        model: input.model,
        ...(input.reasoningEffort ? { reasoningEffort: input.reasoningEffort } : {}),
        ...(input.resumeSessionId ? { resumeSessionId: input.resumeSessionId } : {}),
        cwd: input.cwd,
        env: input.env,
        ...(input.appendSystemPrompt ? { appendSystemPrompt: input.appendSystemPrompt } : {}),
        permissionMode: input.permissionMode,
        cliParameters: input.cliParameters,
        timeoutMs: input.timeoutMs,
        inactivityTimeoutMs: input.inactivityTimeoutMs,
        ...(input.onSpawn ? { onSpawn: input.onSpawn } : {}),
        ...(this.debug ? { debug: this.debug } : {}),
      },
      (event) => {
        if (event.type === 'approval_request') {
          requestIds.add(event.requestId);
          this.answerers.set(event.requestId, (id, decision) => active.answerApproval(id, decision));
        }
        onEvent(event);
      },
      signal,
    );
    return active.result.finally(() => {
      for (const id of requestIds) this.answerers.delete(id);
    });
  };

  /** Answers a pending approval of any running turn; false when it is unknown or already answered. */
  answerApproval(requestId: string, decision: ApprovalDecision): boolean {
    const answer = this.answerers.get(requestId);
    return answer ? answer(requestId, decision) : false;
  }
}
