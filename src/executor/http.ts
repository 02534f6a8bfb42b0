/**
 * Every HTTP request of connector code: sent by the engine (never by the VM) through the same
 * address guard as webhooks (src/domain/webhook-targets.ts): the URL's host must not be an
 * internal name or a non-public address, and the connection's own DNS lookup refuses a name that
 * resolves to one, so the address checked is the address connected to. Redirects are followed by
 * hand, each hop checked again, at most `maxRedirects`. Bodies are capped both ways.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';
import ipaddr from 'ipaddr.js';
import {
  guardedLookup,
  INTERNAL_NAMES,
  refusedRange,
  type TargetPolicy,
} from '../domain/webhook-targets.js';

export interface OutgoingRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** The body as sent (UTF-8 text), or null. */
  body: string | null;
}

export interface IncomingResponse {
  status: number;
  headers: Record<string, string>;
  /** UTF-8 text, or Base64 when `binary`. */
  body: string;
  binary: boolean;
  /** The URL that answered (after redirects). */
  url: string;
}

export interface HttpLimits {
  timeoutMs: number;
  maxBodyBytes: number;
}

/** A refusal or failure the connector sees as its request's error. */
export class RequestError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** Checks a URL a connector asks for: http(s), a public host (loopback only when the policy allows). */
export function checkRequestTarget(url: string, policy: TargetPolicy): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RequestError(
      `${url.slice(0, 200)} is not an absolute URL (set connection.base_uri for relative paths).`,
      'INVALID_URL',
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new RequestError(
      `Only http and https URLs can be requested, not ${parsed.protocol}`,
      'INVALID_URL',
    );
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const isIp =
    ipaddr.isValid(host) && (host.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(host));
  if (isIp) {
    const range = refusedRange(host, policy);
    if (range)
      throw new RequestError(
        `Refused: ${host} is a ${range} address; connector requests only go to public addresses.`,
        'REFUSED_TARGET',
      );
  } else {
    const name = host.replace(/\.$/, '');
    if (!name) throw new RequestError('The URL has no host.', 'INVALID_URL');
    const loopbackName = /^(?:localhost|(?:.+\.)?localhost)$/.test(name);
    if (!(policy.allowLoopback && loopbackName) && INTERNAL_NAMES.test(name)) {
      throw new RequestError(
        `Refused: ${name} is an internal name; connector requests only go to public hosts.`,
        'REFUSED_TARGET',
      );
    }
  }
  return parsed;
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers))
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function decode(stream: Readable, encoding: string | undefined): Readable {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return stream.pipe(createGunzip());
    case 'deflate':
      return stream.pipe(createInflate());
    case 'br':
      return stream.pipe(createBrotliDecompress());
    default:
      return stream;
  }
}

