/** What the three CLI parsers share: one JSON line in, its object dispatched, the turn-complete flag. */
import type { ProviderName, TurnResult } from './events.js';
import { clip, parseJsonObject, type JsonObject } from './json-fields.js';
import { emptyOutcome, type ParserOptions, type ProcessEnd, type StreamOutcome, type StreamParser } from './stream-parser.js';

/** How much of a skipped noise line the debug log keeps. */
const NOISE_LOG_CHARS = 200;

export abstract class JsonStreamParser<Options extends ParserOptions = ParserOptions> implements StreamParser {
  protected readonly outcome: StreamOutcome;

  constructor(
    provider: ProviderName,
    protected readonly options: Options,
  ) {
    this.outcome = emptyOutcome(provider);
  }

  get turnComplete(): boolean {
    return this.outcome.sawResult;
  }

  parseLine(line: string): void {
    const msg = parseJsonObject(line);
    if (msg !== null) this.parseObject(msg);
    else if (line.trim() !== '') this.options.debug?.(`${this.outcome.provider}: non-JSON line skipped`, { line: clip(line, NOISE_LOG_CHARS) });
  }

  abstract parseObject(msg: JsonObject): void;

  abstract finish(end: ProcessEnd): TurnResult;

  /** Records the CLI's session id and reports it once; an empty or repeated id changes nothing. */
  protected setSession(sessionId: string | undefined, model?: string): void {
    if (sessionId === undefined || sessionId === '' || sessionId === this.outcome.sessionId) return;
    this.outcome.sessionId = sessionId;
    this.options.emit(model === undefined ? { type: 'session', sessionId } : { type: 'session', sessionId, model });
  }
}
