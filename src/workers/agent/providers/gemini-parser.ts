/** Gemini `--output-format stream-json` lines → normalized events. */
import { makeUsage, type NormalizedEvent, type TurnResult } from './events.js';
import { arr, clip, obj, str, type JsonObject } from './json-fields.js';
import { isRateLimitText, unwrapApiError } from './failure-text.js';
import { JsonStreamParser } from './json-stream-parser.js';
import { composeResult, type ParserOptions, type ProcessEnd } from './stream-parser.js';
import { texts } from '../orchestrator/texts.js';

export class GeminiParser extends JsonStreamParser {
  private lastError: string | null = null;

  constructor(options: ParserOptions) {
    super('gemini', options);
  }

  parseObject(msg: JsonObject): void {
    switch (msg.type) {
      case 'init':
        return this.setSession(str(msg.session_id), str(msg.model));
      case 'message':
        return this.onMessage(msg);
      case 'tool_use': {
        this.outcome.text.breakBlock();
        const event: NormalizedEvent = { type: 'tool_use', toolName: str(msg.tool_name) ?? 'tool', parameters: msg.parameters };
        const toolId = str(msg.tool_id);
        if (toolId !== undefined) event.toolId = toolId;
        this.options.emit(event);
        return;
      }
      case 'tool_result': {
        this.outcome.text.breakBlock();
        const toolId = str(msg.tool_id) ?? '';
        const failed = str(msg.status) === 'error';
        const output = str(msg.output) ?? (failed ? str(obj(msg.error)?.message) ?? '' : '');
        this.options.emit({ type: 'tool_result', toolId, status: failed ? 'error' : 'success', output });
        return;
      }
      case 'error': {
        // Non-fatal line (safety block, empty response, loop); the result line that follows decides.
        const message = str(msg.message) ?? 'error';
        const severity = str(msg.severity);
        if (severity !== 'warning') this.lastError = message;
        this.options.emit(severity === undefined ? { type: 'error', message } : { type: 'error', message, code: severity });
        return;
      }
      case 'result':
        return this.onResult(msg);
      default:
        this.options.debug?.('gemini: event type ignored', { type: msg.type });
    }
  }

  /**
   * gemini reports each failed model call only on stderr ("Attempt N failed with status 429.
   * Retrying with backoff..."), while stdout stays silent: tell the user it is rate limited.
   */
  onStderr(text: string): void {
    if (!/attempt \d+ failed/i.test(text) || !isRateLimitText(text)) return;
    this.outcome.retryCause = texts.cliRateLimitedCause;
    // `rate_limit`: the status the chat labels "Rate limit reached; waiting…", as for claude.
    this.options.emit({ type: 'status', status: 'rate_limit', detail: 'HTTP 429' });
  }

  finish(end: ProcessEnd): TurnResult {
    return composeResult(this.outcome, end, this.options.resumeSessionId, (_outcome, e) =>
      // No result line after a clean exit: an empty success.
      e.exitCode === 0 && e.signal === null ? { isError: false, errorMessage: null } : { isError: true, errorMessage: this.lastError },
    );
  }

  private onMessage(msg: JsonObject): void {
    if (msg.role !== 'assistant') return;
    const content = msg.content;
    if (typeof content === 'string') {
      this.addText(content);
      return;
    }
    for (const raw of arr(content) ?? []) {
      const block = obj(raw);
      if (block?.type === 'text') this.addText(str(block.text) ?? '');
      else if (block?.type === 'tool_use') {
        this.outcome.text.breakBlock();
        this.options.emit({ type: 'tool_use', toolName: str(block.name) ?? 'tool', parameters: block.input });
      }
    }
  }

  private addText(text: string): void {
    if (text === '') return;
    this.options.emit({ type: 'text_delta', text: this.outcome.text.appendDelta(text) });
  }

  private onResult(msg: JsonObject): void {
    const o = this.outcome;
    this.setSession(str(msg.session_id));
    o.sawResult = true;
    // The streamed deltas are the answer; a final text on the result line counts only when it
    // says something else (the deltas joined without separators are the same answer).
    const finalText = str(msg.response) ?? str(msg.output) ?? str(msg.result);
    if (finalText !== undefined && finalText !== '' && !sameAnswer(o.text.toString(), finalText)) o.text.set(finalText);
    const errorObj = obj(msg.error);
    o.isError = str(msg.status) === 'error' || msg.is_error === true || errorObj !== undefined;
    const message = o.isError ? unwrapApiError(str(errorObj?.message) ?? this.lastError ?? texts.geminiReportedError) : null;
    // Retries used up on HTTP 429: name rate limiting whatever the body says.
    o.errorMessage = message !== null && isRateLimitText(message) && !/rate.?limit/i.test(message) ? texts.cliRateLimited(message) : message;
    const stats = obj(msg.stats);
    o.usage = makeUsage(stats?.input_tokens ?? stats?.input, stats?.output_tokens, stats?.cached);
    const duration = stats?.duration_ms;
    o.durationMs = typeof duration === 'number' ? duration : null;
  }
}

/** True when `final` is `streamed` up to the blank lines we put between text blocks. */
function sameAnswer(streamed: string, final: string): boolean {
  const squash = (text: string): string => text.replace(/\s+/g, '');
  return squash(streamed) === squash(final);
}
