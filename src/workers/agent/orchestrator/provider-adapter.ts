/** Runs a turn through the provider layer, and keeps the running turns' approval answerers. */
import { startTurn, type ApprovalDecision } from '../providers/provider.js';
import { emptyUsage, type DebugLog, type TurnResult } from '../providers/events.js';
import type { DockerTarget } from '../providers/turn-request.js';
import { DockerUnavailableError, type SandboxDecision } from '../sandbox/docker-sandbox.js';
import type { RunTurnPort } from './provider-port.js';

/** Decides host or container before each turn (TurnSandbox); absent: always the host. */
export type SandboxPort = () => Promise<SandboxDecision>;

export class ProviderAdapter {
  private readonly answerers = new Map<string, (id: string, decision: ApprovalDecision) => boolean>();

  constructor(
    private readonly debug?: DebugLog,
    private readonly sandbox?: SandboxPort,
  ) {}

  /**
   * Every turn (chat, cron, webhook, heartbeat, delegation, task, named session) comes through
   * here, so this is the one place that puts it into the Docker container. When Docker is
   * required but unusable the turn ends as an error naming the problem; nothing runs on the host.
   */
  readonly runTurn: RunTurnPort = async (input, onEvent, signal) => {
    let docker: DockerTarget | undefined;
    if (this.sandbox) {
      try {
        const decision = await this.sandbox();
        if (decision.mode === 'docker') docker = decision.target;
        else if (decision.warning) onEvent({ type: 'status', status: decision.warning });
      } catch (error) {
        if (error instanceof DockerUnavailableError) return refusedResult(input.provider, error.message);
        throw error;
      }
    }
    return this.start(input, onEvent, signal, docker);
  };

  private start(input: Parameters<RunTurnPort>[0], onEvent: Parameters<RunTurnPort>[1], signal: AbortSignal, docker: DockerTarget | undefined): Promise<TurnResult> {
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
        ...(input.ephemeral ? { ephemeral: true } : {}),
        ...(input.approvalTimeoutMs ? { approvalTimeoutMs: input.approvalTimeoutMs } : {}),
        ...(input.interruptSignal ? { interruptSignal: input.interruptSignal } : {}),
        ...(this.debug ? { debug: this.debug } : {}),
        ...(docker ? { docker } : {}),
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
  }

  /** Answers a pending approval of any running turn; false when it is unknown or already answered. */
  answerApproval(requestId: string, decision: ApprovalDecision): boolean {
    const answer = this.answerers.get(requestId);
    return answer ? answer(requestId, decision) : false;
  }
}

/** A turn that never started because the sandbox it must run in is unusable. */
function refusedResult(provider: TurnResult['provider'], message: string): TurnResult {
  return {
    provider,
    text: '',
    sessionId: null,
    isError: true,
    errorMessage: message,
    usage: emptyUsage(),
    costUsd: 0,
    durationMs: null,
    numTurns: null,
    reason: 'spawn',
    exitCode: null,
    signal: null,
    stderrTail: '',
    timedOut: false,
    aborted: false,
    staleSession: false,
    authRequired: false,
    sessionAllowedTools: [],
  };
}
