import type { Context, Hono } from 'hono';
import type { PrismaClient } from '../db/database.js';
import { DomainError } from '../domain/errors.js';
import { endConsoleSession, redeemSignInCode } from '../domain/sign-in-links.js';
import type { Env } from './guard.js';
import type { RateLimits } from './rate-limit.js';

/** The client's address as this process sees it (the proxy's, behind one). */
function clientAddress(c: Context<Env>): string {
  const incoming = (c.env as { incoming?: import('node:http').IncomingMessage } | undefined)
    ?.incoming;
  return incoming?.socket.remoteAddress ?? 'in-process';
}

/**
 * POST /auth/sign-in-link {"code": "sic_…"} → {"token": "crt_…", "handle", "workspace", "expiresAt"}:
 * the console exchanges a one-time sign-in link's code (read from the link's URL fragment) for a
 * console session, a token that expires after CONSOLE_SESSION_HOURS, kept for the browser tab.
 * Refusals are 400 with a code, never a detail about the code.
 *
 * - Only `application/json`: a page on another site can send `text/plain` (or a form) here without
 *   asking the browser first, and sign a victim's tab into the attacker's workspace (login CSRF);
 *   JSON needs a CORS preflight, which this endpoint never grants.
 * - Rate-limited per client address (SIGN_IN_ATTEMPTS_PER_MINUTE, 429 with Retry-After): every
 *   attempt is an unauthenticated database transaction.
 *
 * POST /auth/sign-out with the session's Bearer token revokes it (204); other tokens are left alone.
 */
export function signInRoutes(
  app: Hono<Env>,
  prisma: PrismaClient,
  opts: { rateLimits: RateLimits; sessionHours: number },
): void {
  app.post('/auth/sign-in-link', async (c) => {
    c.header('Cache-Control', 'no-store');
    const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') {
      c.get('countError')?.('UNSUPPORTED_MEDIA_TYPE', 'http');
      return c.json(
        { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Send {"code": "…"} as application/json.' },
        415,
      );
    }
    const limit = await opts.rateLimits.takeSignIn(clientAddress(c));
    if (limit.retryAfter !== undefined) {
      c.get('countError')?.('RATE_LIMITED', 'http');
      return c.json(
        {
          code: 'RATE_LIMITED',
          message: `Too many sign-in attempts; retry in ${limit.retryAfter} s.`,
        },
        429,
        { 'Retry-After': String(limit.retryAfter) },
      );
    }
    const bytes = c.get('body');
    let code: unknown;
    try {
      code = bytes
        ? (JSON.parse(new TextDecoder().decode(bytes)) as { code?: unknown })?.code
        : undefined;
    } catch {
      code = undefined;
    }
    if (typeof code !== 'string')
      return c.json({ code: 'INVALID_INPUT', message: 'Send {"code": "…"} as JSON.' }, 400);
    try {
      const session = await redeemSignInCode(prisma, code, opts.sessionHours * 3_600_000);
      return c.json(session);
    } catch (error) {
      if (error instanceof DomainError) {
        c.get('countError')?.(error.code, 'http');
        return c.json({ code: error.code, message: error.message }, 400);
      }
      throw error;
    }
  });

  app.post('/auth/sign-out', async (c) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    if (match) await endConsoleSession(prisma, match[1]);
    return c.body(null, 204);
  });
}
