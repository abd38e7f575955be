/**
 * Per-hook request authentication: bearer tokens and HMAC signatures
 * (GitHub, Stripe, Shopify, Twilio styles). Pure functions over headers, raw body and hook.
 * Failure reasons are fixed words, never values, so they are safe to log.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface HookAuthFields {
  auth_mode?: 'bearer' | 'hmac';
  token?: string | null;
  hmac_secret?: string | null;
  hmac_header?: string | null;
  hmac_algorithm?: string;
  hmac_encoding?: 'hex' | 'base64';
  hmac_sig_prefix?: string;
  hmac_sig_regex?: string | null;
  hmac_payload_prefix_regex?: string | null;
}

export type AuthFailure =
  | 'no_token_configured'
  | 'missing_authorization'
  | 'invalid_token'
  | 'no_secret_configured'
  | 'missing_signature'
  | 'signature_not_found'
  | 'payload_prefix_not_found'
  | 'invalid_hook_regex'
  | 'invalid_signature';

export type AuthResult = { ok: true } | { ok: false; reason: AuthFailure };

const HMAC_ALGORITHMS = new Set(['sha256', 'sha1', 'sha512']);

/** Checks one request against the hook's auth settings; `globalToken` is the bearer fallback. */
export function verifyWebhookAuth(
  headers: IncomingHttpHeaders,
  rawBody: Buffer,
  hook: HookAuthFields,
  globalToken?: string | null,
): AuthResult {
  return hook.auth_mode === 'hmac' ? verifyHmac(headers, rawBody, hook) : verifyBearer(headers, hook, globalToken);
}

export function verifyBearer(headers: IncomingHttpHeaders, hook: HookAuthFields, globalToken?: string | null): AuthResult {
  const expected = nonEmpty(hook.token) ?? nonEmpty(globalToken);
  if (!expected) return fail('no_token_configured');
  const header = headerValue(headers, 'authorization');
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match?.[1]) return fail('missing_authorization');
  return safeEqual(match[1], expected) ? { ok: true } : fail('invalid_token');
}

export function verifyHmac(headers: IncomingHttpHeaders, rawBody: Buffer, hook: HookAuthFields): AuthResult {
  const secret = nonEmpty(hook.hmac_secret);
  const headerName = nonEmpty(hook.hmac_header);
  if (!secret || !headerName) return fail('no_secret_configured');
  const header = headerValue(headers, headerName);
  if (!header) return fail('missing_signature');

  let signature: string;
  let signedPayload: Buffer = rawBody;
  try {
    const sigRegex = nonEmpty(hook.hmac_sig_regex);
    if (sigRegex) {
      const found = new RegExp(sigRegex).exec(header)?.[1];
      if (!found) return fail('signature_not_found');
      signature = found;
    } else {
      const prefix = hook.hmac_sig_prefix ?? 'sha256=';
      signature = prefix !== '' && header.startsWith(prefix) ? header.slice(prefix.length) : header;
    }
    const payloadRegex = nonEmpty(hook.hmac_payload_prefix_regex);
    if (payloadRegex) {
      // Stripe/Slack scheme: the signed text is "<timestamp>.<body>", the timestamp taken from the header.
      const prefix = new RegExp(payloadRegex).exec(header)?.[1];
      if (prefix === undefined) return fail('payload_prefix_not_found');
      signedPayload = Buffer.concat([Buffer.from(`${prefix}.`, 'utf8'), rawBody]);
    }
  } catch {
    // A broken regex in webhooks.json is a config problem; the request is refused, not the server.
    return fail('invalid_hook_regex');
  }

  const expected = computeHmacSignature(secret, signedPayload, hook.hmac_algorithm, hook.hmac_encoding);
  const given = hook.hmac_encoding === 'base64' ? signature.trim() : signature.trim().toLowerCase();
  return safeEqual(given, expected) ? { ok: true } : fail('invalid_signature');
}

/** HMAC of `payload` with `secret`; unknown algorithms fall back to sha256 (as upstream). */
export function computeHmacSignature(
  secret: string,
  payload: Buffer | string,
  algorithm = 'sha256',
  encoding: 'hex' | 'base64' = 'hex',
): string {
  const algo = HMAC_ALGORITHMS.has(algorithm.toLowerCase()) ? algorithm.toLowerCase() : 'sha256';
  return createHmac(algo, secret).update(payload).digest(encoding);
}

/**
 * Constant-time string comparison. Both sides are hashed first so the compared buffers always
 * have equal length and the time taken says nothing about the expected value's length.
 */
export function safeEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

function nonEmpty(value: string | null | undefined): string | undefined {
  return value == null || value === '' ? undefined : value;
}

function fail(reason: AuthFailure): AuthResult {
  return { ok: false, reason };
}
