/**
 * Messages that could not be decrypted: the log says so once per room (with the reason), and the
 * room gets one notice, so the person knows ductor did not read it. The event itself is not
 * dropped: the session keeps waiting for its key and hands it on if it decrypts later.
 */
import type { Logger } from '../../../shared/log/logger.js';

export type UndecryptableOptions = {
  log: Logger;
  /** The notice's text, in the configured language. */
  notice: (reason: string) => string;
  send: (roomId: string, content: Record<string, unknown>) => Promise<unknown>;
};

export class UndecryptableReports {
  private readonly reported = new Set<string>();

  constructor(private readonly options: UndecryptableOptions) {}

  report(roomId: string, eventId: string, reason: string): void {
    if (this.reported.has(roomId)) return;
    this.reported.add(roomId);
    this.options.log.warn({ roomId, eventId, reason }, 'a Matrix message could not be decrypted; further ones in this room are not logged');
    this.options.send(roomId, { msgtype: 'm.notice', body: this.options.notice(reason) }).catch((error: unknown) =>
      this.options.log.warn({ err: error, roomId }, 'could not tell the Matrix room about an undecryptable message'));
  }
}
