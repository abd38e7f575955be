/** Codex `exec --json` ThreadEvent lines → normalized events, with the thinking-aloud filter. */
import { makeUsage, type NormalizedEvent, type TurnResult } from './events.js';
import { clip, obj, str, type JsonObject } from './json-fields.js';
import { unwrapApiError } from './failure-text.js';
import { JsonStreamParser } from './json-stream-parser.js';
import { composeResult, type ParserOptions, type ProcessEnd } from './stream-parser.js';
import { texts } from '../orchestrator/texts.js';

/** Lines codex prints whenever stdin is not a TTY; noise for the user. */
const STDIN_NOTICE = /^Reading (prompt|additional input) from stdin.*$/gm;
/**
 * codex 0.169 warns on every start when CODEX_HOME lies under a temp dir ("WARNING: proceeding, even
 * though we could not create PATH aliases: …"); seen with the real CLI, it is no part of a failure.
 */
const PATH_ALIAS_WARNING = /^WARNING: proceeding, even though we could not create PATH aliases.*$/gm;

export function stripCodexNotices(text: string): string {
  return text.replace(STDIN_NOTICE, '').replace(PATH_ALIAS_WARNING, '').trim();
}

export class CodexParser extends JsonStreamParser {
  /** Assistant text held back until we know it is not narration before a tool call. */
  private buffered: string | null = null;
  /**
   * The last agent message, when a tool item came after it and no message since: if the turn
   * completes without another message, it was the answer after all (e.g. a final message followed
   * by a `collab_tool_call` that closes a helper agent).
   */
  private heldAsNarration: string | null = null;
  /** codex named a message `phase: final_answer`: the phase decides, not the position. */
  private sawFinalPhase = false;
  /** The last `phase: commentary` message: the answer of last resort when nothing else was said. */
  private lastCommentary: string | null = null;
  private readonly toolIds = new Set<string>();
  private lastFailure: string | null = null;

  constructor(options: ParserOptions) {
    super('codex', options);
  }

  parseObject(msg: JsonObject): void {
    const type = msg.type;
    switch (type) {
      case 'thread.started':
        return this.setSession(str(msg.thread_id));
      case 'turn.started':
        return;
      case 'item.started':
      case 'item.updated':
      case 'item.completed': {
        const item = obj(msg.item);
        if (item !== undefined) this.onItem(type, item);
        return;
      }
      case 'turn.completed': {
        this.flush();
        // The turn's answer is its last agent message, even when tool items came after it.
        if (!this.sawFinalPhase && this.heldAsNarration !== null) this.appendText(this.heldAsNarration);
        else if (this.outcome.text.isEmpty && this.lastCommentary !== null) this.appendText(this.lastCommentary);
        this.heldAsNarration = null;
        const usage = obj(msg.usage);
        this.outcome.usage = makeUsage(usage?.input_tokens, usage?.output_tokens, usage?.cached_input_tokens);
        this.outcome.sawResult = true;
        this.outcome.isError = false;
        this.outcome.errorMessage = null;
        return;
      }
      case 'turn.failed': {
        this.flush();
        const given = str(obj(msg.error)?.message);
        const message = given === undefined ? this.lastFailure ?? texts.codexTurnFailed : unwrapApiError(given);
        this.outcome.sawResult = true;
        this.outcome.isError = true;
        this.outcome.errorMessage = message;
        this.lastFailure = message;
        return;
      }
      case 'error': {
        const message = str(msg.message) ?? 'error';
        if (message.startsWith('Reconnecting')) {
          this.emitOther({ type: 'status', status: 'reconnecting', detail: message });
          return;
        }
        this.lastFailure = unwrapApiError(message);
        this.emitOther({ type: 'error', message: this.lastFailure });
        return;
      }
      default:
        this.options.debug?.('codex: event type ignored', { type });
    }
  }

  finish(end: ProcessEnd): TurnResult {
    this.flush();
    return composeResult(this.outcome, end, this.options.resumeSessionId, (outcome, e, stderr) => {
      if (e.exitCode === 0) {
        return !outcome.text.isEmpty
          ? { isError: false, errorMessage: null }
          : { isError: true, errorMessage: texts.codexNoFinal };
      }
      // Killed by a signal with nothing said in the stream: name the signal.
      if (e.signal !== null && this.lastFailure === null) return { isError: true, errorMessage: null };
      // Precedence: in-stream failure → text → stderr → "(no output)".
      const message = this.lastFailure ?? (outcome.text.isEmpty ? null : outcome.text.toString()) ?? (stripCodexNotices(stderr) || texts.cliNoOutput);
      return { isError: true, errorMessage: message };
    });
  }

