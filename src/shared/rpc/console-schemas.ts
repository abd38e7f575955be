/** Payloads of the local console channel (`ductor chat`): terminal ↔ supervisor ↔ transport. */
import * as z from 'zod/mini';
import '../zod-english.js';
import { lazySchema } from '../lazy-schema.js';
import { ButtonSchema } from './conversation-schemas.js';

/** What the transport shows on a console: stream pieces, final messages, queue states. */
export const ConsoleOutputSchema = lazySchema(() => z.object({
  consoleId: z.int().check(z.positive()),
  event: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('text'), text: z.string() }),
    z.object({ kind: z.literal('status'), text: z.string() }),
    z.object({
      kind: z.literal('message'),
      text: z.string(),
      /** True when the text repeats what was already streamed to the console. */
      streamed: z.boolean(),
      buttons: z.array(z.array(ButtonSchema)),
    }),
    z.object({ kind: z.literal('queue'), outcome: z.string() }),
  ]),
}));
export type ConsoleOutput = z.infer<typeof ConsoleOutputSchema>;
