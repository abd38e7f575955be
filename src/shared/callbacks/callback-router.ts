/**
 * Button handlers registered by kind, in the manner of a bot framework's `callbackQuery`: each
 * process registers what it answers, and `dispatch` finds the one handler for a press. A kind
 * with no handler here is not this process's to answer (the caller decides what that means).
 */
import { decodeCallback, type CallbackKind } from './callback-data.js';

export type CallbackHandler<Context, Result> = (payload: string, context: Context) => Result | Promise<Result>;

export class CallbackRouter<Context, Result> {
  private readonly handlers = new Map<CallbackKind, CallbackHandler<Context, Result>>();

  /** Registers the handler of one kind; a second registration of the same kind is a programming error. */
  on(kind: CallbackKind, handler: CallbackHandler<Context, Result>): this {
    if (this.handlers.has(kind)) throw new Error(`a handler for ${kind} buttons is already registered`);
    this.handlers.set(kind, handler);
    return this;
  }

  handles(data: string): boolean {
    return this.handlers.has(decodeCallback(data).kind);
  }

  /** Runs the handler of the press's kind; `undefined` when none is registered here. */
  async dispatch(data: string, context: Context): Promise<Result | undefined> {
    const { kind, payload } = decodeCallback(data);
    const handler = this.handlers.get(kind);
    return handler ? handler(payload, context) : undefined;
  }
}
