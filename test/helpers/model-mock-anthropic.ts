/**
 * A loopback stand-in for the Anthropic Messages API, for running the real `claude` CLI in tests
 * (ANTHROPIC_BASE_URL=<url>, a dummy ANTHROPIC_API_KEY). It answers `POST /v1/messages` with SSE
 * (message_start, content_block_*, message_delta, message_stop) or plain JSON when `stream` is
 * false, records every request, and lets the test script each reply from the request it answers.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { openEventStream, readBodyText, sendJson } from './http-mock.js';

export type AnthropicReply =
  | { kind: 'text'; text: string }
  /** Optional text before the tool call, then one tool_use block (stop_reason tool_use). */
  | { kind: 'tool_use'; name: string; input: Record<string, unknown>; text?: string }
  | { kind: 'error'; status: number; errorType: string; message: string }
  /** Headers and message_start, then nothing until the client goes away (or the mock closes). */
  | { kind: 'hang' };

export type AnthropicRequest = {
  method: string;
  /** Path with query, e.g. `/v1/messages?beta=true`. */
  url: string;
  headers: IncomingMessage['headers'];
  body: AnthropicMessagesBody | null;
  /** The CLI's agent requests carry the tool list; its side requests (titles, topics) do not. */
  isAgent: boolean;
};

export type AnthropicMessage = { role: string; content: string | Array<{ type: string; text?: string; content?: unknown; tool_use_id?: string; is_error?: boolean; name?: string; input?: unknown; id?: string }> };

export type AnthropicMessagesBody = {
  model?: string;
  stream?: boolean;
  tools?: unknown[];
  messages?: AnthropicMessage[];
  system?: unknown;
};

export type AnthropicMock = {
  url: string;
  requests: AnthropicRequest[];
  /** Requests that carried tools, in arrival order. */
  agentRequests(): AnthropicRequest[];
  close(): Promise<void>;
};

export type AnthropicMockOptions = {
  /** Reply to an agent request (one with tools). Default: a fixed text. */
  agent?: (req: AnthropicRequest, index: number) => AnthropicReply;
  /** Reply to a side request (no tools). Default: a short text. */
  side?: (req: AnthropicRequest) => AnthropicReply;
};

const USAGE_INPUT = 120;

export async function startAnthropicMock(options: AnthropicMockOptions = {}): Promise<AnthropicMock> {
  const requests: AnthropicRequest[] = [];
  let agentIndex = 0;
  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: String(error) } }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBodyText(req);
    let body: AnthropicMessagesBody | null = null;
    try {
      body = raw === '' ? null : (JSON.parse(raw) as AnthropicMessagesBody);
    } catch {
      body = null;
    }
    const path = (req.url ?? '').split('?')[0] ?? '';
    const isAgent = Array.isArray(body?.tools) && body.tools.length > 0;
    const recorded: AnthropicRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, isAgent };
    requests.push(recorded);

    if (req.method === 'POST' && path === '/v1/messages/count_tokens') {
      return sendJson(res, 200, { input_tokens: USAGE_INPUT });
    }
    if (req.method !== 'POST' || path !== '/v1/messages' || body === null) {
      return sendJson(res, 404, { type: 'error', error: { type: 'not_found_error', message: `mock: no route for ${req.method} ${req.url}` } });
    }
    const reply = isAgent
      ? (options.agent ?? (() => ({ kind: 'text', text: 'Hello from the mock.' })))(recorded, agentIndex++)
      : (options.side ?? (() => ({ kind: 'text', text: 'Mock title' })))(recorded);
    const model = body.model ?? 'claude-sonnet-4-5-20250929';
    if (reply.kind === 'error') {
      return sendJson(res, reply.status, { type: 'error', error: { type: reply.errorType, message: reply.message } });
    }
    if (reply.kind === 'hang') {
      openEventStream(res);
      res.write(`event: message_start\ndata: ${JSON.stringify({ type: 'message_start', message: { id: 'msg_mock_hang', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: USAGE_INPUT, output_tokens: 1 } } })}\n\n`);
      return;
    }
    const blocks = contentBlocks(reply);
    const stopReason = reply.kind === 'tool_use' ? 'tool_use' : 'end_turn';
    const outputTokens = 20 + blocks.length;
    const id = `msg_mock_${randomBytes(8).toString('hex')}`;
    if (body.stream !== true) {
      return sendJson(res, 200, {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: blocks,
        stop_reason: stopReason,
        stop_sequence: null,
        usage: { input_tokens: USAGE_INPUT, output_tokens: outputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      });
    }
    openEventStream(res, { 'request-id': `req_${id}` });
    const send = (event: string, data: object): void => {
      res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
    };
    send('message_start', {
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: USAGE_INPUT, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      },
    });
    blocks.forEach((block, index) => {
      if (block.type === 'text') {
        send('content_block_start', { index, content_block: { type: 'text', text: '' } });
        // Two deltas, so the CLI really concatenates.
        const cut = Math.ceil(block.text.length / 2);
        for (const part of [block.text.slice(0, cut), block.text.slice(cut)]) {
          if (part !== '') send('content_block_delta', { index, delta: { type: 'text_delta', text: part } });
        }
      } else {
        send('content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
        send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } });
      }
      send('content_block_stop', { index });
    });
    send('message_delta', { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: outputTokens } });
    send('message_stop', {});
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    agentRequests: () => requests.filter((r) => r.isAgent),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Block = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

function contentBlocks(reply: Extract<AnthropicReply, { kind: 'text' | 'tool_use' }>): Block[] {
  if (reply.kind === 'text') return [{ type: 'text', text: reply.text }];
  const blocks: Block[] = [];
  if (reply.text !== undefined && reply.text !== '') blocks.push({ type: 'text', text: reply.text });
  blocks.push({ type: 'tool_use', id: `toolu_mock_${randomBytes(8).toString('hex')}`, name: reply.name, input: reply.input });
  return blocks;
}

/** The text of every message of a request, in order (strings and text/tool_result blocks). */
export function transcriptOf(body: AnthropicMessagesBody | null): string[] {
  const out: string[] = [];
  for (const message of body?.messages ?? []) {
    if (typeof message.content === 'string') {
      out.push(`${message.role}: ${message.content}`);
      continue;
    }
    for (const block of message.content) {
      if (block.type === 'text' && block.text !== undefined) out.push(`${message.role}: ${block.text}`);
      else if (block.type === 'tool_result') out.push(`${message.role}: [tool_result] ${typeof block.content === 'string' ? block.content : JSON.stringify(block.content)}`);
      else if (block.type === 'tool_use') out.push(`${message.role}: [tool_use ${block.name ?? ''}]`);
    }
  }
  return out;
}

/** True when the last user message of the request holds a tool_result (the model's tool ran). */
export function lastToolResult(body: AnthropicMessagesBody | null): { content: string; isError: boolean } | null {
  const last = body?.messages?.at(-1);
  if (last === undefined || last.role !== 'user' || typeof last.content === 'string') return null;
  const block = last.content.find((b) => b.type === 'tool_result');
  if (block === undefined) return null;
  const content = typeof block.content === 'string' ? block.content : JSON.stringify(block.content ?? '');
  return { content, isError: block.is_error === true };
}
