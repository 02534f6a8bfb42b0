import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** A raw HTTP call (no automatic decompression), so the test sees what travels on the wire. */
function raw(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: Record<string, any>; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const r = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          bytes: Buffer.concat(chunks),
        }),
      );
    });
    r.on('error', reject);
    if (body) r.write(body);
    r.end();
  });
}

for (const backend of await backends()) {
  describe(`CORS, compression and conditional GETs (${backend})`, () => {
    let t: TestServer;
    let token: string;
    beforeAll(async () => {
      t = await startTestServer(backend, {
        CORS_ORIGINS: ['https://app.example', 'https://admin.example'],
      });
      token = await t.token('acme');
    });
    afterAll(() => t.close());

    it('answers preflights for /graphql and /api without a token, for allowed origins only, never with credentials', async () => {
      for (const path of ['/graphql', '/api/custom_connectors/search']) {
        const pre = await fetch(`${t.server.url}${path}`, {
          method: 'OPTIONS',
          headers: {
            origin: 'https://app.example',
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization, content-type',
          },
        });
        expect(pre.status, path).toBe(204);
        expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.example');
        expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
          'authorization',
        );
        expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
        const other = await fetch(`${t.server.url}${path}`, {
          method: 'OPTIONS',
          headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
        });
        expect(other.headers.get('access-control-allow-origin')).toBeNull();
      }
      const res = await fetch(t.url, {
        method: 'POST',
        headers: {
          origin: 'https://admin.example',
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(res.headers.get('access-control-allow-origin')).toBe('https://admin.example');
      expect(res.headers.get('access-control-expose-headers')).toContain('RateLimit');
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    });

    it('compresses JSON answers with brotli or gzip as the client accepts', async () => {
      const body = JSON.stringify({ query: '{ __schema { types { name description } } }' });
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const plain = await raw(t.url, 'POST', headers, body);
      expect(plain.headers['content-encoding']).toBeUndefined();
      const br = await raw(t.url, 'POST', { ...headers, 'accept-encoding': 'gzip, br' }, body);
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.bytes.length).toBeLessThan(plain.bytes.length / 3);
      expect(JSON.parse(brotliDecompressSync(br.bytes).toString()).data).toEqual(
        JSON.parse(plain.bytes.toString()).data,
      );
      const gz = await raw(t.url, 'POST', { ...headers, 'accept-encoding': 'gzip, br;q=0' }, body);
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(JSON.parse(gunzipSync(gz.bytes).toString()).data).toEqual(
        JSON.parse(plain.bytes.toString()).data,
      );
      expect(gz.headers.vary).toContain('Accept-Encoding');
    });

    it('gives GET queries an ETag and answers 304 when it still matches', async () => {
      const url = `${t.url}?query=${encodeURIComponent('{ connectors(first: 5) { totalCount nodes { title } } }')}`;
      const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
      const first = await fetch(url, { headers });
      const etag = first.headers.get('etag');
      expect(first.status).toBe(200);
      expect(etag).toMatch(/^"[\w-]+"$/);
      const again = await fetch(url, { headers: { ...headers, 'if-none-match': etag! } });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
      expect(again.headers.get('ratelimit')).toMatch(/^"graphql";r=\d+/);
      // A change makes the old ETag stale.
      await t.rest('POST', '/api/custom_connectors', {
        token,
        body: { title: 'New', code: "{ title: 'New' }" },
      });
      const changed = await fetch(url, { headers: { ...headers, 'if-none-match': etag! } });
      expect(changed.status).toBe(200);
      expect(changed.headers.get('etag')).not.toBe(etag);
    });
  });
}
