import { isUtf8 } from 'node:buffer';
import type { Context, MiddlewareHandler } from 'hono';
import type { Principal } from '../domain/context.js';
import { rateLimitHeaders, type RateLimits } from './rate-limit.js';

export type Env = {
  Variables: {
    actor: Principal | null;
    body: ArrayBuffer | null;
    requestId: string;
    log: import('../log.js').Logger;
    /** The trusted document id a request named instead of sending its text (console.ts). */
    trustedDocument?: string;
    /** Counts a refusal or fault by code for the metrics (set by observe()). */
    countError: (code: string, surface: string) => void;
  };
};

/**
 * How each front door (GraphQL, REST) words a refusal made before its own code runs:
 * GraphQL answers `{errors:[{message, extensions:{code}}]}`, REST the spec's error body.
 */
export type Refuse = (
  c: Context<Env>,
  status: 400 | 401 | 404 | 405 | 413 | 415 | 429,
  code: string,
  message: string,
  headers?: Record<string, string>,
) => Response;

type Incoming = import('node:http').IncomingMessage;

/**
 * The body straight from Node's request, counted as it streams in: refused at once when its
 * Content-Length says it is too large, and as soon as more than `maxBytes` have arrived when it
 * does not. Reading it here, rather than through the Fetch `Request`, spares every request a
 * web-stream copy of its body (Hono's Node adapter builds one as soon as `body` is touched), and
 * keeps GET bodies, which a Fetch `Request` drops (the spec's curl samples send JSON on GET).
 */
async function readIncoming(
  incoming: Incoming,
  maxBytes: number,
  method: string,
): Promise<ArrayBuffer | 'too-large' | null> {
  const declared = incoming.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) return 'too-large';
  const bodyless = method === 'GET' || method === 'HEAD';
  if (bodyless && !Number(declared) && !incoming.headers['transfer-encoding']) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) return 'too-large';
    chunks.push(chunk);
  }
  if (bodyless && size === 0) return null;
  const whole = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  return whole.buffer.slice(whole.byteOffset, whole.byteOffset + whole.byteLength) as ArrayBuffer;
}

/** Without Node's request (`app.request()` in process): the Fetch body, with the same limit. */
async function readFetchBody(
  c: Context<Env>,
  maxBytes: number,
): Promise<ArrayBuffer | 'too-large' | null> {
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return null;
  if (Number(c.req.header('content-length')) > maxBytes) return 'too-large';
  const bytes = await c.req.arrayBuffer();
  return bytes.byteLength > maxBytes ? 'too-large' : bytes;
}

/**
 * Reads the request body (GET bodies included) with its size limit (413 PAYLOAD_TOO_LARGE before
 * anything parses it) and requires UTF-8: decoders elsewhere would silently turn bad bytes into
 * U+FFFD and store text the client never sent. The checked bytes are kept for the handler in
 * `body`; nothing reads the request's own body after this.
 */
export function readBody(maxBytes: number, refuse: Refuse): MiddlewareHandler<Env> {
  return async (c, next) => {
    c.set('body', null);
    let bytes: ArrayBuffer | 'too-large' | null;
    try {
      const incoming = (c.env as { incoming?: Incoming } | undefined)?.incoming;
      bytes = incoming
        ? await readIncoming(incoming, maxBytes, c.req.method)
        : await readFetchBody(c, maxBytes);
    } catch (error) {
      // The client went away (or sent less than it announced) while the body streamed in: its
      // mistake or its network's, answered to nobody, logged as such rather than as a fault.
      c.get('log').info(
        { reason: (error as { code?: string }).code ?? (error as Error).message },
        'request body aborted',
      );
      return refuse(c, 400, 'REQUEST_ABORTED', 'The request body ended before it was complete.');
    }
    if (bytes === 'too-large')
      return refuse(c, 413, 'PAYLOAD_TOO_LARGE', `Request body is larger than ${maxBytes} bytes.`);
    if (bytes) {
      // Validated in place (simdutf): decoding 10 MB to a string only to drop it cost ~0.1 s.
      if (!isUtf8(bytes)) return refuse(c, 400, 'INVALID_UTF8', 'Request body is not valid UTF-8.');
      c.set('body', bytes);
    }
    await next();
  };
}

/** How deep a JSON request body (or a GET `variables`/`extensions` parameter) may nest. */
export const MAX_JSON_DEPTH = 128;

/**
 * Nesting depth of JSON text, counted without parsing (strings skipped), so a body nested
 * 100,000 levels deep is refused before any recursive code (parsers, coercion) meets it. Works on
 * the UTF-8 bytes (the characters it looks for are ASCII, never part of a multi-byte character)
 * and jumps over strings with a native search: 10 MB of code in a variable is one jump, not a
 * JavaScript loop over every character.
 */
export function jsonDepth(json: string | Uint8Array): number {
  const b =
    typeof json === 'string'
      ? Buffer.from(json, 'utf8')
      : Buffer.from(json.buffer, json.byteOffset, json.byteLength);
  let depth = 0;
  let max = 0;
  for (let i = 0; i < b.length; i++) {
    const ch = b[i];
    if (ch === 34) {
      // The closing quote is the first one not escaped, i.e. not after an odd run of backslashes.
      let end = i;
      for (;;) {
        end = b.indexOf(34, end + 1);
        if (end < 0) return max;
        let slashes = 0;
        while (b[end - 1 - slashes] === 92) slashes++;
        if (slashes % 2 === 0) break;
      }
      i = end;
    } else if (ch === 123 || ch === 91) {
      if (++depth > max) max = depth;
    } else if (ch === 125 || ch === 93) depth--;
  }
  return max;
}

