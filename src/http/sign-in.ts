import type { Hono } from 'hono';
import type { PrismaClient } from '../db/database.js';
import { DomainError } from '../domain/errors.js';
import { redeemSignInCode } from '../domain/sign-in-links.js';
import type { Env } from './guard.js';

/**
 * POST /auth/sign-in-link {"code": "sic_…"} → {"token": "crt_…", "handle", "workspace"}: the
 * console exchanges a one-time sign-in link's code (read from the link's URL fragment) for an API
 * token it keeps for the browser tab. Refusals are 400 with a code, never a detail about the code.
 */
export function signInRoutes(app: Hono<Env>, prisma: PrismaClient): void {
  app.post('/auth/sign-in-link', async (c) => {
    const bytes = c.get('body');
    let code: unknown;
    try {
      code = bytes ? (JSON.parse(new TextDecoder().decode(bytes)) as { code?: unknown })?.code : undefined;
    } catch {
      code = undefined;
    }
    if (typeof code !== 'string') return c.json({ code: 'INVALID_INPUT', message: 'Send {"code": "…"} as JSON.' }, 400);
    try {
      const session = await redeemSignInCode(prisma, code);
      c.header('Cache-Control', 'no-store');
      return c.json(session);
    } catch (error) {
      if (error instanceof DomainError) {
        c.get('countError')?.(error.code, 'http');
        return c.json({ code: error.code, message: error.message }, 400);
      }
      throw error;
    }
  });
}
