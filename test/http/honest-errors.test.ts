import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { validCode } from '../fixtures/code.js';

interface LogLine {
  level: number;
  msg: string;
  err?: unknown;
  code?: string;
  status?: number;
}

/** Collects the server's JSON log lines. */
function logSink() {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, stream };
}

async function metric(t: TestServer, pattern: RegExp): Promise<string[]> {
  const text = await (await fetch(`${t.server.url}/metrics`)).text();
  return text.split('\n').filter((l) => pattern.test(l));
}

for (const backend of await backends()) {
  describe(`client mistakes are answered as such, never as internal errors (${backend})`, () => {
    let t: TestServer;
    let token: string;
    const log = logSink();

    beforeAll(async () => {
      t = await startTestServer(backend, { LOG_LEVEL: 'debug' }, { logDestination: log.stream });
      token = await t.token('acme');
    });
    afterAll(() => t.close());

    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(t.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          ...headers,
        },
        body,
      });
    const get = (query: string) =>
      fetch(`${t.url}?${query}`, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      });

    it('answers each GraphQL mistake with its own code, logs it below error level and does not count it as internal', async () => {
      const cases: [string, string][] = [
        [JSON.stringify({ query: '{ connectors { totalCount } }' }), 'BAD_USER_INPUT'],
        [JSON.stringify({ query: '{ connectors(first: 1) { ' }), 'GRAPHQL_PARSE_FAILED'],
        [JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]), 'BAD_REQUEST'],
        [
          JSON.stringify({
            query: 'query($n: Int) { connectors(first: $n) { totalCount } }',
            variables: { n: 'x' },
          }),
          'BAD_USER_INPUT',
        ],
        [JSON.stringify({ query: '{ nope }' }), 'GRAPHQL_VALIDATION_FAILED'],
        [
          JSON.stringify({
            query: '{ connectors(first: 1, after: "R1BDOlM6YWJj") { totalCount } }',
          }),
          'BAD_USER_INPUT',
        ],
        [
          JSON.stringify({
            query: '{ connectors(first: 1, after: "Q29ubmVjdG9yOjE=") { totalCount } }',
          }),
          'BAD_USER_INPUT',
        ],
        [
          `{"query":"query($v: JSON) { __typename }","variables":{"v":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`,
          'BAD_USER_INPUT',
        ],
        ['{"query": "{ __typename }", "variables": 7}', 'BAD_REQUEST'],
      ];
      for (const [body, code] of cases) {
        const res = await post(body);
        const json = await res.json();
        expect(res.status, body.slice(0, 80)).toBeGreaterThanOrEqual(200);
        expect(res.status, body.slice(0, 80)).toBeLessThan(500);
        expect(json.errors?.[0]?.extensions?.code, body.slice(0, 80)).toBe(code);
      }
      expect(log.lines.filter((l) => l.level >= 50)).toEqual([]);
      expect(log.lines.filter((l) => l.msg === 'internal error')).toEqual([]);
      expect(await metric(t, /registry_errors_total\{code="INTERNAL_SERVER_ERROR"/)).toEqual([]);
      expect((await metric(t, /registry_errors_total\{code="GRAPHQL_PARSE_FAILED"/)).length).toBe(
        1,
      );
      expect(log.lines.some((l) => l.level <= 30 && l.code === 'GRAPHQL_PARSE_FAILED')).toBe(true);
    });

    it('answers 400 BAD_USER_INPUT for crafted cursors and deeply nested variables', async () => {
      for (const after of ['R1BDOlM6YWJj', 'R1BDOk46MTIzYWJj', '!!!', 'Q29ubmVjdG9yOi0x']) {
        const res = await post(
          JSON.stringify({
            query: 'query($a: String) { connectors(first: 1, after: $a) { totalCount } }',
            variables: { a: after },
          }),
        );
        expect(res.status, after).toBe(400);
        expect((await res.json()).errors[0].extensions.code, after).toBe('BAD_USER_INPUT');
      }
      const deep = await post(
        `{"query":"{ __typename }","variables":{"v":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}}`,
      );
      expect(deep.status).toBe(400);
      expect((await deep.json()).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    });

    it('answers 400 BAD_REQUEST for undecodable GET parameters', async () => {
      for (const q of [
        'query={__typename}&variables=%7B',
        'query={__typename}&extensions=%7B',
        'query={__typename}&variables=%FF',
        'query=%FF',
        'query={__typename}&variables=[1]',
      ]) {
        const res = await get(q);
        expect(res.status, q).toBe(400);
        expect((await res.json()).errors[0].extensions.code, q).toBe('BAD_REQUEST');
      }
      expect(log.lines.filter((l) => l.level >= 50)).toEqual([]);
    });

    it('does not record aborted or truncated bodies as server errors', async () => {
      const port = Number(new URL(t.url).port);
      for (let i = 0; i < 3; i++) {
        await new Promise<void>((resolve) => {
          const socket = connect(port, '127.0.0.1', () => {
            socket.write(
              `POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"query":`,
            );
            setTimeout(() => socket.destroy(), 100);
          });
          socket.on('close', () => resolve());
          socket.on('error', () => resolve());
        });
      }
      await new Promise((r) => setTimeout(r, 300));
      expect(await metric(t, /registry_http_requests_total\{.*status="5\d\d"/)).toEqual([]);
      expect(log.lines.filter((l) => l.level >= 50)).toEqual([]);
      expect((await fetch(`${t.server.url}/health`)).status).toBe(200);
    });

    it('answers 415 with a JSON body and a code', async () => {
      const res = await post('<query/>', { 'content-type': 'text/xml' });
      expect(res.status).toBe(415);
      expect(res.headers.get('content-type')).toContain('json');
      expect((await res.json()).errors[0].extensions.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers 405 with Allow for methods an endpoint does not take', async () => {
      const cases: [string, string, string][] = [
        ['PUT', '/graphql', 'GET, POST, OPTIONS'],
        ['DELETE', '/graphql', 'GET, POST, OPTIONS'],
        ['POST', '/health', 'GET, HEAD'],
        ['DELETE', '/ready', 'GET, HEAD'],
        ['POST', '/metrics', 'GET, HEAD'],
      ];
      for (const [method, path, allow] of cases) {
        const res = await fetch(`${t.server.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}` },
        });
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(res.headers.get('allow'), `${method} ${path}`).toBe(allow);
        expect((await res.json()).errors[0].extensions.code).toBe('METHOD_NOT_ALLOWED');
      }
      const restRes = await t.rest('DELETE', '/api/custom_connectors/search', { token });
      expect(restRes.status).toBe(405);
      expect(restRes.headers.allow).toBe('GET, HEAD');
      expect(restRes.body.error_code).toBe('METHOD_NOT_ALLOWED');
    });

    it('treats REST ids that only look like 1 (1e0, 0x1, 1.0, +1, 01) as unknown', async () => {
      const created = await t.rest('POST', '/api/custom_connectors', {
        token,
        body: { title: 'One', code: validCode() },
      });
      expect(created.status).toBe(200);
      const id = created.body.id;
      expect((await t.rest('GET', `/api/custom_connectors/${id}/code`, { token })).status).toBe(
        200,
      );
      for (const alias of id === 1
        ? ['1e0', '0x1', '1.0', '+1', '01', ' 1']
        : [`${id}.0`, `0${id}`, `${id}e0`]) {
        const res = await t.rest(
          'GET',
          `/api/custom_connectors/${encodeURIComponent(alias)}/code`,
          { token },
        );
        expect(res.status, alias).toBe(404);
        expect(res.body.error_code, alias).toBe('NOT_FOUND');
      }
    });
  });
}

