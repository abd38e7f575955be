/**
 * A loopback stand-in for the OpenAI Responses API, for running the real `codex` CLI in tests as a
 * custom model provider (see `codexMockConfig`). It answers `POST /v1/responses` with SSE
 * (response.created, response.output_item.added/done, response.output_text.delta,
 * response.completed with usage), records every request, and lets the test script each reply.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { openEventStream, readBodyText, sendJson } from './http-mock.js';

export type OpenAiReply =
  | { kind: 'text'; text: string; reasoning?: string }
  /** A function call (codex's shell tool is `exec_command` with `{"cmd": …}`), optionally after a preamble text. */
  | { kind: 'function_call'; name: string; arguments: Record<string, unknown>; text?: string }
  | { kind: 'error'; status: number; message: string; code?: string }
  /**
   * Output items in order: assistant messages (with the Responses API's optional `phase`,
   * commentary or final_answer) and function calls. An empty list is a turn with no output.
   */
  | { kind: 'items'; items: OpenAiOutputItem[] }
  /** response.created, then nothing until the client goes away (or the mock closes). */
  | { kind: 'hang' };

export type OpenAiOutputItem =
  | { type: 'message'; text: string; phase?: 'commentary' | 'final_answer' }
  | { type: 'function_call'; name: string; arguments: Record<string, unknown> };

export type OpenAiInputItem = {
  type?: string;
  role?: string;
  content?: string | Array<{ type?: string; text?: string }>;
  output?: unknown;
  call_id?: string;
  name?: string;
};

export type OpenAiRequestBody = {
  model?: string;
  stream?: boolean;
  instructions?: string;
  input?: OpenAiInputItem[];
  tools?: unknown[];
};

export type OpenAiRequest = {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: OpenAiRequestBody | null;
};

export type OpenAiMock = {
  url: string;
  /** `<url>/v1`, the provider's base_url. */
  baseUrl: string;
  requests: OpenAiRequest[];
  /** The `POST /v1/responses` requests, in arrival order. */
  responseRequests(): OpenAiRequest[];
  close(): Promise<void>;
};

export type OpenAiMockOptions = {
  reply?: (req: OpenAiRequest, index: number) => OpenAiReply;
};

export const MOCK_USAGE = { input: 100, cached: 0, output: 20 };

