import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { calmestStall, STALL_SHARE } from '../helpers/stalls.js';
import { validCode } from '../fixtures/code.js';
import { CREATE } from '../helpers/documents.js';

const [backend] = await backends();

describe(`health, readiness, request ids, metrics and shutdown (${backend})`, () => {
  let t: TestServer;
  let admin: string;
  let base: string;

  beforeAll(async () => {
    t = await startTestServer(backend);
    admin = await t.token('acme');
    base = t.server.url;
  });
  afterAll(() => t.close());

  it('answers liveness and readiness (the database is checked)', async () => {
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: backend });
  });

  it('gives every response a request id, keeping a sane one the caller sent', async () => {
    const own = await fetch(`${base}/health`, { headers: { 'x-request-id': 'trace-123' } });
    expect(own.headers.get('x-request-id')).toBe('trace-123');
    for (const hostile of ['a b <script>', 'x'.repeat(300)]) {
      const res = await fetch(`${base}/health`, { headers: { 'x-request-id': hostile } });
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('exports Prometheus metrics: requests by route and status, latency, errors by code', async () => {
    await t.gql(CREATE, { input: { title: 'Metered', code: validCode() } }, admin);
    await t.gql(CREATE, { input: { title: '', code: validCode() } }, admin); // INVALID_INPUT in the payload
    await t.gql(`{ nope }`, {}, admin); // GRAPHQL_VALIDATION_FAILED
    await t.rest('POST', '/api/custom_connectors/999/release', { token: admin }); // NOT_FOUND over REST
    await fetch(`${t.url}`, {
      method: 'POST',
      headers: { authorization: 'Bearer crt_bad', 'content-type': 'application/json' },
      body: '{}',
    });
    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(
      /registry_http_requests_total\{method="POST",route="\/graphql",status="200"\} \d+/,
    );
    expect(text).toMatch(
      /registry_http_requests_total\{method="POST",route="\/api\/custom_connectors\/:id\/release",status="404"\} 1/,
    );
    expect(text).toMatch(
      /registry_http_request_duration_seconds_bucket\{le="0.5",method="POST",route="\/graphql"\} \d+/,
    );
    expect(text).toContain('registry_errors_total{code="INVALID_INPUT",surface="payload"} 1');
    expect(text).toContain(
      'registry_errors_total{code="GRAPHQL_VALIDATION_FAILED",surface="graphql"} 1',
    );
    expect(text).toContain('registry_errors_total{code="NOT_FOUND",surface="rest"} 1');
    expect(text).toContain('registry_errors_total{code="UNAUTHENTICATED",surface="http"} 1');
    expect(text).toContain('process_cpu_user_seconds_total');
  });
});

describe(`large code is parsed off the event loop (${backend})`, () => {
  it('keeps the event loop turning while a 5 MB connector is being parsed', async () => {
    const t = await startTestServer(backend);
    try {
      const admin = await t.token('acme');
      const big = validCode() + '\n' + '# filler\n'.repeat(550_000);
      const {
        result: res,
        took,
        longestStall,
      } = await calmestStall(() => t.gql(CREATE, { input: { title: 'Big', code: big } }, admin));
      expect(res.body.data.createConnector.connector!.versions.nodes[0].actions).toEqual([
        'search_records',
        'create_record',
      ]);
      // Parsed on the main thread, the whole parse would be one stall; in the worker, only
      // reading and checking the body are. Relative to the request's own time, so machine speed does not matter.
      expect(longestStall).toBeLessThan(took * STALL_SHARE);
    } finally {
      await t.close();
    }
  });
});

describe(`graceful shutdown (${backend})`, () => {
  it('finishes in-flight requests, then refuses new connections', async () => {
    const t = await startTestServer(backend);
    const admin = await t.token('acme');
    // A 5 MB connector takes a while to parse: it is in flight when the shutdown starts.
    const big = validCode() + '\n' + '# filler\n'.repeat(550_000);
    const inflight = t.gql(CREATE, { input: { title: 'In flight', code: big } }, admin);
    await new Promise((r) => setTimeout(r, 150));
    const closing = t.server.close();
    const res = await inflight;
    expect(res.status).toBe(200);
    expect(res.body.data.createConnector.userErrors).toEqual([]);
    await closing;
    await expect(fetch(`${t.server.url}/health`)).rejects.toThrow();
    await t.close();
  });
});
