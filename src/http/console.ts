import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono, MiddlewareHandler } from 'hono';
import type { Env, Refuse } from './guard.js';

/** Where `scripts/console-build.mjs` puts the built console (web/dist) and its allowlist. */
export const CONSOLE_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));
const PUBLIC_DIR = join(CONSOLE_DIST, 'public');
const DOCUMENTS_FILE = join(CONSOLE_DIST, 'persisted-documents.json');

/** Paths the console never answers: the API and operations endpoints keep theirs (and their 404s). */
const NOT_CONSOLE = /^\/(?:graphql|api|health|ready|metrics|logos)(?:\/|$)/;

/**
 * The console's operations, compiled by Relay from schema.graphql and persisted by hash: id → text.
 * Read again when the file changes, so a rebuild is picked up without a restart.
 */
export function createDocumentStore(file: string = DOCUMENTS_FILE) {
  let cache: { mtimeMs: number; documents: Map<string, string>; texts: Set<string> } | undefined;
  const current = () => {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch {
      return undefined;
    }
    if (!cache || cache.mtimeMs !== mtimeMs) {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
      cache = {
        mtimeMs,
        documents: new Map(Object.entries(parsed)),
        texts: new Set(Object.values(parsed)),
      };
    }
    return cache;
  };
  return {
    get(id: string): string | undefined {
      return current()?.documents.get(id);
    },
    /** Whether `text` is, character for character, one of the allowlisted documents. */
    has(text: string): boolean {
      return current()?.texts.has(text) ?? false;
    },
  };
}

/**
 * Requests that name a persisted document (`{"documentId": "sha256:…", "variables": …}`, the
 * GraphQL-over-HTTP persisted documents shape the console sends) get the document's text from the
 * console's allowlist before GraphQL runs; an unknown id is refused. Requests with a `query` pass
 * through untouched.
 */
export function persistedDocuments(
  store: ReturnType<typeof createDocumentStore>,
  refuse: Refuse,
): MiddlewareHandler<Env> {
  return async (c, next) => {
    const body = c.get('body');
    // Only a body naming a documentId is parsed here (a byte search, not a second JSON.parse of every body).
    if (c.req.method !== 'POST' || !body || Buffer.from(body).indexOf('"documentId"') < 0)
      return next();
    let params: Record<string, unknown>;
    try {
      params = JSON.parse(new TextDecoder().decode(body));
    } catch {
      return next(); // GraphQL's own parser words the refusal
    }
    if (
      !params ||
      typeof params !== 'object' ||
      Array.isArray(params) ||
      typeof params.documentId !== 'string' ||
      'query' in params
    )
      return next();
    const id = params.documentId.replace(/^sha256:/, '');
    const query = store.get(id);
    if (!query)
      return refuse(
        c,
        400,
        'PERSISTED_QUERY_NOT_FOUND',
        `No persisted document ${params.documentId}.`,
      );
    const { documentId: _, ...rest } = params;
    const rewritten = new TextEncoder().encode(JSON.stringify({ ...rest, query }));
    c.set('body', rewritten.buffer as ArrayBuffer);
    c.set('trustedDocument', id);
    return next();
  };
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Connector registry</title></head>
<body><main><h1>The console is not built</h1><p><code>npm start</code> builds it before serving; or run
<code>npm run console:build</code>. The API is at <a href="/graphql">/graphql</a>.</p></main></body></html>`;

/**
 * Serves the built console: content-hashed files under /assets/ are immutable for a year and sent
 * precompressed (brotli or gzip, made at build time); every other page path gets index.html, never
 * cached, so a new build is seen at once.
 */
export function serveConsole(app: Hono<Env>, dir = PUBLIC_DIR): void {
  app.use(
    '/assets/*',
    serveStatic({
      root: dir,
      precompressed: true,
      onFound: (_path, c) => {
        c.header('Cache-Control', 'public, max-age=31536000, immutable');
      },
    }),
  );
  app.get('*', async (c, next) => {
    if (NOT_CONSOLE.test(c.req.path) || c.req.path.startsWith('/assets/')) return next();
    const index = join(dir, 'index.html');
    if (!existsSync(index)) return c.html(NOT_BUILT, 503);
    c.header('Cache-Control', 'no-cache');
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    // Everything the console loads comes from this origin (it works offline).
    c.header(
      'Content-Security-Policy',
      "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
    return c.html(readFileSync(index, 'utf8'));
  });
}
