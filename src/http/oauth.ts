import type { Hono } from 'hono';
import type { PrismaClient } from '../db/database.js';
import type { DomainEvents } from '../domain/context.js';
import { AuthorizationFailedError, DomainError } from '../domain/errors.js';
import { toGlobalId } from '../domain/global-id.js';
import { CALLBACK_PATH, completeAuthorization } from '../domain/oauth.js';
import type { RunServices } from '../domain/run-services.js';
import type { Env } from './guard.js';

const html = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  );

function cookiesOf(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (/^cr_oauth_\d{1,12}$/.test(name)) out[name] = part.slice(eq + 1).trim();
  }
  return out;
}

/** A small page of its own (no script, nothing from elsewhere, never framed or cached). */
function page(title: string, body: string, ok: boolean): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(title)} · Connector registry</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1b1f24;background:#fff}
h1{font-size:1.4rem}.box{border:1px solid ${ok ? '#2f7d32' : '#b42318'};border-left-width:6px;padding:.75rem 1rem;border-radius:4px}
a{color:#0b57d0}</style></head>
<body><main><h1>${html(title)}</h1>${body}</main></body></html>`;
}

/**
 * GET /oauth/callback?code=…&state=… (or ?error=…&state=…): where an OAuth2 provider sends the
 * browser back after *Connect*. No token: the single-use state, bound to the starting browser by
 * its `cr_oauth_<n>` cookie, is the credential (src/domain/oauth.ts). Answers a page that says
 * what happened, in words: 200 when the tokens are stored, 400 for every refusal (an unknown,
 * used or expired state, another browser, the provider's `error=access_denied`, a failed
 * exchange), never a 500 for what the provider or the browser sent.
 */
export function oauthRoutes(
  app: Hono<Env>,
  deps: { prisma: PrismaClient; runs?: RunServices; events: DomainEvents },
): void {
  app.get(CALLBACK_PATH, async (c) => {
    const headers = {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy':
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      // The URL holds the code and the state: never sent on to the console link's target.
      'Referrer-Policy': 'no-referrer',
    };
    const q = (name: string) => {
      const v = c.req.query(name);
      return typeof v === 'string' && v.length <= 4096 ? v : null;
    };
    try {
      const done = await completeAuthorization(
        {
          prisma: deps.prisma,
          runs: deps.runs,
          events: deps.events,
          requestId: c.get('requestId') ?? null,
        },
        {
          state: q('state'),
          code: q('code'),
          error: q('error'),
          errorDescription: q('error_description'),
          cookies: cookiesOf(c.req.header('cookie')),
        },
      );
      const back = `/connectors/${encodeURIComponent(toGlobalId('Connector', done.connection.connectorId))}/test?connection=${encodeURIComponent(toGlobalId('ConnectionProfile', done.connection.id))}`;
      return c.body(
        page(
          'Connected',
          `<p class="box" role="status">The connection <strong>${html(done.connection.name)}</strong> of <strong>${html(done.connectorTitle)}</strong> is authorized: its tokens are stored, sealed, with the connection.</p>
<p><a href="${html(back)}">Back to the Test tab</a></p>`,
          true,
        ),
        200,
        headers,
      );
    } catch (error) {
      if (!(error instanceof DomainError)) {
        c.get('log')?.error({ err: error }, 'OAuth2 callback failed');
      }
      const message =
        error instanceof DomainError
          ? error.message
          : 'The registry could not finish the authorization; nothing was stored. Press Connect again.';
      const reason = error instanceof AuthorizationFailedError ? error.reason : null;
      c.get('countError')?.(error instanceof DomainError ? error.code : 'INTERNAL', 'http');
      return c.body(
        page(
          'Not connected',
          `<p class="box" role="alert">${html(message)}</p>${reason ? `<p><small>Reason: <code>${html(reason)}</code></small></p>` : ''}
<p><a href="/connectors">Back to the console</a></p>`,
          false,
        ),
        error instanceof DomainError ? 400 : 502,
        headers,
      );
    }
  });
}
