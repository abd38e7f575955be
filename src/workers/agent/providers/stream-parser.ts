/** What every CLI parser is, and how its in-stream outcome plus the process end become one TurnResult. */
import { emptyUsage, type DebugLog, type EmitEvent, type EndReason, type ProviderName, type TurnResult, type Usage } from './events.js';
import { clip } from './json-fields.js';
import { installHint, isAuthFailureText, isStaleSessionText, loginHint } from './failure-text.js';
import { TurnText } from './turn-text.js';
import { texts } from '../orchestrator/texts.js';

/** User-facing error texts are cut here. */
export const MAX_ERROR_CHARS = 500;

export type ProcessEnd = {
  reason: EndReason;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stderrTail: string;
  /** The deadline that fired, for the timeout message. */
  limitMs?: number;
  /** We interrupted the CLI with SIGINT (the user's /interrupt or Esc). */
  interrupted?: boolean;
  /** Spawn failure text (ENOENT, EACCES). */
  spawnError?: string;
};

export type ParserOptions = {
  emit: EmitEvent;
  debug?: DebugLog;
  /** The id passed to --resume: reported as the session when the CLI names none, and enables stale detection. */
  resumeSessionId?: string;
};

export interface StreamParser {
  /** One stdout line as printed: JSON is parsed here, anything else is noise. */
  parseLine(line: string): void;
  /** True once the CLI printed its turn-complete line (claude `result`, codex `turn.*`, gemini `result`). */
  readonly turnComplete: boolean;
  /** Stderr text as it arrives, for CLIs that report retries only there (gemini's 429s). */
  onStderr?(text: string): void;
  finish(end: ProcessEnd): TurnResult;
}

/** What a parser learned from stdout; the process end decides the rest. */
export type StreamOutcome = {
  provider: ProviderName;
  text: TurnText;
  sessionId: string | null;
  sawResult: boolean;
  isError: boolean;
  errorMessage: string | null;
  /** True when the stream itself reported an auth failure (e.g. claude's synthetic `authentication_failed`). */
  authFailed: boolean;
  /** The CLI was retrying after this failure (e.g. "rate limited (HTTP 429)"); kept if our deadline ends it. */
  retryCause: string | null;
  /** The failure being retried is a rejected login or key. */
  retryAuth: boolean;
  usage: Usage;
  costUsd: number;
  durationMs: number | null;
  numTurns: number | null;
};

export function emptyOutcome(provider: ProviderName): StreamOutcome {
  return {
    provider,
    text: new TurnText(),
    sessionId: null,
    sawResult: false,
    isError: false,
    errorMessage: null,
    authFailed: false,
    retryCause: null,
    retryAuth: false,
    usage: emptyUsage(),
    costUsd: 0,
    durationMs: null,
    numTurns: null,
  };
}

/** Strips terminal colour codes the CLIs put on stderr (gemini's untrusted-folder notice is red). */
export function plainText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '').trim();
}

/**
 * Merges the stream outcome with how the process ended. `noResultFallback` is the provider's rule
 * for a process that exited without a turn-complete line.
 */
