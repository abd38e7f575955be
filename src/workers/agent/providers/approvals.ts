/**
 * Answers claude's `control_request` lines on stdin (`--permission-prompt-tool stdio`): each
 * can_use_tool waits for the user's decision, and one left unanswered is denied after a timeout.
 */
import type { ApprovalDecision, DebugLog, EmitEvent } from './events.js';
import { arr, obj, str, type JsonObject } from './json-fields.js';

export const DEFAULT_APPROVAL_TIMEOUT_MS = 5 * 60_000;
export const DENY_MESSAGE = 'The user denied this tool call.';

type Pending = { request: JsonObject; timer: NodeJS.Timeout; releaseHold: () => void };

export type ApprovalIo = {
  write(line: string): boolean;
  /** Pauses the run's inactivity deadline while a human decides. */
  holdInactivity(): () => void;
};

export class ApprovalBroker {
  private readonly pending = new Map<string, Pending>();
  private io: ApprovalIo | null = null;
  /** Rules allowed "for this session", e.g. `Bash(npm test)`; the caller passes them as allowedTools later. */
  readonly sessionAllowedTools: string[] = [];

  constructor(
    private readonly emit: EmitEvent,
    private readonly timeoutMs: number = DEFAULT_APPROVAL_TIMEOUT_MS,
    private readonly debug?: DebugLog,
  ) {}

  attach(io: ApprovalIo): void {
    this.io = io;
  }

  /** Called by the parser for each control_request, before its approval event goes out. */
  onControlRequest(requestId: string, request: JsonObject): void {
    if (request.subtype !== 'can_use_tool') {
      // Hooks and MCP bridging are not ours; a clear error lets claude go on instead of waiting.
      this.debug?.('claude: control request not handled', { subtype: request.subtype });
      this.send({ type: 'control_response', response: { subtype: 'error', request_id: requestId, error: `ductor does not handle ${String(request.subtype)}` } });
      return;
    }
    const releaseHold = this.io?.holdInactivity() ?? (() => {});
    const timer = setTimeout(() => this.resolve(requestId, 'deny', true), this.timeoutMs);
    timer.unref();
    this.pending.set(requestId, { request, timer, releaseHold });
  }

  /** False when the request is unknown or already answered (a late button press). */
  answer(requestId: string, decision: ApprovalDecision): boolean {
    return this.resolve(requestId, decision, false);
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Denies whatever is still open (the run ended) without writing: stdin is gone. */
  close(): void {
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.releaseHold();
    }
    this.pending.clear();
  }

  private resolve(requestId: string, decision: ApprovalDecision, byTimeout: boolean): boolean {
    const p = this.pending.get(requestId);
    if (p === undefined) return false;
    this.pending.delete(requestId);
    clearTimeout(p.timer);
    p.releaseHold();
    this.send({ type: 'control_response', response: { subtype: 'success', request_id: requestId, response: this.decisionBody(p.request, decision, byTimeout) } });
    this.emit({ type: 'approval_resolved', requestId, decision, byTimeout });
    return true;
  }

  private decisionBody(request: JsonObject, decision: ApprovalDecision, byTimeout: boolean): JsonObject {
    if (decision === 'deny') {
      return { behavior: 'deny', message: byTimeout ? `No answer from the user in ${Math.round(this.timeoutMs / 1000)} s; denied.` : DENY_MESSAGE };
    }
    const body: JsonObject = { behavior: 'allow', updatedInput: obj(request.input) ?? {} };
    if (decision === 'allow_session') {
      const rules = sessionRules(request);
      body.updatedPermissions = [{ type: 'addRules', rules, behavior: 'allow', destination: 'session' }];
      for (const rule of rules) {
        const text = rule.ruleContent === undefined ? rule.toolName : `${rule.toolName}(${rule.ruleContent})`;
        if (!this.sessionAllowedTools.includes(text)) this.sessionAllowedTools.push(text);
      }
    }
    return body;
  }

  private send(message: JsonObject): void {
    if (this.io === null || !this.io.write(`${JSON.stringify(message)}\n`)) {
      this.debug?.('claude: control response not delivered, stdin closed');
    }
  }
}

type Rule = { toolName: string; ruleContent?: string };

/**
 * The CLI's own addRules suggestion, narrowed to this session: the suggestion targets
 * localSettings, which would write the project's settings file and outlive the session.
 */
function sessionRules(request: JsonObject): Rule[] {
  const rules: Rule[] = [];
  for (const raw of arr(request.permission_suggestions) ?? []) {
    const suggestion = obj(raw);
    if (suggestion?.type !== 'addRules' || suggestion.behavior !== 'allow') continue;
    for (const r of arr(suggestion.rules) ?? []) {
      const toolName = str(obj(r)?.toolName);
      const ruleContent = str(obj(r)?.ruleContent);
      if (toolName !== undefined) rules.push(ruleContent === undefined ? { toolName } : { toolName, ruleContent });
    }
  }
  if (rules.length === 0) rules.push({ toolName: str(request.tool_name) ?? 'unknown' });
  return rules;
}
