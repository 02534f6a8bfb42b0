import type { Hono } from 'hono';
import type { PrismaClient } from '../db/database.js';
import { findLogo } from '../domain/logos.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * `GET /logos/<sha256>.<ext>`: connector logos by content address. Public on purpose, with no
 * token and no rate limit: the path is the SHA-256 of the image bytes, so it can only be known
 * from a GraphQL answer that was allowed to show the connector (unguessable), and it names those
 * exact bytes forever (content-addressed), so browsers and proxies may cache it for good.
 * Any origin may load it (CORS `*`, no credentials): a browser app on another origin can draw it
 * on a canvas or fetch it, as it can read the `logoUrl` that names it.
 */
export function serveLogos(app: Hono<any>, prisma: PrismaClient): void {
  app.on(['GET', 'HEAD'], '/logos/:file', async (c) => {
    const match = /^([0-9a-f]{64})\.(png|jpg|gif|webp)$/.exec(c.req.param('file'));
    const logo = match ? await findLogo(prisma, match[1]!, match[2]!) : null;
    if (!logo) {
      const message = `No logo ${c.req.path}.`;
      return c.json({ message, errors: [{ message, extensions: { code: 'NOT_FOUND' } }] }, 404, {
        'Access-Control-Allow-Origin': '*',
      });
    }
    const etag = `"${match![1]}"`;
    const headers = {
      'Cache-Control': IMMUTABLE,
      ETag: etag,
      'X-Content-Type-Options': 'nosniff',
      'Access-Control-Allow-Origin': '*',
      'Cross-Origin-Resource-Policy': 'cross-origin',
    };
    if (
      (c.req.header('if-none-match') ?? '')
        .split(/\s*,\s*/)
        .some((t) => t.replace(/^W\//, '') === etag || t === '*')
    ) {
      return c.body(null, 304, headers);
    }
    return c.body(new Uint8Array(logo.bytes), 200, {
      ...headers,
      'Content-Type': logo.mime,
      'Content-Length': String(logo.bytes.length),
    });
  });
}
