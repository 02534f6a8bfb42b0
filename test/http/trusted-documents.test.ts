import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * TRUSTED_DOCUMENTS_ONLY holds on every GraphQL entry point: POST and GET on /graphql, SSE in
 * distinct-connections mode (on /graphql and on /graphql/stream), graphql-sse's single-connection
 * mode, `@defer` over multipart, and APQ. An attacker's text (an introspection, a mutation) is
 * refused on each; the allowlisted documents still run on each.
 */
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const COUNT = 'query Count { connectors(first: 5) { totalCount } }';
const DEFERRED =
  'query Deferred { connectors(first: 1) { totalCount ... @defer(label: "rest") { nodes { id } } } }';
const EVENTS = 'subscription Events { lifecycleEvents { __typename } }';
const INTROSPECTION = '{ __schema { types { name } } }';
const MUTATION =
  'mutation { createConnector(input: { title: "Planted", code: "{ title: \'x\' }" }) { connector { id } userErrors { code } } }';

for (const backend of await backends()) {
  describe(`trusted documents only, every entry point (${backend})`, () => {
    let t: TestServer;
    let token: string;
    let base: string;
    const auth = () => ({ authorization: `Bearer ${token}` });
    beforeAll(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'trusted-'));
      const file = join(dir, 'persisted-documents.json');
      writeFileSync(
        file,
        JSON.stringify({
          [sha256(COUNT)]: COUNT,
          [sha256(DEFERRED)]: DEFERRED,
          [sha256(EVENTS)]: EVENTS,
        }),
      );
      t = await startTestServer(backend, {
        TRUSTED_DOCUMENTS_FILE: file,
        TRUSTED_DOCUMENTS_ONLY: true,
      });
      token = await t.token('acme');
      base = t.server.url;
    });
    afterAll(() => t.close());

    const count = async () => {
      const res = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { ...auth(), 'content-type': 'application/json' },
        body: JSON.stringify({ documentId: `sha256:${sha256(COUNT)}` }),
      });
      return (await res.json()).data.connectors.totalCount as number;
    };
    /** Whatever the transport, a refusal carries TRUSTED_DOCUMENTS_ONLY and no data. */
    const expectRefused = async (res: Response) => {
      const text = await res.text();
      expect(text, `status ${res.status}`).toContain('TRUSTED_DOCUMENTS_ONLY');
      expect(text).not.toContain('__Schema');
      expect(text).not.toContain('"types"');
      expect(text).not.toContain('createConnector":{');
      expect(res.status).toBeLessThan(500);
    };

    it('refuses query text on POST and GET /graphql', async () => {
      await expectRefused(
        await fetch(`${base}/graphql`, {
          method: 'POST',
          headers: { ...auth(), 'content-type': 'application/json' },
          body: JSON.stringify({ query: INTROSPECTION }),
        }),
      );
      await expectRefused(
        await fetch(`${base}/graphql?query=${encodeURIComponent(INTROSPECTION)}`, {
          headers: { ...auth(), accept: 'application/json' },
        }),
      );
    });

    it('refuses query text over SSE on /graphql and over graphql-sse distinct connections on /graphql/stream', async () => {
      const sse = { ...auth(), 'content-type': 'application/json', accept: 'text/event-stream' };
      await expectRefused(
        await fetch(`${base}/graphql`, {
          method: 'POST',
          headers: sse,
          body: JSON.stringify({ query: INTROSPECTION }),
        }),
      );
      await expectRefused(
        await fetch(`${base}/graphql/stream`, {
          method: 'POST',
          headers: sse,
          body: JSON.stringify({ query: MUTATION }),
        }),
      );
      await expectRefused(
        await fetch(`${base}/graphql/stream?query=${encodeURIComponent(INTROSPECTION)}`, {
          headers: { ...auth(), accept: 'text/event-stream' },
        }),
      );
      expect(await count()).toBe(0);
    });

    it('refuses query text in graphql-sse single-connection mode', async () => {
      const reserved = await fetch(`${base}/graphql/stream`, { method: 'PUT', headers: auth() });
      expect(reserved.status).toBe(201);
      const streamToken = await reserved.text();
      const listen = new AbortController();
      const stream = await fetch(`${base}/graphql/stream`, {
        headers: {
          ...auth(),
          accept: 'text/event-stream',
          'x-graphql-event-stream-token': streamToken,
        },
        signal: listen.signal,
      });
      expect(stream.status).toBe(200);
      try {
        const headers = {
          ...auth(),
          'content-type': 'application/json',
          'x-graphql-event-stream-token': streamToken,
        };
        await expectRefused(
          await fetch(`${base}/graphql/stream`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ query: MUTATION, extensions: { operationId: 'op1' } }),
          }),
        );
        await expectRefused(
          await fetch(`${base}/graphql/stream`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ query: INTROSPECTION, extensions: { operationId: 'op2' } }),
          }),
        );
        // The allowlisted document, named by its id, runs on the same stream.
        const ok = await fetch(`${base}/graphql/stream`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            documentId: `sha256:${sha256(COUNT)}`,
            extensions: { operationId: 'op3' },
          }),
        });
        expect(ok.status).toBe(202);
        const reader = stream.body!.getReader();
        let seen = '';
        while (!seen.includes('"totalCount"'))
          seen += new TextDecoder().decode((await reader.read()).value);
        expect(seen).toContain('"totalCount":0');
      } finally {
        listen.abort();
      }
      expect(await count()).toBe(0);
    });

    it('refuses query text with @defer over multipart and with an APQ hash', async () => {
      const text = 'query { connectors(first: 1) { totalCount ... @defer { nodes { id code } } } }';
      await expectRefused(
        await fetch(`${base}/graphql`, {
          method: 'POST',
          headers: { ...auth(), 'content-type': 'application/json', accept: 'multipart/mixed' },
          body: JSON.stringify({ query: text }),
        }),
      );
      const apq = {
        extensions: { persistedQuery: { version: 1, sha256Hash: sha256(INTROSPECTION) } },
      };
      await expectRefused(
        await fetch(`${base}/graphql`, {
          method: 'POST',
          headers: { ...auth(), 'content-type': 'application/json' },
          body: JSON.stringify({ query: INTROSPECTION, ...apq }),
        }),
      );
      const byHash = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { ...auth(), 'content-type': 'application/json' },
        body: JSON.stringify(apq),
      });
      expect(byHash.status).toBe(400);
      expect((await byHash.json()).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    });

    it('runs the allowlisted documents on every entry point', async () => {
      expect(await count()).toBe(0);
      const byHash = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { ...auth(), 'content-type': 'application/json' },
        body: JSON.stringify({
          extensions: { persistedQuery: { version: 1, sha256Hash: sha256(COUNT) } },
        }),
      });
      expect((await byHash.json()).data.connectors.totalCount).toBe(0);
      const deferred = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { ...auth(), 'content-type': 'application/json', accept: 'multipart/mixed' },
        body: JSON.stringify({ documentId: sha256(DEFERRED) }),
      });
      expect(deferred.headers.get('content-type')).toMatch(/^multipart\/mixed/);
      expect(await deferred.text()).toContain('"label":"rest"');
      const onStream = await fetch(`${base}/graphql/stream`, {
        method: 'POST',
        headers: { ...auth(), 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ documentId: sha256(COUNT) }),
      });
      expect(await onStream.text()).toContain('"totalCount":0');
      const listen = new AbortController();
      const events = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { ...auth(), 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ documentId: sha256(EVENTS) }),
        signal: listen.signal,
      });
      expect(events.status).toBe(200);
      expect(events.headers.get('content-type')).toMatch(/^text\/event-stream/);
      listen.abort();
    });
  });
}