/** One hop: no redirect handling here. */
function sendOnce(
  req: OutgoingRequest,
  policy: TargetPolicy,
  limits: HttpLimits,
  signal?: AbortSignal,
): Promise<IncomingResponse> {
  const target = checkRequestTarget(req.url, policy);
  const body = req.body === null ? null : Buffer.from(req.body, 'utf8');
  if (body && body.length > limits.maxBodyBytes) {
    return Promise.reject(
      new RequestError(
        `The request body is ${body.length} bytes; the limit is ${limits.maxBodyBytes}.`,
        'BODY_TOO_LARGE',
      ),
    );
  }
  const headers: Record<string, string> = { ...req.headers };
  if (body && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length'))
    headers['content-length'] = String(body.length);
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'accept-encoding'))
    headers['accept-encoding'] = 'gzip, deflate, br';
  return new Promise((resolve, reject) => {
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      r.destroy();
      reject(e);
    };
    const timer = setTimeout(
      () => fail(new RequestError(`No complete answer within ${limits.timeoutMs} ms.`, 'TIMEOUT')),
      limits.timeoutMs,
    );
    const r = send(
      target,
      { method: req.method, headers, lookup: guardedLookup(policy, 'connector requests'), signal },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const stream = decode(res, res.headers['content-encoding']);
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > limits.maxBodyBytes)
            return fail(
              new RequestError(
                `The response body is larger than ${limits.maxBodyBytes} bytes.`,
                'BODY_TOO_LARGE',
              ),
            );
          chunks.push(chunk);
        });
        stream.on('error', (e) =>
          fail(new RequestError(`The response could not be read: ${e.message}`, 'NETWORK')),
        );
        stream.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const bytes = Buffer.concat(chunks);
          const text = bytes.toString('utf8');
          const binary = !Buffer.from(text, 'utf8').equals(bytes);
          const responseHeaders = flatHeaders(res.headers);
          if (res.headers['content-encoding']) delete responseHeaders['content-encoding'];
          resolve({
            status: res.statusCode ?? 0,
            headers: responseHeaders,
            body: binary ? bytes.toString('base64') : text,
            binary,
            url: target.toString(),
          });
        });
      },
    );
    r.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EREFUSEDTARGET') fail(new RequestError(e.message, 'REFUSED_TARGET'));
      else if (e.name === 'AbortError') fail(new RequestError('The run was stopped.', 'ABORTED'));
      else
        fail(
          new RequestError(
            `${req.method} ${target.origin} failed: ${e.code ?? e.message}`,
            'NETWORK',
          ),
        );
    });
    if (body) r.end(body);
    else r.end();
  });
}

/** One hop of a request as the engine records it. */
export interface Hop {
  request: OutgoingRequest;
  response?: IncomingResponse;
  error?: RequestError;
  elapsedMs: number;
}

/**
 * Sends a request, following redirects by hand (each hop checked and recorded; a 303, or a 301/302
 * after a POST, becomes a GET without body; credentials are dropped when the origin changes).
 * `onHop` sees every hop as it completes; the last hop's answer (or error) is the result.
 */
export async function sendRequest(
  req: OutgoingRequest,
  opts: {
    policy: TargetPolicy;
    limits: HttpLimits;
    maxRedirects: number;
    follow: boolean;
    signal?: AbortSignal;
    onHop: (hop: Hop) => void;
    beforeHop?: () => void;
  },
): Promise<IncomingResponse> {
  let current = req;
  for (let redirects = 0; ; redirects++) {
    opts.beforeHop?.();
    const started = performance.now();
    let response: IncomingResponse;
    try {
      response = await sendOnce(current, opts.policy, opts.limits, opts.signal);
    } catch (e) {
      const error =
        e instanceof RequestError ? e : new RequestError((e as Error).message, 'NETWORK');
      opts.onHop({ request: current, error, elapsedMs: performance.now() - started });
      throw error;
    }
    opts.onHop({ request: current, response, elapsedMs: performance.now() - started });
    const location = response.headers.location;
    if (!opts.follow || ![301, 302, 303, 307, 308].includes(response.status) || !location)
      return response;
    if (redirects >= opts.maxRedirects)
      throw new RequestError(`More than ${opts.maxRedirects} redirects.`, 'TOO_MANY_REDIRECTS');
    const next = new URL(location, current.url);
    const keepsBody =
      response.status === 307 ||
      response.status === 308 ||
      current.method === 'GET' ||
      current.method === 'HEAD';
    const headers: Record<string, string> = {};
    const sameOrigin = next.origin === new URL(current.url).origin;
    for (const [k, v] of Object.entries(current.headers)) {
      const lower = k.toLowerCase();
      if (
        !sameOrigin &&
        (lower === 'authorization' || lower === 'cookie' || lower === 'proxy-authorization')
      )
        continue;
      if (!keepsBody && (lower === 'content-type' || lower === 'content-length')) continue;
      headers[k] = v;
    }
    current = keepsBody
      ? { ...current, url: next.toString(), headers }
      : { method: 'GET', url: next.toString(), headers, body: null };
  }
}
