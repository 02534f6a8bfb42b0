import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { Env } from './guard.js';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/**
 * CORS for the API: browser apps on the configured origins (`*` for any) may call it. Never
 * with credentials: the API authenticates with a Bearer header, so no cookie or ambient
 * authority is involved, and preflights are answered here, before authentication.
 */
export function apiCors(
  origins: string[],
  allowHeaders: string[] = DEFAULT_CORS_HEADERS,
): MiddlewareHandler<Env> {
  const any = origins.includes('*');
  return cors({
    origin: any ? '*' : (origin) => (origins.includes(origin) ? origin : null),
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
    // The API's own headers always; the configurable rest (tracing, client awareness) after them.
    allowHeaders: [...new Set([...API_HEADERS, ...allowHeaders])],
    exposeHeaders: [
      'RateLimit',
      'RateLimit-Policy',
      'Retry-After',
      'X-Request-Id',
      'ETag',
      'WWW-Authenticate',
      'X-GraphQL-Event-Stream-Token',
    ],
    maxAge: 600,
    credentials: false,
  });
}

/** Request headers the API itself reads: always allowed from a browser. */
const API_HEADERS = [
  'Authorization',
  'Content-Type',
  'Accept',
  'X-Request-Id',
  'If-None-Match',
  'X-GraphQL-Event-Stream-Token',
];

/**
 * What front-end apps add by default and so must pass preflight: W3C trace context, Sentry's
 * tracing, and Apollo Client's client-awareness headers (CORS_ALLOWED_HEADERS replaces this list).
 */
export const DEFAULT_CORS_HEADERS = [
  'traceparent',
  'tracestate',
  'sentry-trace',
  'baggage',
  'apollographql-client-name',
  'apollographql-client-version',
];

/**
 * The media type of a GraphQL answer made outside Yoga (refusals before it runs): GraphQL over
 * HTTP's `application/graphql-response+json` when the client accepts it before (or without)
 * plain JSON, else `application/json`.
 */
export function graphqlResponseType(accept: string | undefined): string {
  if (!accept) return 'application/json';
  let best: { type: string; q: number } | null = null;
  for (const part of accept.toLowerCase().split(',')) {
    const [type, ...params] = part
      .trim()
      .split(';')
      .map((x) => x.trim());
    const q = Number(params.map((p) => /^q=([\d.]+)$/.exec(p)?.[1]).find(Boolean) ?? 1);
    if (q <= 0 || (type !== 'application/graphql-response+json' && type !== 'application/json'))
      continue;
    if (!best || q > best.q) best = { type, q };
  }
  return best?.type ?? 'application/json';
}

const JSON_TYPE = /^application\/(?:json|graphql-response\+json)\b/;
const MIN_COMPRESS_BYTES = 1024;

/** Which encoding the client prefers among those we make: br, then gzip (q=0 refuses one). */
function pickEncoding(acceptEncoding: string): 'br' | 'gzip' | null {
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
    accepted.set(name.trim(), q === undefined ? 1 : Number(q));
  }
  const ok = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  return ok('br') ? 'br' : ok('gzip') ? 'gzip' : null;
}

/**
 * Whole JSON answers (not streams: SSE, multipart) get, in this order:
 * - for GET requests, an `ETag` of their content (without `extensions.rateLimit`, which changes
 *   with every call) and a 304 with no body when the client's `If-None-Match` has it;
 * - compression (brotli or gzip, as `Accept-Encoding` allows) when over 1 KB.
 * A POST answer to a client that accepts neither encoding leaves untouched (issue 22: reading it
 * into a second response cost a read a tenth of its CPU).
 */
export function jsonTransport(): MiddlewareHandler<Env> {
  return async (c, next) => {
    await next();
    // Nothing to add to a POST answer that will not be compressed: it leaves as Yoga made it,
    // without reading its body into a second response.
    const encoding = pickEncoding(c.req.header('accept-encoding') ?? '');
    if (c.req.method !== 'GET' && !encoding) return;
    const res = c.res;
    const type = res.headers.get('content-type') ?? '';
    if (!JSON_TYPE.test(type) || !res.body || res.headers.get('content-encoding')) return;
    let bytes = Buffer.from(await res.arrayBuffer());
    const headers = new Headers(res.headers);
    if (c.req.method === 'GET' && res.status === 200) {
      const etag = `"${createHash('sha256').update(stableContent(bytes)).digest('base64url').slice(0, 27)}"`;
      headers.set('ETag', etag);
      headers.set('Cache-Control', 'private, no-cache');
      const given = c.req.header('if-none-match');
      if (given && given.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
        headers.delete('content-length');
        headers.delete('content-type');
        replace(c, new Response(null, { status: 304, headers }));
        return;
      }
    }
    headers.append('Vary', 'Accept-Encoding');
    if (encoding && bytes.length >= MIN_COMPRESS_BYTES) {
      bytes =
        encoding === 'br'
          ? await brotli(bytes, {
              params: {
                [zlib.BROTLI_PARAM_QUALITY]: 4,
                [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length,
              },
            })
          : await gz(bytes, { level: 6 });
      headers.set('Content-Encoding', encoding);
    }
    headers.set('Content-Length', String(bytes.length));
    replace(c, new Response(bytes, { status: res.status, statusText: res.statusText, headers }));
  };
}

/** Hono copies the old response's headers onto a new one (content-length included); start afresh. */
function replace(c: { res: Response }, res: Response) {
  c.res = undefined as unknown as Response;
  c.res = res;
}

/** The answer's content for the ETag: the JSON without the per-call rate-limit report. */
function stableContent(bytes: Buffer): Buffer | string {
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as { extensions?: Record<string, unknown> };
    if (parsed?.extensions && 'rateLimit' in parsed.extensions) {
      delete parsed.extensions.rateLimit;
      return JSON.stringify(parsed);
    }
  } catch {
    // not JSON after all: hash the bytes
  }
  return bytes;
}