export async function startOpenAiMock(options: OpenAiMockOptions = {}): Promise<OpenAiMock> {
  const requests: OpenAiRequest[] = [];
  let index = 0;
  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(error), type: 'server_error' } }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBodyText(req);
    let body: OpenAiRequestBody | null = null;
    try {
      body = raw === '' ? null : (JSON.parse(raw) as OpenAiRequestBody);
    } catch {
      body = null;
    }
    const recorded: OpenAiRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
    requests.push(recorded);
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (req.method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, { object: 'list', data: [] });
    }
    if (req.method !== 'POST' || path !== '/v1/responses' || body === null) {
      return sendJson(res, 404, { error: { message: `mock: no route for ${req.method} ${req.url}`, type: 'invalid_request_error' } });
    }
    const reply: OpenAiReply = options.reply === undefined ? { kind: 'text', text: 'Hello from the mock.' } : options.reply(recorded, index++);
    if (reply.kind === 'error') {
      return sendJson(res, reply.status, { error: { message: reply.message, type: 'invalid_request_error', code: reply.code ?? null } });
    }
    const responseId = `resp_mock_${randomBytes(8).toString('hex')}`;
    const model = body.model ?? 'gpt-5.5';
    openEventStream(res);
    let sequence = 0;
    const send = (type: string, data: object): void => {
      res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...data })}\n\n`);
    };
    const response = (status: string, output: object[], usage: object | null): object => ({
      id: responseId,
      object: 'response',
      created_at: Math.floor(Date.now() / 1000),
      status,
      model,
      output,
      usage,
    });
    send('response.created', { response: response('in_progress', [], null) });
    if (reply.kind === 'hang') return;
    const output: object[] = [];
    const addItem = (item: Record<string, unknown>, stream?: () => void): void => {
      const outputIndex = output.length;
      send('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress' } });
      stream?.();
      const done = { ...item, status: 'completed' };
      send('response.output_item.done', { output_index: outputIndex, item: done });
      output.push(done);
    };
    const addFunctionCall = (name: string, args: Record<string, unknown>): void => {
      addItem({
        type: 'function_call',
        id: `fc_mock_${randomBytes(6).toString('hex')}`,
        call_id: `call_mock_${randomBytes(6).toString('hex')}`,
        name,
        arguments: JSON.stringify(args),
      });
    };
    const addMessage = (text: string, phase?: string): void => {
      const id = `msg_mock_${randomBytes(6).toString('hex')}`;
      const outputIndex = output.length;
      const cut = Math.ceil(text.length / 2);
      addItem({ type: 'message', id, role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }], ...(phase === undefined ? {} : { phase }) }, () => {
        for (const delta of [text.slice(0, cut), text.slice(cut)]) {
          if (delta !== '') send('response.output_text.delta', { item_id: id, output_index: outputIndex, content_index: 0, delta });
        }
      });
    };
    if (reply.kind === 'text') {
      if (reply.reasoning !== undefined) {
        addItem({ type: 'reasoning', id: `rs_mock_${randomBytes(6).toString('hex')}`, summary: [{ type: 'summary_text', text: reply.reasoning }] });
      }
      addMessage(reply.text);
    } else if (reply.kind === 'items') {
      for (const item of reply.items) {
        if (item.type === 'message') addMessage(item.text, item.phase);
        else addFunctionCall(item.name, item.arguments);
      }
    } else {
      if (reply.text !== undefined && reply.text !== '') addMessage(reply.text);
      addFunctionCall(reply.name, reply.arguments);
    }
    send('response.completed', {
      response: response('completed', output, {
        input_tokens: MOCK_USAGE.input,
        input_tokens_details: { cached_tokens: MOCK_USAGE.cached },
        output_tokens: MOCK_USAGE.output,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: MOCK_USAGE.input + MOCK_USAGE.output,
      }),
    });
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseUrl: `${url}/v1`,
    requests,
    responseRequests: () => requests.filter((r) => r.method === 'POST' && r.url.split('?')[0] === '/v1/responses'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Env var codex reads the mock provider's (dummy) key from. */
export const CODEX_MOCK_KEY_ENV = 'DUCTOR_MOCK_OPENAI_KEY';

/**
 * `config.toml` for a throwaway CODEX_HOME: the mock as the default model provider, no retries
 * (a failing test fails fast), no update check, no analytics or feedback upload, no plugin sync.
 */
export function codexMockConfig(baseUrl: string, model = 'gpt-5.5'): string {
  return [
    `model = "${model}"`,
    'model_provider = "ductor_mock"',
    'check_for_update_on_startup = false',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[feedback]',
    'enabled = false',
    '',
    // Seen through the egress trap: without these, 0.169 syncs its curated plugins from github.com
    // and chatgpt.com on every start.
    '[features]',
    'plugins = false',
    'remote_plugin = false',
    'plugin_sharing = false',
    'apps = false',
    'in_app_updates = false',
    '',
    '[model_providers.ductor_mock]',
    'name = "ductor mock"',
    `base_url = "${baseUrl}"`,
    'wire_api = "responses"',
    `env_key = "${CODEX_MOCK_KEY_ENV}"`,
    'request_max_retries = 0',
    'stream_max_retries = 0',
    'supports_websockets = false',
    '',
  ].join('\n');
}

/** Every user text a Responses request carries, in order (the conversation the model sees). */
export function userTexts(body: OpenAiRequestBody | null): string[] {
  return (body?.input ?? []).filter((item) => item.role === 'user').flatMap((item) => contentTexts(item.content));
}

/** Every assistant text a Responses request carries (earlier turns' answers), in order. */
export function assistantTexts(body: OpenAiRequestBody | null): string[] {
  return (body?.input ?? []).filter((item) => item.role === 'assistant').flatMap((item) => contentTexts(item.content));
}

/** The output of the function call answered in this request, if any (the tool ran). */
export function functionCallOutput(body: OpenAiRequestBody | null): string | null {
  const item = (body?.input ?? []).findLast((i) => i.type === 'function_call_output');
  if (item === undefined) return null;
  return typeof item.output === 'string' ? item.output : JSON.stringify(item.output);
}

function contentTexts(content: OpenAiInputItem['content']): string[] {
  if (typeof content === 'string') return [content];
  return (content ?? []).map((part) => part.text ?? '').filter((text) => text !== '');
}
