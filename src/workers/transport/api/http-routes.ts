/**
 * The API's HTTP side, an express app, all behind `Authorization: Bearer <token>`: `GET /health`,
 * `GET /files?path=` (only inside the `file_access` roots) and `POST /upload` (multipart `file`
 * plus optional `caption`, at most 50 MB, saved under `workspace/api_files/YYYY-MM-DD/`). Any other
 * path is 404 before the token is looked at. The WebSocket upgrade on `/ws` is handled beside it.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { homedir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { checkPath, rootsForFileAccess } from '../../../shared/security/path-scope.js';
import { mimeOf } from '../../../shared/mime.js';
import { candidateName, sanitizeFileName } from '../../../shared/security/safe-name.js';
import { secretsEqual } from './crypto.js';
import { FilesQuerySchema } from './protocol.js';

export const UPLOAD_LIMIT_BYTES = 50 * 1024 * 1024;
const MAX_NAME_ATTEMPTS = 1_000;

export type HttpContext = {
  token: () => string;
  workspace: () => string;
  fileAccess: () => string;
  connections: () => number;
  /** A handler threw: logged by the caller, answered 500 here. */
  onError: (error: unknown, req: IncomingMessage) => void;
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function authorized(req: IncomingMessage, ctx: HttpContext): boolean {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer (.+)$/.exec(header);
  return secretsEqual(match?.[1] ?? '', ctx.token());
}

export function createApiApp(ctx: HttpContext): Express {
  const app = express();
  app.disable('x-powered-by');
  const auth = (req: Request, res: Response, next: NextFunction): void => {
    if (authorized(req, ctx)) return next();
    req.resume();
    sendJson(res, 401, { error: 'unauthorized' });
  };
  app.get('/health', auth, (_req, res) => sendJson(res, 200, { status: 'ok', connections: ctx.connections() }));
  app.get('/files', auth, (req, res) => serveFile(typeof req.query.path === 'string' ? req.query.path : undefined, res, ctx));
  app.post('/upload', auth, (req, res) => receiveUpload(req, res, ctx));
  app.use((req: Request, res: Response) => {
    req.resume();
    sendJson(res, 404, { error: 'not_found' });
  });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    ctx.onError(error, req);
    if (!res.headersSent) sendJson(res, 500, { error: 'internal' });
    else res.destroy();
  });
  return app;
}

async function serveFile(path: string | undefined, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const query = FilesQuerySchema.safeParse({ path });
  if (!query.success) return sendJson(res, 400, { error: 'bad_request', message: 'path is required' });
  const roots = rootsForFileAccess(ctx.fileAccess(), { userHome: homedir(), workspace: ctx.workspace() });
  const check = await checkPath(query.data.path, roots, { base: ctx.workspace() });
  if (!check.ok) {
    return check.reason === 'outside_roots'
      ? sendJson(res, 403, { error: 'forbidden', message: 'the path is outside the allowed roots' })
      : sendJson(res, 400, { error: 'bad_request', message: check.message });
  }
  const info = await stat(check.path).catch(() => null);
  if (!info?.isFile()) return sendJson(res, 404, { error: 'not_found' });
  res.writeHead(200, {
    'content-type': mimeOf(check.path),
    'content-length': info.size,
    'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(basename(check.path))}`,
  });
  await pipeline(createReadStream(check.path), res).catch(() => res.destroy());
}

/** Claims a free name in `dir` with an exclusive create, so two uploads never share a file. */
async function claimFile(dir: string, name: string): Promise<{ path: string; handle: import('node:fs/promises').FileHandle }> {
  for (let attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++) {
    const path = join(dir, candidateName(name, attempt));
    try {
      return { path, handle: await open(path, 'wx') };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`no free file name for ${name}`);
}

function receiveUpload(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > UPLOAD_LIMIT_BYTES + 64 * 1024) {
    // Refuse before reading anything; the connection closes so the client stops sending.
    res.setHeader('connection', 'close');
    sendJson(res, 413, { error: 'too_large', limit_bytes: UPLOAD_LIMIT_BYTES });
    return Promise.resolve();
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: UPLOAD_LIMIT_BYTES, fields: 5, fieldSize: 16 * 1024 } });
  } catch {
    req.resume();
    sendJson(res, 400, { error: 'bad_request', message: 'expected multipart/form-data' });
    return Promise.resolve();
  }
  return new Promise<void>((resolve) => {
    let caption = '';
    let saved: { path: string; name: string; size: number } | null = null;
    let failure: { status: number; body: unknown } | null = null;
    const writes: Promise<void>[] = [];
    parser.on('field', (name, value) => {
      if (name === 'caption') caption = value;
    });
    parser.on('file', (field, stream, info) => {
      if (field !== 'file' || saved || failure) {
        stream.resume();
        return;
      }
      const name = sanitizeFileName(info.filename || 'upload');
      const dir = join(ctx.workspace(), 'api_files', new Date().toISOString().slice(0, 10));
      writes.push((async () => {
        await mkdir(dir, { recursive: true });
        const { path, handle } = await claimFile(dir, name);
        let size = 0;
        stream.on('data', (chunk: Buffer) => (size += chunk.length));
        try {
          await pipeline(stream, handle.createWriteStream());
        } finally {
          await handle.close().catch(() => undefined);
        }
        if ((stream as { truncated?: boolean }).truncated) {
          await rm(path, { force: true });
          failure = { status: 413, body: { error: 'too_large', limit_bytes: UPLOAD_LIMIT_BYTES } };
          return;
        }
        saved = { path, name: basename(path), size };
      })().catch((error: unknown) => {
        failure ??= { status: 500, body: { error: 'upload_failed' } };
        stream.resume();
        void error;
      }));
    });
    parser.on('error', () => {
      failure ??= { status: 400, body: { error: 'bad_request', message: 'malformed multipart body' } };
      req.unpipe(parser);
      req.resume();
      finish();
    });
    parser.on('close', () => finish());
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      void Promise.allSettled(writes).then(() => {
        const result = failure ?? (saved ? null : { status: 400, body: { error: 'bad_request', message: 'multipart field "file" is required' } });
        if (result) sendJson(res, result.status, result.body);
        else {
          const file = saved!;
          const mime = mimeOf(file.path);
          sendJson(res, 200, { path: file.path, name: file.name, size: file.size, mime, prompt: uploadPrompt(file.path, mime, ctx.workspace(), caption) });
        }
        resolve();
      });
    };
    req.pipe(parser);
  });
}

/**
 * The text a client sends as its next message so the agent knows about the file; it mirrors the
 * `[INCOMING FILE]` block of Telegram media (the file is already in the workspace, nothing moves).
 */
export function uploadPrompt(path: string, mime: string, workspace: string, caption: string): string {
  const lines = [
    '[INCOMING FILE]',
    'The user sent you a file via the API.',
    `Path: ${relative(workspace, path)}`,
    `Type: ${mime}`,
    `Original filename: ${basename(path)}`,
    '',
    'Received API files are kept in api_files/; save deliverables for the user in output_to_user/ and send them with <file:/absolute/path>.',
  ];
  const message = caption.trim() === '' ? '' : `\n\nUser message: ${caption.trim()}`;
  return `${lines.join('\n')}${message}`;
}
