/** Claude Code `-p --output-format stream-json --verbose` lines → normalized events. */
import { makeUsage, type NormalizedEvent } from './events.js';
import { arr, clip, num, obj, str, type JsonObject } from './json-fields.js';
import { JsonStreamParser } from './json-stream-parser.js';
import { composeResult, type ParserOptions, type ProcessEnd } from './stream-parser.js';
import type { TurnResult } from './events.js';
import { texts } from '../orchestrator/texts.js';

/** How much of a tool's input the approval summary shows. */
const SUMMARY_MAX_CHARS = 200;

export type ClaudeParserOptions = ParserOptions & {
  /** Called for every `control_request` line (before its approval event), so the caller can answer it. */
  onControlRequest?: (requestId: string, request: JsonObject) => void;
};

export class ClaudeParser extends JsonStreamParser<ClaudeParserOptions> {
  private streamedText = false;
  private lastTextMessageId: string | undefined;

  constructor(options: ClaudeParserOptions) {
    super('claude', options);
  }

  parseObject(msg: JsonObject): void {
    switch (msg.type) {
      case 'system':
        return this.onSystem(msg);
      case 'assistant':
        return this.onAssistant(msg);
      case 'user':
        return this.onUser(msg);
      case 'stream_event':
        return this.onStreamEvent(msg);
      case 'result':
        return this.onResult(msg);
      case 'control_request':
        return this.onControlRequest(msg);
      case 'rate_limit_event': {
        const info = obj(msg.rate_limit_info);
        const status = str(info?.status);
        if (status === 'rejected' || status === 'allowed_warning') this.emit({ type: 'status', status: 'rate_limit', detail: status });
        return;
      }
      default:
        this.options.debug?.('claude: event type ignored', { type: msg.type });
    }
  }

  finish(end: ProcessEnd): TurnResult {
    // No result line: a clean exit with streamed text is still an answer; anything else is an error.
    return composeResult(this.outcome, end, this.options.resumeSessionId, (outcome, e) =>
      e.exitCode === 0 && !outcome.text.isEmpty ? { isError: false, errorMessage: null } : { isError: true, errorMessage: null },
    );
  }

  /**
   * Keeps one text block and returns the delta to stream: text of a new message (one after a tool
   * call) is separated by a blank line, in the kept text and in the stream alike.
   */
  private accumulate(text: string, messageId: string | undefined): string {
    if (messageId !== this.lastTextMessageId) this.outcome.text.breakBlock();
    this.lastTextMessageId = messageId;
    if (this.outcome.sawResult) return text;
    return this.outcome.text.appendDelta(text);
  }

  private emit(event: NormalizedEvent): void {
    this.options.emit(event);
  }

  private onSystem(msg: JsonObject): void {
    switch (msg.subtype) {
      case 'init':
        return this.setSession(str(msg.session_id), str(msg.model));
      case 'status': {
        const status = str(msg.status);
        if (status !== undefined) this.emit({ type: 'status', status });
        return;
      }
      case 'compact_boundary': {
        const meta = obj(msg.compact_metadata);
        this.emit({ type: 'compact_boundary', trigger: str(meta?.trigger) ?? 'auto', preTokens: num(meta?.pre_tokens) ?? null });
        return;
      }
      case 'api_retry': {
        const status = num(msg.error_status);
        const error = str(msg.error) ?? 'api error';
        // Kept for the end: if our deadline stops claude mid-retry, this is why it never answered.
        this.outcome.retryCause = `${error}${status === undefined ? '' : ` (HTTP ${status})`}`;
        this.outcome.retryAuth = error === 'authentication_failed' || status === 401;
        this.emit({ type: 'status', status: 'retrying', detail: `${str(msg.error) ?? 'api error'}${status === undefined ? '' : ` (${status})`}` });
        return;
      }
      default:
        this.options.debug?.('claude: system subtype ignored', { subtype: msg.subtype });
    }
  }

  private onAssistant(msg: JsonObject): void {
    this.setSession(str(msg.session_id));
    const message = obj(msg.message);
    const content = arr(message?.content);
    if (content === undefined) return;
    const apiError = str(msg.error);
    if (apiError !== undefined && str(message?.model) === '<synthetic>') {
      // Synthetic error turn (not logged in, 401, 529…): its text is an error, not an answer.
      const text = content.map((b) => str(obj(b)?.text) ?? '').join('').trim();
      if (apiError === 'authentication_failed') this.outcome.authFailed = true;
      this.emit({ type: 'error', message: text === '' ? apiError : text, code: apiError });
      return;
    }
    for (const raw of content) {
      const block = obj(raw);
      if (block === undefined) continue;
      switch (block.type) {
        case 'text': {
          const text = str(block.text);
          // With --include-partial-messages the same text already arrived as deltas.
          if (text !== undefined && text !== '' && !this.streamedText) this.emit({ type: 'text_delta', text: this.accumulate(text, str(message?.id)) });
          break;
        }
        case 'tool_use': {
          const toolId = str(block.id);
          const event: NormalizedEvent = { type: 'tool_use', toolName: str(block.name) ?? 'tool', parameters: block.input };
          if (toolId !== undefined) event.toolId = toolId;
          this.emit(event);
          break;
        }
        case 'thinking': {
          const text = str(block.thinking) ?? str(block.text);
          if (text !== undefined && text !== '') this.emit({ type: 'thinking', text });
          break;
        }
        default:
          break;
      }
    }
  }