export function composeResult(
  outcome: StreamOutcome,
  end: ProcessEnd,
  resumeSessionId: string | undefined,
  noResultFallback: (outcome: StreamOutcome, end: ProcessEnd, stderr: string) => { isError: boolean; errorMessage: string | null },
): TurnResult {
  const stderr = plainText(end.stderrTail);
  const provider = outcome.provider;
  let isError = outcome.isError;
  let errorMessage = outcome.errorMessage;
  let timedOut = false;
  let aborted = false;

  switch (end.reason) {
    case 'spawn':
      isError = true;
      errorMessage = texts.cliSpawnFailed(provider, end.spawnError ?? texts.cliUnknownError, installHint(provider));
      break;
    case 'timeout':
    case 'inactivity': {
      timedOut = true;
      isError = true;
      const secs = end.limitMs === undefined ? '?' : String(Math.round(end.limitMs / 1000));
      // Ended mid-retry: the retried failure is the real cause, and it must not get lost.
      const retrying = outcome.retryCause === null ? '' : texts.cliWhileRetrying(outcome.retryCause);
      errorMessage = end.reason === 'timeout' ? texts.cliTimedOut(provider, secs, retrying) : texts.cliSilent(provider, secs, retrying);
      break;
    }
    case 'aborted':
      // The user asked to stop: not an error to report, keep whatever text arrived.
      aborted = true;
      isError = false;
      errorMessage = null;
      break;
    case 'exit':
      if (end.interrupted === true) {
        // Our SIGINT ended the turn (the CLI may call that an error): an interruption, not a failure.
        isError = false;
        errorMessage = null;
        break;
      }
      if (!outcome.sawResult) {
        ({ isError, errorMessage } = noResultFallback(outcome, end, stderr));
        if (isError && errorMessage === null) errorMessage = describeExit(provider, end, stderr);
      } else if (isError && errorMessage === null) {
        errorMessage = describeExit(provider, end, stderr);
      }
      // SIGINT from elsewhere (a terminal's Ctrl-C, exit 130): say it was interrupted.
      if (isError && (end.signal === 'SIGINT' || end.exitCode === 130) && (errorMessage === null || errorMessage === texts.cliNoOutput)) {
        errorMessage = texts.cliInterruptedSigint(provider);
      }
      // A kill by signal is the one fact the user must see, whatever else the CLI said last.
      if (isError && end.signal !== null && errorMessage !== null && !errorMessage.includes(end.signal)) {
        errorMessage = `${texts.cliKilledBy(provider, end.signal)}: ${errorMessage}`;
      }
      break;
  }

  let staleSession = false;
  let authRequired = false;
  let failureCause: string | null = isError ? outcome.retryCause : null;
  if (isError && end.reason === 'exit') {
    const evidence = `${errorMessage ?? ''}\n${stderr}`;
    staleSession = resumeSessionId !== undefined && isStaleSessionText(evidence);
    authRequired = !staleSession && (outcome.authFailed || isAuthFailureText(provider, evidence) || isGeminiAuthExit(provider, end));
    if (authRequired) errorMessage = loginHint(provider);
  } else if (timedOut && outcome.retryAuth) {
    // Our deadline ended a run that kept retrying a rejected login: it still needs the login.
    authRequired = true;
    errorMessage = `${errorMessage ?? ''} ${loginHint(provider)}`.trim();
  }
  if (authRequired) failureCause = loginHint(provider);

  return {
    provider,
    text: outcome.text.toString(),
    sessionId: staleSession ? null : outcome.sessionId ?? resumeSessionId ?? null,
    isError,
    errorMessage: errorMessage === null ? null : clip(errorMessage, MAX_ERROR_CHARS),
    usage: outcome.usage,
    costUsd: outcome.costUsd,
    durationMs: outcome.durationMs,
    numTurns: outcome.numTurns,
    reason: end.reason,
    exitCode: end.exitCode,
    signal: end.signal,
    stderrTail: end.stderrTail,
    timedOut,
    aborted,
    staleSession,
    authRequired,
    sessionAllowedTools: [],
    interrupted: end.interrupted === true && !isError,
    failureCause,
  };
}

function isGeminiAuthExit(provider: ProviderName, end: ProcessEnd): boolean {
  return provider === 'gemini' && end.exitCode === 41;
}

/** "claude exited with code 2: <stderr>" / "claude was killed by SIGSEGV". */
export function describeExit(provider: ProviderName, end: ProcessEnd, stderr: string): string {
  const ended = end.signal !== null ? texts.cliKilledBy(provider, end.signal) : texts.cliExitedWithCode(provider, String(end.exitCode ?? '?'));
  return stderr === '' ? texts.cliNoResult(ended) : `${ended}: ${stderr}`;
}
