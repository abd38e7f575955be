/**
 * The model side of a real `gemini` run in tests. Gemini needs no server: its hidden
 * `--fake-responses-non-strict <file>` flag (what gemini-cli's own integration tests use) replays
 * scripted `generateContentStream` replies, one JSON line per model call:
 * `{"method":"generateContentStream","response":[GenerateContentResponse chunks]}`.
 * Tools named in a reply run for real in the CLI. The fake generator does not expose the requests,
 * so the conversation a resumed run sent is checked in gemini's own chat recording instead
 * (`geminiChatRecords`).
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type GeminiReply =
  /** Text, streamed as one chunk per element. */
  | { kind: 'text'; chunks: string[] }
  /** One function call (e.g. `run_shell_command` with `{command}`), optionally after text. */
  | { kind: 'function_call'; name: string; args: Record<string, unknown>; text?: string };

export const GEMINI_MOCK_USAGE = { prompt: 80, candidates: 12 };

function chunk(parts: object[], finish: boolean): object {
  return {
    candidates: [{ content: { role: 'model', parts }, index: 0, ...(finish ? { finishReason: 'STOP' } : {}) }],
    ...(finish
      ? { usageMetadata: { promptTokenCount: GEMINI_MOCK_USAGE.prompt, candidatesTokenCount: GEMINI_MOCK_USAGE.candidates, totalTokenCount: GEMINI_MOCK_USAGE.prompt + GEMINI_MOCK_USAGE.candidates } }
      : {}),
  };
}

/** One line of the fake-responses file. */
export function geminiResponseLine(reply: GeminiReply): string {
  let chunks: object[];
  if (reply.kind === 'text') {
    chunks = reply.chunks.map((text, i) => chunk([{ text }], i === reply.chunks.length - 1));
  } else {
    chunks = [];
    if (reply.text !== undefined && reply.text !== '') chunks.push(chunk([{ text: reply.text }], false));
    chunks.push(chunk([{ functionCall: { name: reply.name, args: reply.args } }], true));
  }
  return JSON.stringify({ method: 'generateContentStream', response: chunks });
}

/** Writes a fake-responses file holding the replies in call order; returns its path. */
export async function writeGeminiResponses(dir: string, name: string, replies: GeminiReply[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${name}.responses.jsonl`);
  await writeFile(file, `${replies.map(geminiResponseLine).join('\n')}\n`);
  return file;
}

/**
 * An isolated gemini user config under `home/.gemini`: no telemetry, no usage statistics, no
 * update check or nag, API-key auth selected (the key itself is a dummy; no request leaves).
 */
export async function writeGeminiSettings(home: string): Promise<void> {
  const dir = join(home, '.gemini');
  await mkdir(dir, { recursive: true });
  const settings = {
    general: { enableAutoUpdate: false, enableAutoUpdateNotification: false, disableAutoUpdate: true, disableUpdateNag: true },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    security: { auth: { selectedType: 'gemini-api-key' } },
  };
  await writeFile(join(dir, 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
}

export type GeminiChatMessage = { type?: string; content?: unknown };

/** The messages of every chat gemini recorded under `home/.gemini/tmp/…/chats/`. */
export async function geminiChatRecords(home: string): Promise<Array<{ sessionId: string; messages: GeminiChatMessage[] }>> {
  const out: Array<{ sessionId: string; messages: GeminiChatMessage[] }> = [];
  for (const file of await findFiles(join(home, '.gemini', 'tmp'), (path) => /\/chats\/[^/]+\.jsonl?$/.test(path))) {
    const raw = await readFile(file, 'utf8');
    for (const doc of parseRecords(raw)) {
      const sessionId = typeof doc.sessionId === 'string' ? doc.sessionId : '';
      const messages = Array.isArray(doc.messages) ? (doc.messages as GeminiChatMessage[]) : [];
      out.push({ sessionId, messages });
    }
  }
  return out;
}

/** A chat file is one JSON document, or (newer builds) JSON lines; both are read. */
function parseRecords(raw: string): Array<Record<string, unknown>> {
  try {
    return [JSON.parse(raw) as Record<string, unknown>];
  } catch {
    const lines = raw.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
    const head = lines.find((l) => typeof l.sessionId === 'string') ?? {};
    return [{ ...head, messages: lines.filter((l) => typeof l.type === 'string') }];
  }
}

/** Text of a recorded message's content (a string or parts with `text`). */
export function chatText(message: GeminiChatMessage): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p: { text?: unknown }) => (typeof p.text === 'string' ? p.text : '')).join('');
  return '';
}

async function findFiles(dir: string, match: (path: string) => boolean): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await findFiles(full, match)));
    else if (match(full)) found.push(full);
  }
  return found;
}

/**
 * A loopback Gemini API that fails every call with one HTTP error, as Google words it (gemini reads
 * its endpoint from GOOGLE_GEMINI_BASE_URL). For the error paths --fake-responses cannot reach:
 * a rejected API key (400 API_KEY_INVALID) and rate limiting (429 RESOURCE_EXHAUSTED).
 */
export async function startGeminiErrorMock(kind: 'bad_key' | 'rate_limited'): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  const { createServer } = await import('node:http');
  let hits = 0;
  const body =
    kind === 'bad_key'
      ? { error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT', details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } }] } }
      : { error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits++;
      res.writeHead(body.error.code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