  private onUser(msg: JsonObject): void {
    const content = arr(obj(msg.message)?.content);
    if (content === undefined) return;
    for (const raw of content) {
      const block = obj(raw);
      if (block?.type !== 'tool_result') continue;
      const toolId = str(block.tool_use_id);
      if (toolId === undefined) continue;
      this.emit({ type: 'tool_result', toolId, status: block.is_error === true ? 'error' : 'success', output: toolResultText(block.content) });
    }
  }

  private onStreamEvent(msg: JsonObject): void {
    const event = obj(msg.event);
    if (event?.type !== 'content_block_delta') return;
    const delta = obj(event.delta);
    if (delta?.type === 'text_delta') {
      const text = str(delta.text);
      if (text !== undefined && text !== '') {
        this.streamedText = true;
        if (!this.outcome.sawResult) this.outcome.text.append(text);
        this.emit({ type: 'text_delta', text });
      }
    } else if (delta?.type === 'thinking_delta') {
      const text = str(delta.thinking);
      if (text !== undefined && text !== '') this.emit({ type: 'thinking', text });
    }
  }

  private onResult(msg: JsonObject): void {
    const o = this.outcome;
    this.setSession(str(msg.session_id));
    o.sawResult = true;
    const isError = msg.is_error === true || (str(msg.subtype) ?? 'success') !== 'success';
    const resultText = str(msg.result);
    const errors = (arr(msg.errors) ?? []).filter((e): e is string => typeof e === 'string');
    o.isError = isError;
    if (isError) {
      o.text.set('');
      o.errorMessage = resultText !== undefined && resultText !== '' ? resultText : errors.length > 0 ? errors.join('; ') : claudeEnded(str(msg.subtype));
    } else {
      // The answer is what was streamed when it ends with claude's final text (the result repeats
      // only the last message; the narration before the tools was shown and stays).
      const streamed = o.text.toString();
      if (resultText !== undefined && !(streamed !== '' && streamed.trimEnd().endsWith(resultText.trim()))) o.text.set(resultText);
      else if (streamed === '') o.text.set(resultText ?? '');
      o.errorMessage = null;
    }
    const usage = obj(msg.usage);
    o.usage = makeUsage(usage?.input_tokens, usage?.output_tokens, usage?.cache_read_input_tokens);
    o.costUsd = num(msg.total_cost_usd) ?? 0;
    o.durationMs = num(msg.duration_ms) ?? null;
    o.numTurns = num(msg.num_turns) ?? null;
  }

  private onControlRequest(msg: JsonObject): void {
    const requestId = str(msg.request_id);
    const request = obj(msg.request);
    if (requestId === undefined || request === undefined) return;
    // The answerer registers the request before anyone can see the event and answer it.
    this.options.onControlRequest?.(requestId, request);
    if (request.subtype !== 'can_use_tool') return;
    const toolName = str(request.display_name) ?? str(request.tool_name) ?? 'tool';
    this.emit({ type: 'approval_request', requestId, toolName, summary: summarizeToolInput(request), input: request.input ?? {} });
  }
}

function toolResultText(content: unknown): string {
  if (typeof content === 'string') return content;
  const blocks = arr(content);
  if (blocks === undefined) return '';
  return blocks.map((b) => str(obj(b)?.text) ?? '').join('');
}

/** One short line saying what the tool wants to do: the command, path or description. */
export function summarizeToolInput(request: JsonObject): string {
  const input = obj(request.input) ?? {};
  const file = str(input.file_path) ?? str(input.path);
  const oldText = str(input.old_string);
  const newText = str(input.new_string);
  // Edit / Write: the file and how big the change is.
  if (file !== undefined && oldText !== undefined && newText !== undefined) return clip(`${file} (−${lineCount(oldText)}/+${lineCount(newText)} lines)`, SUMMARY_MAX_CHARS);
  const content = str(input.content);
  if (file !== undefined && content !== undefined) return clip(`${file} (${lineCount(content)} lines)`, SUMMARY_MAX_CHARS);
  const pick = str(input.command) ?? str(input.file_path) ?? str(input.path) ?? str(input.url) ?? str(input.pattern) ?? str(request.description);
  if (pick !== undefined) return clip(pick.replace(/\s+/g, ' ').trim(), SUMMARY_MAX_CHARS);
  return clip(JSON.stringify(input), SUMMARY_MAX_CHARS);
}

function lineCount(text: string): number {
  return text === '' ? 0 : text.replace(/\n$/, '').split('\n').length;
}

/** The failure of a result line that says nothing more than its subtype. */
function claudeEnded(subtype: string | undefined): string {
  return subtype === undefined ? texts.claudeEndedWithError : texts.claudeEndedWith(subtype);
}
