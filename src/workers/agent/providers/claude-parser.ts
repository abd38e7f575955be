/** Claude Code `-p --output-format stream-json --verbose` lines → normalized events (spec/providers.md §2). */
import { makeUsage, type NormalizedEvent } from './events.js';
import { arr, clip, num, obj, str, type JsonObject } from './json-fields.js';
import { JsonStreamParser } from './json-stream-parser.js';
import { composeResult, type ParserOptions, type ProcessEnd } from './stream-parser.js';
import type { TurnResult } from './events.js';

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

  /** Text kept for a run that never prints its result line; messages are separated by a blank line. */
  private accumulate(text: string, messageId: string | undefined): void {
    if (this.outcome.sawResult) return;
    if (!this.outcome.text.isEmpty && messageId !== this.lastTextMessageId) this.outcome.text.append('\n\n');
    this.outcome.text.append(text);
    this.lastTextMessageId = messageId;
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
          if (text !== undefined && text !== '' && !this.streamedText) {
            this.accumulate(text, str(message?.id));
            this.emit({ type: 'text_delta', text });
          }
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
      o.errorMessage = resultText !== undefined && resultText !== '' ? resultText : errors.length > 0 ? errors.join('; ') : `claude ended with ${str(msg.subtype) ?? 'an error'}`;
    } else {
      o.text.set(resultText ?? '');
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
  const pick = str(input.command) ?? str(input.file_path) ?? str(input.path) ?? str(input.url) ?? str(input.pattern) ?? str(request.description);
  if (pick !== undefined) return clip(pick.replace(/\s+/g, ' ').trim(), SUMMARY_MAX_CHARS);
  return clip(JSON.stringify(input), SUMMARY_MAX_CHARS);
}
