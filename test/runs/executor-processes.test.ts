import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { createToken } from '../../src/domain/auth.js';
import { startFakeApi, type FakeApi } from '../executor/fake-api.js';
import { backends, createPostgresDatabase } from '../helpers/backends.js';
import { postgresTemplate } from '../helpers/templates.js';
import { BIN, spawnUntil as spawnCli, stopProcess } from '../helpers/processes.js';
import { sseSubscribe, type TestServer } from '../helpers/server.js';
import { createConnector, startRun, waitForRun } from './helpers.js';

const hasPostgres = (await backends()).includes('postgres');

/** Spawns the CLI (with this process's environment and `env`) and resolves once a line of its stdout matches. */
const spawnUntil = (args: string[], env: NodeJS.ProcessEnv, ready: RegExp) =>
  spawnCli([BIN, ...args], { ...process.env, ...env }, ready);

const CODE = `{
  title: 'Waits',
  connection: { fields: [{ name: 'base_url' }], base_uri: ->(connection) { connection['base_url'] } },
  test: ->(_c) { { ok: true } },
  actions: {
    slow: { execute: ->(_c, _i) { get('/slow?ms=30000') } },
    quick: { execute: ->(_c, input) { get('/echo/quick', n: input['n']) } }
  }
}`;

/**
 * Server mode: one gateway that only queues (`serve --no-executor`) and two `executor`
 * processes working the PostgreSQL queue. Killing the executor in the middle of a run ends that
 * run EXECUTOR_CRASHED (it is not retried: its requests may have changed things), subscribers hear
 * it through the gateway, and the other executor goes on taking runs.
 */
describe.skipIf(!hasPostgres)('a gateway and two executor processes on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let api: FakeApi;
  let gateway: ChildProcess;
  const executors: ChildProcess[] = [];
  let s: TestServer;
  let token: string;

  beforeAll(async () => {
    db = await createPostgresDatabase({ template: await postgresTemplate() });
    api = await startFakeApi();
    const env = {
      DATABASE_URL: db.url,
      PORT: '0',
      LOG_LEVEL: 'silent',
      CONNECTION_SECRET_KEY: randomBytes(32).toString('base64'),
      CONNECTOR_HTTP_ALLOW_LOOPBACK: 'true',
      EXECUTOR_SPARE_VMS: '1',
      EXECUTOR_CONCURRENCY: '2',
      GRAPHQL_RATE_LIMIT_POINTS: '100000000',
    };
    const g = await spawnUntil(
      ['serve', '--no-executor'],
      env,
      /on (http:\/\/\S+\/graphql)[\s\S]*runs are queued for executor processes/,
    );
    gateway = g.child;
    gatewayUrl = g.match[1];
    for (let i = 0; i < 2; i++)
      executors.push((await spawnUntil(['executor'], env, /executor \S+ ready/)).child);
    const conn = await openDatabase({ url: db.url });
    token = (
      await createToken(conn.prisma, { workspace: 'acme', role: 'DEVELOPER', handle: 'dev' })
    ).token;
    await conn.close();
    s = {
      url: gatewayUrl,
      gql: (query: string, variables?: Record<string, unknown>, t?: string) =>
        gqlAt(gatewayUrl, query, variables, t),
    } as unknown as TestServer;
  }, 120_000);

  let gatewayUrl = '';
  afterAll(async () => {
    await Promise.all([gateway, ...executors].filter(Boolean).map((c) => stopProcess(c)));
    await api?.close();
    await db?.drop();
  });

  it('runs go to the executors; a killed one fails its run EXECUTOR_CRASHED and the other keeps serving', async () => {
    const connectorId = await createConnector(s, token, 'Waits', CODE);
    const connection = await s.gql(
      `mutation($i: CreateConnectionInput!) { createConnection(input: $i) { connection { id } } }`,
      { i: { connectorId, name: 'local', values: { base_url: api.url } } },
      token,
    );
    const connectionId = connection.body.data.createConnection.connection.id;

    // Both executors serve: quick runs all succeed.
    const quick = await Promise.all(
      [1, 2, 3, 4].map((n) =>
        startRun(s, token, { connectorId, target: 'actions.quick', input: { n }, connectionId }),
      ),
    );
    for (const q of quick) expect((await waitForRun(s, token, q.run!.id)).status).toBe('SUCCEEDED');

    const sub = await sseSubscribe(
      gatewayUrl,
      `subscription { runUpdated { id status error { kind message } } }`,
      token,
    );
    const slow = await startRun(s, token, { connectorId, target: 'actions.slow', connectionId });
    const runId = slow.run!.id;
    // Wait until an executor has taken it (the fake API has the request), then kill that executor.
    const conn = await openDatabase({ url: db.url });
    let executorId: string | null = null;
    for (
      let i = 0;
      i < 200 && !(executorId && api.requests.some((r) => r.url.startsWith('/slow')));
      i++
    ) {
      const row = await conn.prisma.connectorRun.findFirst({
        where: { status: 'RUNNING', target: 'actions.slow' },
        select: { executorId: true },
      });
      executorId = row?.executorId ?? null;
      await new Promise((r) => setTimeout(r, 100));
    }
    await conn.close();
    expect(executorId).toBeTruthy();
    const pid = Number(executorId!.split(':')[1]);
    const victim = executors.find((c) => c.pid === pid)!;
    expect(victim).toBeDefined();
    await stopProcess(victim, 'SIGKILL');

    const ended = await waitForRun(s, token, runId, 60_000);
    expect(ended.status).toBe('EXECUTOR_CRASHED');
    expect(ended.error.message).toMatch(/stopped .* before it finished; the run was not retried/);

    // The subscriber at the gateway heard the run end.
    let heard: any = null;
    for (let i = 0; i < 10 && heard?.data?.runUpdated?.status !== 'EXECUTOR_CRASHED'; i++)
      heard = await sub.next(30_000);
    expect(heard.data.runUpdated).toMatchObject({
      id: runId,
      status: 'EXECUTOR_CRASHED',
      error: { kind: 'ExecutorCrashed' },
    });
    sub.close();

    // The surviving executor takes the next run.
    const after = await startRun(s, token, {
      connectorId,
      target: 'actions.quick',
      input: { n: 5 },
      connectionId,
    });
    expect((await waitForRun(s, token, after.run!.id)).status).toBe('SUCCEEDED');
  }, 180_000);
});

async function gqlAt(
  url: string,
  query: string,
  variables: Record<string, unknown> | undefined,
  token?: string,
) {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}
