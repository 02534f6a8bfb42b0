import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_DIST } from '../../src/http/console.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ensureConsoleBuilt } from '../web/browser.js';

// The gateway serves the built console at / next to the API: immutable, precompressed assets,
// the app's pages for client routes, and the console's operations only by persisted id.
describe('the console at /', () => {
  let t: TestServer;
  let base: string;
  beforeAll(async () => {
    ensureConsoleBuilt();
    t = await startTestServer('pglite');
    base = t.server.url;
  }, 300_000);
  afterAll(() => t?.close());

  const assets = () =>
    readdirSync(join(CONSOLE_DIST, 'public', 'assets')).filter((f) => f.endsWith('.js'));

  it('answers pages with index.html, never cached, with a same-origin CSP', async () => {
    for (const path of ['/', '/connectors', '/connectors/Q29ubmVjdG9yOjE/history', '/sign-in']) {
      const res = await fetch(base + path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      const html = await res.text();
      expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js">/);
      // Nothing from other hosts.
      expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
    }
  });

  it('serves content-hashed assets for a year, precompressed with brotli or gzip', async () => {
    const file = assets()[0];
    const raw = readFileSync(join(CONSOLE_DIST, 'public', 'assets', file));
    const br = await fetch(`${base}/assets/${file}`, { headers: { 'accept-encoding': 'br' } });
    expect(br.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('content-type')).toMatch(/javascript/);
    // fetch decodes brotli itself: the body is the file.
    expect(Buffer.from(await br.arrayBuffer()).equals(raw)).toBe(true);
    const gz = await fetch(`${base}/assets/${file}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(Buffer.from(await gz.arrayBuffer()).equals(raw)).toBe(true);
    expect(
      gunzipSync(readFileSync(join(CONSOLE_DIST, 'public', 'assets', file + '.gz'))).equals(raw),
    ).toBe(true);
    expect(
      brotliDecompressSync(
        readFileSync(join(CONSOLE_DIST, 'public', 'assets', file + '.br')),
      ).equals(raw),
    ).toBe(true);
    expect((await fetch(`${base}/assets/no-such-file.js`)).status).toBe(404);
  });

  it('keeps the API, its 404s and GraphiQL where they were', async () => {
    const api = await fetch(`${base}/api/nothing-here`, {
      headers: { authorization: `Bearer ${await t.token('acme')}` },
    });
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error_code: 'NOT_FOUND' });
    const graphiql = await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } });
    expect(await graphiql.text()).toMatch(/graphiql/i);
  });

  it('runs the console operations by persisted id and refuses unknown ids', async () => {
    const documents = JSON.parse(
      readFileSync(join(CONSOLE_DIST, 'persisted-documents.json'), 'utf8'),
    ) as Record<string, string>;
    const [id] = Object.entries(documents).find(([, text]) =>
      text.startsWith('query AppViewerQuery'),
    )!;
    const token = await t.token('acme', 'DEVELOPER', 'dev');
    const post = (body: unknown) =>
      fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
    const ok = await post({ documentId: `sha256:${id}`, variables: {} });
    expect((await ok.json()).data.viewer).toMatchObject({
      member: { handle: 'dev', role: 'DEVELOPER' },
      canWrite: true,
    });
    const unknown = await post({ documentId: 'sha256:' + '0'.repeat(64) });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    // Every id is the SHA-256 of its text.
    const { createHash } = await import('node:crypto');
    for (const [docId, text] of Object.entries(documents))
      expect(createHash('sha256').update(text).digest('hex')).toBe(docId);
  });
});
