/** The provider layer's entry point: one CLI turn in, normalized events out, one TurnResult back. */
import { rm } from 'node:fs/promises';
import { ApprovalBroker } from './approvals.js';
import { buildClaudeCommand } from './claude-command.js';
import { ClaudeParser } from './claude-parser.js';
import type { CliCommand } from './cli-command.js';
import { buildCodexCommand } from './codex-command.js';
import { CodexParser } from './codex-parser.js';
import type { ApprovalDecision, NormalizedEvent, TurnResult } from './events.js';
import { buildGeminiCommand } from './gemini-command.js';
import { GeminiParser } from './gemini-parser.js';
import { runCli } from './run-cli.js';
import type { ParserOptions, StreamParser } from './stream-parser.js';
import { wantsApprovals, type TurnRequest } from './turn-request.js';
import { texts } from '../orchestrator/texts.js';

export type { TurnRequest, DockerTarget, CodexSandbox } from './turn-request.js';
export type { NormalizedEvent, TurnResult, Usage, ApprovalDecision, EndReason, ProviderName } from './events.js';

export type OnEvent = (event: NormalizedEvent) => void;

/** A running turn: its result, and the way to answer the approval requests it raises. */
export type ActiveTurn = {
  result: Promise<TurnResult>;
  /** Answers an `approval_request`; false when the id is unknown or already answered. */
  answerApproval(requestId: string, decision: ApprovalDecision): boolean;
};

export function buildCommand(req: TurnRequest): CliCommand {
  switch (req.provider) {
    case 'claude':
      return buildClaudeCommand(req);
    case 'codex':
      return buildCodexCommand(req);
    case 'gemini':
      return buildGeminiCommand(req);
  }
}

export function createParser(req: Pick<TurnRequest, 'provider'>, options: ParserOptions & { broker?: ApprovalBroker }): StreamParser {
  switch (req.provider) {
    case 'claude': {
      const broker = options.broker;
      return new ClaudeParser(broker === undefined ? options : { ...options, onControlRequest: (id, r) => broker.onControlRequest(id, r) });
    }
    case 'codex':
      return new CodexParser(options);
    case 'gemini':
      return new GeminiParser(options);
  }
}

/** Starts one turn. The session id is emitted as a `session` event as soon as the CLI prints it. */
export function startTurn(req: TurnRequest, onEvent: OnEvent, signal?: AbortSignal): ActiveTurn {
  const emit = (event: NormalizedEvent): void => {
    try {
      onEvent(event);
    } catch (error) {
      // The consumer's bug must not stop the parser mid-stream.
      req.debug?.('provider: event handler threw', { error: (error as Error).message, type: event.type });
    }
  };
  const approvals = wantsApprovals(req);
  const broker = approvals ? new ApprovalBroker(emit, req.approvalTimeoutMs, req.debug) : undefined;
  const result = executeTurn(req, emit, broker, signal);
  return { result, answerApproval: (id, decision) => broker?.answer(id, decision) ?? false };
}

export function runTurn(req: TurnRequest, onEvent: OnEvent, signal?: AbortSignal): Promise<TurnResult> {
  return startTurn(req, onEvent, signal).result;
}

async function executeTurn(req: TurnRequest, emit: OnEvent, broker: ApprovalBroker | undefined, signal?: AbortSignal): Promise<TurnResult> {
  const command = buildCommand(req);
  const parserOptions: ParserOptions & { broker?: ApprovalBroker } = { emit };
  if (req.debug !== undefined) parserOptions.debug = req.debug;
  if (req.resumeSessionId !== undefined && req.resumeSessionId !== '') parserOptions.resumeSessionId = req.resumeSessionId;
  if (broker !== undefined) parserOptions.broker = broker;
  const parser = createParser(req, parserOptions);
  let endStdin: (() => void) | undefined;
  // stream-json input keeps claude alive until stdin closes; the result line ends the turn.
  const endStdinAfterResult = () => {
    if (command.stdin.kind === 'stream-json' && parser.turnComplete) endStdin?.();
  };
  try {
    const end = await runCli({
      file: command.file,
      args: command.args,
      ...(command.cwd === undefined ? {} : { cwd: command.cwd }),
      env: command.env,
      stdin: command.stdin.kind === 'none' ? 'ignore' : 'pipe',
      timeoutMs: req.timeoutMs,
      ...(req.inactivityTimeoutMs === undefined ? {} : { inactivityTimeoutMs: req.inactivityTimeoutMs }),
      ...(req.graceMs === undefined ? {} : { graceMs: req.graceMs }),
      ...(signal === undefined ? {} : { signal }),
      ...(req.interruptSignal === undefined ? {} : { interruptSignal: req.interruptSignal }),
      ...(parser.onStderr === undefined ? {} : { onStderr: (text: string) => parser.onStderr?.(text) }),
      ...(req.debug === undefined ? {} : { debug: req.debug }),
      onSpawn: (handle) => {
        req.onSpawn?.(handle.pid);
        endStdin = handle.endStdin;
        const plan = command.stdin;
        if (plan.kind === 'text') {
          handle.writeStdin(plan.text);
          handle.endStdin();
        } else if (plan.kind === 'stream-json') {
          broker?.attach({ write: handle.writeStdin, holdInactivity: handle.holdInactivity });
          handle.writeStdin(`${plan.firstLine}\n`);
        }
      },
      onLine: (line) => {
        parser.parseLine(line);
        endStdinAfterResult();
      },
    });
    broker?.close();
    const result = parser.finish(end);
    if (broker !== undefined) result.sessionAllowedTools = [...broker.sessionAllowedTools];
    emit({ type: 'result', result });
    return result;
  } finally {
    broker?.close();
    await Promise.all(command.tempFiles.map((file) => rm(file, { force: true })));
  }
}

/**
 * Runs a turn; when the CLI no longer knows the resume id, tells the user with a `notice` event
 * and runs the same prompt once more in a fresh session. `fresh` overrides fields for that run
 * (a new session usually gets the full MAINMEMORY append).
 */
export function startTurnWithStaleRetry(req: TurnRequest, onEvent: OnEvent, signal?: AbortSignal, fresh: Partial<TurnRequest> = {}): ActiveTurn {
  let current: ActiveTurn | null = null;
  const result = (async () => {
    // The stale attempt's result is not the turn's outcome: hold it back.
    const first = startTurn(req, (e) => (e.type === 'result' ? undefined : onEvent(e)), signal);
    current = first;
    const firstResult = await first.result;
    if (!firstResult.staleSession || signal?.aborted) {
      onEvent({ type: 'result', result: firstResult });
      return firstResult;
    }
    onEvent({
      type: 'notice',
      code: 'session_reset',
      message: texts.cliResumeFailed(req.provider, firstResult.errorMessage ?? texts.cliUnknownSession),
    });
    const { resumeSessionId: _dropped, ...rest } = req;
    const second = startTurn({ ...rest, ...fresh }, onEvent, signal);
    current = second;
    return second.result;
  })();
  return { result, answerApproval: (id, decision) => current?.answerApproval(id, decision) ?? false };
}

export function runTurnWithStaleRetry(req: TurnRequest, onEvent: OnEvent, signal?: AbortSignal, fresh: Partial<TurnRequest> = {}): Promise<TurnResult> {
  return startTurnWithStaleRetry(req, onEvent, signal, fresh).result;
}
