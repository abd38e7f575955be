/** The one event stream all three CLIs are normalized into; plain data so it can cross IPC. */

export type ProviderName = 'claude' | 'codex' | 'gemini';

/** Why a CLI run ended: its own exit, one of our deadlines, the caller's abort, or no process at all. */
export type EndReason = 'exit' | 'timeout' | 'inactivity' | 'aborted' | 'spawn';

export type Usage = {
  inputTokens: number;
  outputTokens: number;
  /** inputTokens + outputTokens, as the original's response record counts them. */
  totalTokens: number;
  cachedInputTokens: number;
};

export type TurnResult = {
  provider: ProviderName;
  /** Final answer text (on error: empty unless the CLI produced text before failing). */
  text: string;
  sessionId: string | null;
  isError: boolean;
  /** One line for the user when isError; null on success. */
  errorMessage: string | null;
  usage: Usage;
  costUsd: number;
  durationMs: number | null;
  numTurns: number | null;
  reason: EndReason;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stderrTail: string;
  timedOut: boolean;
  aborted: boolean;
  /** The resume id given to the CLI is unknown to it: start a fresh session and tell the user. */
  staleSession: boolean;
  /** The CLI is not logged in (or its key was rejected); errorMessage names the login command. */
  authRequired: boolean;
  /** Tool rules the user allowed "for this session" (claude); pass them as allowedTools next turn. */
  sessionAllowedTools: string[];
  /** The user interrupted the turn (SIGINT, as Esc): the session stays and queued messages run. */
  interrupted?: boolean;
  /**
   * Why the CLI was failing when it ended, in words for the user (rate limited, login needed),
   * also when our deadline ended it mid-retry; null when nothing was known.
   */
  failureCause?: string | null;
};

export type NormalizedEvent =
  | { type: 'session'; sessionId: string; model?: string }
  | { type: 'text_delta'; text: string }
  | { type: 'thinking'; text: string }
  | { type: 'tool_use'; toolName: string; toolId?: string; parameters?: unknown }
  | { type: 'tool_result'; toolId: string; status: 'success' | 'error'; output: string }
  | { type: 'status'; status: string; detail?: string }
  | { type: 'compact_boundary'; trigger: string; preTokens: number | null }
  | { type: 'approval_request'; requestId: string; toolName: string; summary: string; input: unknown }
  | { type: 'approval_resolved'; requestId: string; decision: ApprovalDecision; byTimeout: boolean }
  | { type: 'notice'; code: 'session_reset'; message: string }
  /** A non-fatal error line inside the stream (retries, warnings); the final outcome is in `result`. */
  | { type: 'error'; message: string; code?: string }
  | { type: 'result'; result: TurnResult };

export type ApprovalDecision = 'allow' | 'allow_session' | 'deny';

export type EmitEvent = (event: NormalizedEvent) => void;
export type DebugLog = (msg: string, fields?: object) => void;

export function emptyUsage(): Usage {
  return { inputTokens: 0, outputTokens: 0, totalTokens: 0, cachedInputTokens: 0 };
}

export function makeUsage(input: unknown, output: unknown, cached: unknown): Usage {
  const inputTokens = toCount(input);
  const outputTokens = toCount(output);
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, cachedInputTokens: toCount(cached) };
}

function toCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}
