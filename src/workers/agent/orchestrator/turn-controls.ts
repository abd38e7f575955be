/**
 * Per chat lane: the running turn's interrupt switch (`/interrupt`, `esc`: SIGINT to the CLI, the
 * session and the queue go on), and the reply a `/stop_all` leaves for the turn it stopped there,
 * so the chat gets one answer instead of "Stopped" twice.
 */
export class TurnControls {
  private readonly interrupts = new Map<string, AbortController>();
  private readonly notes = new Map<string, Promise<string>>();

  /** A turn starts in `lane`: its interrupt signal. */
  begin(lane: string): AbortSignal {
    const controller = new AbortController();
    this.interrupts.set(lane, controller);
    return controller.signal;
  }

  end(lane: string, signal: AbortSignal): void {
    if (this.interrupts.get(lane)?.signal === signal) this.interrupts.delete(lane);
  }

  /** Interrupts the lane's running turn; false when none runs (or it was interrupted already). */
  interrupt(lane: string): boolean {
    const controller = this.interrupts.get(lane);
    if (controller === undefined || controller.signal.aborted) return false;
    controller.abort();
    return true;
  }

  /** The stopped turn of `lane` will answer with the text given to the returned function. */
  leaveNote(lane: string): (text: string) => void {
    let give!: (text: string) => void;
    this.notes.set(lane, new Promise<string>((resolve) => (give = resolve)));
    return give;
  }

  /** The note left for the lane's stopped turn, once; null when none was left. */
  takeNote(lane: string): Promise<string | null> {
    const note = this.notes.get(lane);
    this.notes.delete(lane);
    return note ?? Promise.resolve(null);
  }
}
