import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const [backend] = await backends(); // no database involved

describe('GraphiQL page and assets', () => {
  let t: TestServer;
  beforeAll(async () => {
    // A tiny GraphQL budget: the page and its assets must not touch it.
    t = await startTestServer(backend, {
      GRAPHQL_RATE_LIMIT_POINTS: 1,
      RATE_LIMIT_PER_SECOND: 1,
      RATE_LIMIT_BURST: 0,
    });
  });
  afterAll(() => t.close());

  it('serves a small page that loads content-hashed, immutable assets from this server only', async () => {
    const page = await fetch(t.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html.length).toBeLessThan(5000);
    const assets = [...html.matchAll(/"(\/graphiql\/[\w.-]+\.[0-9a-f]{16}\.(?:js|css|ico))"/g)].map(
      (m) => m[1],
    );
    expect(assets.length).toBe(6); // script, stylesheet, favicon, three workers
    // Offline: nothing from another host.
    expect(html).not.toMatch(/(?:src|href)="https?:/);
    let total = 0;
    for (const path of assets) {
      const res = await fetch(`${t.server.url}${path}`, { headers: { 'accept-encoding': 'br' } });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('content-type')).toMatch(
        path.endsWith('.css')
          ? /^text\/css/
          : path.endsWith('.ico')
            ? /^image\//
            : /^text\/javascript/,
      );
      expect(res.headers.get('ratelimit')).toBeNull();
      total += (await res.arrayBuffer()).byteLength;
    }
    expect(total).toBeGreaterThan(5_000_000); // GraphiQL itself, decompressed by fetch
    expect((await fetch(`${t.server.url}/graphiql/graphiql.0000000000000000.js`)).status).toBe(404);
  });

  it('may not be framed by another page (CSP frame-ancestors and X-Frame-Options)', async () => {
    const page = await fetch(t.url, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('opens with the Headers tab showing an Authorization: Bearer template, for new tabs too', async () => {
    const html = await (await fetch(t.url, { headers: { accept: 'text/html' } })).text();
    const options = JSON.parse(
      /renderYogaGraphiQL\([^,]+, [\s\S]*\}\)\((\{.*\})\)\);/.exec(html)![1],
    );
    expect(options.defaultEditorToolsVisibility).toBe('headers');
    expect(JSON.parse(options.headers)).toEqual({
      Authorization: expect.stringMatching(/^Bearer /),
    });
    expect(options.defaultHeaders).toBe(options.headers);
  });

  it('is never rate-limited: 30 page loads and 10 asset fetches on an exhausted budget', async () => {
    const page = await fetch(t.url, { headers: { accept: 'text/html' } });
    const script = /src="(\/graphiql\/graphiql\.[0-9a-f]{16}\.js)"/.exec(await page.text())![1];
    // Pages concurrently; the 5 MB script one after another (40 at once starve a shared 2-core machine).
    const statuses = await Promise.all(
      Array.from({ length: 30 }, () =>
        fetch(t.url, { headers: { accept: 'text/html' } }).then(
          async (r) => (await r.text(), r.status),
        ),
      ),
    );
    for (let i = 0; i < 10; i++) {
      const r = await fetch(`${t.server.url}${script}`, { headers: { 'accept-encoding': 'br' } });
      await r.arrayBuffer();
      statuses.push(r.status);
    }
    expect(statuses).toEqual(Array(40).fill(200));
  });
});
