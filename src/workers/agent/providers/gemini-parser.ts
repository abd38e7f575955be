/** Gemini `--output-format stream-json` lines → normalized events (spec/providers.md §4). */
import { makeUsage, type NormalizedEvent, type TurnResult } from './events.js';
import { arr, obj, str, type JsonObject } from './json-fields.js';
import { JsonStreamParser } from './json-stream-parser.js';
import { composeResult, type ParserOptions, type ProcessEnd } from './stream-parser.js';

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
        const event: NormalizedEvent = { type: 'tool_use', toolName: str(msg.tool_name) ?? 'tool', parameters: msg.parameters };
        const toolId = str(msg.tool_id);
        if (toolId !== undefined) event.toolId = toolId;
        this.options.emit(event);
        return;
      }
      case 'tool_result': {
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

  finish(end: ProcessEnd): TurnResult {
    return composeResult(this.outcome, end, this.options.resumeSessionId, (_outcome, e) =>
      // No result line after a clean exit: an empty success (spec/providers.md §4).
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
      else if (block?.type === 'tool_use') this.options.emit({ type: 'tool_use', toolName: str(block.name) ?? 'tool', parameters: block.input });
    }
  }

  private addText(text: string): void {
    if (text === '') return;
    this.outcome.text.append(text);
    this.options.emit({ type: 'text_delta', text });
  }

  private onResult(msg: JsonObject): void {
    const o = this.outcome;
    this.setSession(str(msg.session_id));
    o.sawResult = true;
    const finalText = str(msg.response) ?? str(msg.output) ?? str(msg.result);
    if (finalText !== undefined && finalText !== '') o.text.set(finalText);
    const errorObj = obj(msg.error);
    o.isError = str(msg.status) === 'error' || msg.is_error === true || errorObj !== undefined;
    o.errorMessage = o.isError ? str(errorObj?.message) ?? this.lastError ?? 'Gemini reported an error' : null;
    const stats = obj(msg.stats);
    o.usage = makeUsage(stats?.input_tokens ?? stats?.input, stats?.output_tokens, stats?.cached);
    const duration = stats?.duration_ms;
    o.durationMs = typeof duration === 'number' ? duration : null;
  }
}