for (const backend of await backends()) {
  describe(`a missing token answers like a bad one (${backend})`, () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await startTestServer(backend);
    });
    afterAll(() => t.close());

    it('answers 401 UNAUTHENTICATED to GraphQL and REST calls without a token or with a bad one', async () => {
      for (const authorization of [undefined, 'Bearer crt_nope', 'Basic abc']) {
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          ...(authorization ? { authorization } : {}),
        };
        const gql = await fetch(t.url, {
          method: 'POST',
          headers,
          body: JSON.stringify({ query: '{ connectors(first: 1) { totalCount } }' }),
        });
        expect(gql.status, String(authorization)).toBe(401);
        expect((await gql.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
        const get = await fetch(`${t.url}?query=${encodeURIComponent('{ __typename }')}`, {
          headers: { ...headers, accept: 'application/json' },
        });
        expect(get.status).toBe(401);
        const rest = await t.rest('GET', '/api/custom_connectors/search?title=x', {
          headers: authorization ? { authorization } : {},
        });
        expect(rest.status).toBe(401);
        expect(rest.body.error_code).toBe('UNAUTHENTICATED');
      }
    });

    it('keeps the GraphiQL page, health, readiness and metrics public', async () => {
      expect((await fetch(t.url, { headers: { accept: 'text/html' } })).status).toBe(200);
      for (const path of ['/health', '/ready', '/metrics'])
        expect((await fetch(`${t.server.url}${path}`)).status, path).toBe(200);
    });
  });
}
