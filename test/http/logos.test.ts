import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { PNG_1PX, validCode } from '../fixtures/code.js';
import { CREATE, UPDATE } from '../helpers/documents.js';

const LOGOS = `{ connectors(first: 10) { nodes { id title logoUrl } } }`;
const PNG_BYTES = Buffer.from(PNG_1PX, 'base64');
const PNG_SHA = createHash('sha256').update(PNG_BYTES).digest('hex');

for (const backend of await backends()) {
  describe(`logos are served by URL, not inlined in GraphQL (${backend})`, () => {
    let t: TestServer;
    let admin: string;

    beforeAll(async () => {
      t = await startTestServer(backend);
      admin = await t.token('acme');
      await t.gql(
        CREATE,
        { input: { title: 'With Logo', code: validCode({ title: 'With Logo' }), logo: PNG_1PX } },
        admin,
      );
      await t.gql(
        CREATE,
        { input: { title: 'Without Logo', code: validCode({ title: 'Without Logo' }) } },
        admin,
      );
    });
    afterAll(() => t.close());

    it('lists a content-addressed logoUrl and no base64 image', async () => {
      const res = await t.gql(LOGOS, {}, admin);
      const byTitle = Object.fromEntries(
        res.body.data.connectors.nodes.map((n: any) => [n.title, n.logoUrl]),
      );
      // Absolute, on the server the request went to: a client on another origin can use it as is.
      expect(byTitle).toEqual({
        'With Logo': `${t.server.url}/logos/${PNG_SHA}.png`,
        'Without Logo': null,
      });
      expect(JSON.stringify(res.body)).not.toContain(PNG_1PX.slice(0, 20));
    });

    it('serves the exact bytes without a token, immutable, with the hash as ETag', async () => {
      const list = await t.gql(LOGOS, {}, admin);
      const url = list.body.data.connectors.nodes.find((n: any) => n.title === 'With Logo').logoUrl;
      const res = await fetch(new URL(url, t.url));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('etag')).toBe(`"${PNG_SHA}"`);
      expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG_BYTES);
      // Any origin may load it (a browser app on another origin drawing it on a canvas).
      expect(res.headers.get('access-control-allow-origin')).toBe('*');

      const again = await fetch(new URL(url, t.url), {
        headers: { 'if-none-match': `"${PNG_SHA}"` },
      });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
    });

    it('answers 404 for an unknown hash, a wrong extension or a malformed name', async () => {
      for (const path of [
        `/logos/${'0'.repeat(64)}.png`,
        `/logos/${PNG_SHA}.jpg`,
        `/logos/${PNG_SHA}.svg`,
        `/logos/${PNG_SHA.toUpperCase()}.png`,
        '/logos/x.png',
      ]) {
        const res = await fetch(new URL(path, t.url));
        expect(res.status, path).toBe(404);
        expect(res.headers.get('content-type')).toMatch(/application\/json/);
      }
    });

    it('follows logo changes: a new image gets a new URL, a removed one 404s', async () => {
      const id = (
        await t.gql(
          CREATE,
          { input: { title: 'Changes', code: validCode({ title: 'Changes' }), logo: PNG_1PX } },
          admin,
        )
      ).body.data.createConnector.connector!.id;
      const gif = Buffer.from(
        'R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==',
        'base64',
      );
      const updated = await t.gql(UPDATE, { input: { id, logo: gif.toString('base64') } }, admin);
      const gifUrl = updated.body.data.updateConnector.connector!.logoUrl!;
      expect(gifUrl).toBe(
        `${t.server.url}/logos/${createHash('sha256').update(gif).digest('hex')}.gif`,
      );
      const res = await fetch(new URL(gifUrl, t.url));
      expect(res.headers.get('content-type')).toBe('image/gif');
      expect(Buffer.from(await res.arrayBuffer())).toEqual(gif);

      await t.gql(UPDATE, { input: { id, logo: '' } }, admin);
      expect((await fetch(new URL(gifUrl, t.url))).status).toBe(404);
    });
  });
}
