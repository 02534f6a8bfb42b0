import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { useServer } from '../helpers/fixtures.js';
import type { TestServer } from '../helpers/server.js';

const SSE_CLIENT = fileURLToPath(new URL('./sse-client.mjs', import.meta.url));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function post(
  t: TestServer,
  token: string,
  body: unknown,
  accept = 'application/graphql-response+json',
) {
  return fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept, authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
}

const [firstBackend] = await backends();

for (const backend of await backends()) {
  describe(`automatic persisted queries, @defer and graphql-sse (${backend})`, () => {
    const t = useServer(backend);

    it('runs a query sent by hash once the server has seen its text (APQ)', async () => {
      const query = '{ connectors(first: 3) { totalCount } }';
      const persistedQuery = { version: 1, sha256Hash: sha256(query) };
      const unknown = await post(t, t.tokens.admin, { extensions: { persistedQuery } });
      expect((await unknown.json()).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
      const register = await post(t, t.tokens.admin, { query, extensions: { persistedQuery } });
      expect((await register.json()).data.connectors.totalCount).toBe(0);
      const byHash = await post(t, t.tokens.admin, { extensions: { persistedQuery } });
      expect((await byHash.json()).data.connectors.totalCount).toBe(0);
      const lie = await post(t, t.tokens.admin, {
        query: '{ __typename }',
        extensions: { persistedQuery },
      });
      expect((await lie.json()).errors[0].extensions.code).toBe('PERSISTED_QUERY_MISMATCH');
    });

    it('delivers @defer fragments incrementally', async () => {
      const res = await post(
        t,
        t.tokens.admin,
        {
          query:
            '{ connectors(first: 2) { totalCount ... @defer(label: "rest") { nodes { id } } } }',
        },
        'text/event-stream',
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const text = await res.text();
      expect(text).toContain('"hasNext":true');
      expect(text).toContain('"incremental"');
      expect(text).toContain('"label":"rest"');
    });

    // The real graphql-sse client in single-connection mode, in its own process; the server runs
    // in this one, so a fault when the client hangs up would surface here as an unhandled error.
    it('serves graphql-sse single-connection clients and survives them hanging up', async () => {
      const client = spawn(process.execPath, [SSE_CLIENT], {
        env: {
          ...process.env,
          STREAM_URL: `${t.server.url}/graphql/stream`,
          TOKEN: t.tokens.admin,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      // Listened for from the start: a client whose subscription was refused may end on its own
      // before it is told to, and an 'exit' listened for after that would never come.
      const exited = new Promise((r) => client.once('exit', r));
      const steps: any[] = [];
      const lines = createInterface({ input: client.stdout! });
      lines.on('line', (line) => steps.push(JSON.parse(line)));
      const until = async (step: string) => {
        for (let i = 0; i < 200 && !steps.some((s) => s.step === step); i++)
          await new Promise((r) => setTimeout(r, 50));
        return steps.find((s) => s.step === step);
      };
      expect((await until('query'))?.result.data.connectors.totalCount).toBe(0);
      expect(await until('subscribed')).toBeDefined();
      client.kill('SIGTERM');
      await exited;
      await new Promise((r) => setTimeout(r, 500));
      const health = await fetch(`${t.server.url}/health`);
      expect(health.status).toBe(200);
      const again = await post(t, t.tokens.admin, {
        query: '{ connectors(first: 1) { totalCount } }',
      });
      expect((await again.json()).data.connectors.totalCount).toBe(0);
    });
  });
}

describe('trusted documents only', () => {
  const doc = 'query Count { connectors(first: 1) { totalCount } }';
  const id = sha256(doc);
  const file = join(mkdtempSync(join(tmpdir(), 'trusted-')), 'persisted-documents.json');
  writeFileSync(file, JSON.stringify({ [id]: doc }));
  const t = useServer(firstBackend, { TRUSTED_DOCUMENTS_FILE: file, TRUSTED_DOCUMENTS_ONLY: true });

  it('runs allowlisted documents by documentId or hash and refuses any other text', async () => {
    const byId = await post(t, t.tokens.admin, { documentId: `sha256:${id}` });
    expect((await byId.json()).data.connectors.totalCount).toBe(0);
    const byHash = await post(t, t.tokens.admin, {
      extensions: { persistedQuery: { version: 1, sha256Hash: id } },
    });
    expect((await byHash.json()).data.connectors.totalCount).toBe(0);
    const text = await post(t, t.tokens.admin, { query: doc });
    expect(text.status).toBe(400);
    expect((await text.json()).errors[0].extensions.code).toBe('TRUSTED_DOCUMENTS_ONLY');
    const unknown = await post(t, t.tokens.admin, {
      documentId: `sha256:${sha256('{ __typename }')}`,
    });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});