  private onItem(phase: string, item: JsonObject): void {
    const itemType = str(item.type) ?? '';
    const id = str(item.id);
    switch (itemType) {
      case 'agent_message': {
        if (phase !== 'item.completed') return; // started/updated would repeat the same text
        const text = str(item.text);
        if (text === undefined || text === '' || text.startsWith('<thinking>')) return;
        this.flush();
        this.heldAsNarration = null;
        // Newer codex builds name the message's role in the turn; without it, position decides.
        const messagePhase = str(item.phase);
        if (messagePhase === 'commentary') {
          this.lastCommentary = text;
          this.options.emit({ type: 'thinking', text });
        } else if (messagePhase === 'final_answer') {
          this.sawFinalPhase = true;
          this.appendText(text);
        } else {
          this.buffered = text;
        }
        return;
      }
      case 'reasoning': {
        if (phase !== 'item.completed') return;
        const text = str(item.text);
        if (text !== undefined && text !== '') this.options.emit({ type: 'thinking', text });
        return;
      }
      case 'error': {
        const message = str(item.message);
        if (message !== undefined && phase === 'item.completed') this.emitOther({ type: 'error', message });
        return;
      }
      default:
        break;
    }
    const toolName = toolNameOf(itemType, item);
    if (toolName === undefined) {
      this.options.debug?.('codex: item type ignored', { itemType });
      return;
    }
    if (phase !== 'item.updated' && (id === undefined || !this.toolIds.has(id))) {
      if (id !== undefined) this.toolIds.add(id);
      this.outcome.text.breakBlock();
      // Narration right before a tool call is thinking aloud, not an answer: hold it back from
      // the stream, but keep it in case the turn ends without another message.
      if (this.buffered !== null) this.heldAsNarration = this.buffered;
      this.buffered = null;
      const event: NormalizedEvent = { type: 'tool_use', toolName, parameters: toolParameters(item) };
      if (id !== undefined) event.toolId = id;
      this.options.emit(event);
    }
    if (phase === 'item.completed' && id !== undefined && (itemType === 'command_execution' || itemType === 'mcp_tool_call')) {
      const failed = str(item.status) === 'failed' || obj(item.error) !== undefined;
      const output = str(item.aggregated_output) ?? str(obj(item.error)?.message) ?? '';
      this.options.emit({ type: 'tool_result', toolId: id, status: failed ? 'error' : 'success', output });
    }
  }

  /** Emits a non-thinking event, handing over held-back text first so the order stays true. */
  private emitOther(event: NormalizedEvent): void {
    this.flush();
    this.options.emit(event);
  }

  private flush(): void {
    if (this.buffered === null) return;
    const text = this.buffered;
    this.buffered = null;
    this.appendText(text);
  }

  /** Adds one agent message to the answer and streams it (messages are joined by a line break). */
  private appendText(text: string): void {
    this.options.emit({ type: 'text_delta', text: this.outcome.text.appendDelta(text, '\n') });
  }
}

/** The tool name codex's item types stand for; undefined for items that are no tool. */
function toolNameOf(itemType: string, item: JsonObject): string | undefined {
  // A switch compares the few names directly, where an object lookup keyed by a string fresh
  // from JSON.parse has to hash it first (that lookup was 1-2 % of the codex parser's profile).
  switch (itemType) {
    case 'command_execution':
      return 'Bash';
    case 'file_change':
      return 'Edit';
    case 'web_search':
      return 'WebSearch';
    case 'todo_list':
      return 'TodoWrite';
    case 'mcp_tool_call':
      return str(item.name) ?? str(item.tool_name) ?? str(item.tool) ?? 'MCP';
    case 'collab_tool_call':
      return str(item.name) ?? str(item.tool_name) ?? str(item.tool) ?? 'Agent';
    default:
      return undefined;
  }
}

function toolParameters(item: JsonObject): unknown {
  const given = item.arguments ?? item.parameters ?? item.input;
  if (given !== undefined) return given;
  const command = str(item.command);
  if (command !== undefined) return { command };
  const path = str(item.path);
  if (path !== undefined) return { path };
  if (Array.isArray(item.changes)) return { changes: item.changes };
  const query = str(item.query);
  if (query !== undefined) return { query };
  return undefined;
}
