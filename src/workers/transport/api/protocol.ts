/** Frames of the WebSocket API and the HTTP answers, checked with zod. */
import * as z from 'zod/mini';
import '../../../shared/zod-english.js';
import { PUBLIC_KEY_BYTES, decodeBase64 } from './crypto.js';
import type { ApiButton } from './shown-messages.js';

/** Close codes in the private range (4000–4999) so clients can tell why the server hung up. */
export const CLOSE_AUTH_FAILED = 4001;
export const CLOSE_AUTH_TIMEOUT = 4002;
export const CLOSE_BAD_FRAME = 4003;
export const CLOSE_SHUTDOWN = 1001;

const PublicKeySchema = z.string().check(
  z.maxLength(100),
  z.refine((v) => decodeBase64(v)?.length === PUBLIC_KEY_BYTES, 'e2e_pk must be a base64 X25519 public key'),
);
const IdSchema = z.int().check(z.gte(-(2 ** 52)), z.lte(2 ** 52));

/** The only plaintext frame a client sends. */
export const AuthFrameSchema = z.strictObject({
  type: z.literal('auth'),
  token: z.string().check(z.maxLength(512)),
  e2e_pk: PublicKeySchema,
  chat_id: z.optional(IdSchema),
  channel_id: z.optional(z.nullable(IdSchema)),
});
export type AuthFrame = z.infer<typeof AuthFrameSchema>;

/** What a client may send inside the box. */
export const ClientFrameSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('message'), text: z.string().check(z.minLength(1), z.maxLength(100_000)) }),
  z.strictObject({ type: z.literal('abort') }),
  /** A button of a message this session was shown (`result` or `message_update`). */
  z.strictObject({ type: z.literal('press'), message_id: IdSchema, button_id: z.string().check(z.minLength(1), z.maxLength(32)) }),
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;

export type ResultFile = { path: string; name: string; is_image: boolean };

export type ServerFrame =
  | { type: 'text_delta'; data: string }
  | { type: 'tool_activity'; data: string }
  | { type: 'system_status'; data: string }
  /** `kind` (answer, error, aborted, notice) is ours: the original sends every final message as a result. */
  | { type: 'result'; message_id: number; text: string; stream_fallback: boolean; files: ResultFile[]; kind: string; buttons: ApiButton[][] }
  /** An earlier `result` shown anew: an approval's choice, a model's chosen answer, a selector's next step. */
  | { type: 'message_update'; message_id: number; text: string; buttons: ApiButton[][] }
  | { type: 'press_ok'; message_id: number; button_id: string }
  | { type: 'abort_ok'; killed: number }
  | { type: 'error'; code: string; message: string };

export const FilesQuerySchema = z.object({ path: z.string().check(z.minLength(1), z.maxLength(4096)) });