/**
 * GraphQL request parameters that the GraphQL server would otherwise choke on (and answer 500):
 * JSON nested deeper than MAX_JSON_DEPTH (400 BAD_USER_INPUT), and GET parameters that do not
 * decode or whose `variables`/`extensions` are not JSON objects (400 BAD_REQUEST).
 */
export function requireSaneGraphQLParams(refuse: Refuse): MiddlewareHandler<Env> {
  return async (c, next) => {
    const tooDeep = () =>
      refuse(
        c,
        400,
        'BAD_USER_INPUT',
        `The request nests JSON deeper than ${MAX_JSON_DEPTH} levels.`,
      );
    const bytes = c.get('body');
    if (bytes && jsonDepth(new Uint8Array(bytes)) > MAX_JSON_DEPTH) return tooDeep();
    if (c.req.method === 'GET') {
      const search = new URL(c.req.url).search.slice(1);
      const params = new Map<string, string>();
      try {
        for (const pair of search.split('&').filter(Boolean)) {
          const at = pair.indexOf('=');
          const [key, value] = at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
          params.set(
            decodeURIComponent(key.replace(/\+/g, ' ')),
            decodeURIComponent(value.replace(/\+/g, ' ')),
          );
        }
      } catch {
        return refuse(c, 400, 'BAD_REQUEST', 'The query string has an invalid percent-escape.');
      }
      for (const name of ['variables', 'extensions']) {
        const raw = params.get(name);
        if (raw === undefined || raw === '') continue;
        if (jsonDepth(raw) > MAX_JSON_DEPTH) return tooDeep();
        let value: unknown;
        try {
          value = JSON.parse(raw);
        } catch {
          return refuse(c, 400, 'BAD_REQUEST', `The \`${name}\` parameter is not valid JSON.`);
        }
        if (value !== null && (typeof value !== 'object' || Array.isArray(value))) {
          return refuse(c, 400, 'BAD_REQUEST', `The \`${name}\` parameter must be a JSON object.`);
        }
      }
    }
    await next();
  };
}

/**
 * A form-encoded body must decode: a bad `%` escape (or one that spells invalid UTF-8) would
 * otherwise make the GraphQL server's own parser throw, which it reports as a fault.
 */
export function requireDecodableForm(refuse: Refuse): MiddlewareHandler<Env> {
  return async (c, next) => {
    const bytes = c.get('body');
    if (
      bytes &&
      (c.req.header('content-type') ?? '')
        .toLowerCase()
        .startsWith('application/x-www-form-urlencoded')
    ) {
      try {
        for (const part of new TextDecoder().decode(bytes).split(/[&=]/))
          decodeURIComponent(part.replace(/\+/g, ' '));
      } catch {
        return refuse(
          c,
          400,
          'BAD_REQUEST',
          'The form-encoded body has an invalid percent-escape.',
        );
      }
    }
    await next();
  };
}

function bearer(c: Context): string | null {
  const header = c.req.header('authorization');
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : '';
}

/** Resolves the bearer token to an actor (src/domain/token-cache.ts); a token that is given but unknown or revoked is refused. */
export function authenticateRequest(
  tokens: { authenticate(token: string): Promise<Principal | null> },
  refuse: Refuse,
): MiddlewareHandler<Env> {
  return async (c, next) => {
    const token = bearer(c);
    const actor = token === null ? null : await tokens.authenticate(token);
    if (token !== null && !actor)
      return refuse(c, 401, 'UNAUTHENTICATED', 'The bearer token is invalid or revoked.');
    c.set('actor', actor);
    await next();
  };
}

/**
 * No anonymous calls: a missing token is refused exactly like a bad one (401 UNAUTHENTICATED), so
 * a client's "sign in again" logic covers both. `isPublic` exempts what anyone may fetch.
 */
export function requireToken(
  refuse: Refuse,
  isPublic: (c: Context<Env>) => boolean = () => false,
): MiddlewareHandler<Env> {
  return async (c, next) => {
    if (!c.get('actor') && c.req.method !== 'OPTIONS' && !isPublic(c)) {
      return refuse(
        c,
        401,
        'UNAUTHENTICATED',
        'Authenticate with an `Authorization: Bearer <token>` header.',
        { 'WWW-Authenticate': 'Bearer' },
      );
    }
    await next();
  };
}

/** Methods an endpoint takes; any other gets 405 with `Allow`. */
export function allowMethods(methods: string[], refuse: Refuse): MiddlewareHandler<Env> {
  const allowed = new Set(methods);
  return async (c, next) => {
    if (!allowed.has(c.req.method)) {
      return refuse(
        c,
        405,
        'METHOD_NOT_ALLOWED',
        `${c.req.path} does not take ${c.req.method}; it takes ${methods.join(', ')}.`,
        { Allow: methods.join(', ') },
      );
    }
    await next();
  };
}

/** The spec's REST rate limit: calls per token, in the budget every gateway process shares. */
export function restRateLimit(limits: RateLimits, refuse: Refuse): MiddlewareHandler<Env> {
  return async (c, next) => {
    const actor = c.get('actor')!;
    const status = await limits.takeRest(actor.tokenId);
    const headers = rateLimitHeaders(status);
    if (status.retryAfter !== undefined) {
      return refuse(
        c,
        429,
        'RATE_LIMITED',
        `Rate limit exceeded (${status.limit} call per ${status.windowSeconds} s); retry in ${status.retryAfter} s.`,
        headers,
      );
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
