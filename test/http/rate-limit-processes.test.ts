import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { createToken } from '../../src/domain/auth.js';
import { backends } from '../helpers/backends.js';
import { forAll } from '../helpers/hooks.js';
import { freePort, twoGateways } from '../helpers/processes.js';

/** A REST search as the spec's curl sample sends it; resolves with the status. */
function search(base: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const r = request(
      new URL('/api/custom_connectors/search?title=x', base),
      { headers: { authorization: `Bearer ${token}` } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    r.on('error', reject);
    r.end();
  });
}

async function graphqlRemaining(
  base: string,
  token: string,
): Promise<{ status: number; remaining: number }> {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ connectors(first: 1) { totalCount } }' }),
  });
  const body = (await res.json()) as { extensions: { rateLimit: { remaining: number } } };
  return { status: res.status, remaining: body.extensions.rateLimit.remaining };
}

/** Two gateways on one database spend one budget per token, whichever process answers. */
function sharedBudgetTests(extraEnv: () => NodeJS.ProcessEnv) {
  const gateways = forAll(
    () =>
      twoGateways({
        RATE_LIMIT_PER_SECOND: '1',
        RATE_LIMIT_BURST: '2',
        GRAPHQL_RATE_LIMIT_POINTS: '1000',
        ...extraEnv(),
      }),
    60_000,
  );
  // The gateways' base URLs (what the REST API hangs on).
  let a: { base: string };
  let b: { base: string };
  let token: string;

  beforeAll(async () => {
    [a, b] = [gateways.a, gateways.b].map((p) => ({ base: p.url.replace(/\/graphql$/, '') }));
    const conn = await openDatabase({ url: gateways.db.url });
    token = (await createToken(conn.prisma, { workspace: 'acme', role: 'ADMIN', handle: 'alice' }))
      .token;
    const warm = (
      await createToken(conn.prisma, { workspace: 'acme', role: 'ADMIN', handle: 'warm' })
    ).token;
    await conn.close();
    // First requests open connection pools; keep that out of the timed burst.
    for (const p of [a, b]) for (let i = 0; i < 3; i++) await search(p.base, warm);
  }, 60_000);

  it('REST: 20 calls in under a second through two processes get one budget (1 + burst of 2)', async () => {
    const started = Date.now();
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => search(i % 2 ? b.base : a.base, token)),
    );
    const elapsed = (Date.now() - started) / 1000;
    const ok = statuses.filter((s) => s === 200).length;
    // One budget: 1 call + a burst of 2 (+1 per further second the calls took on a busy machine).
    // A budget per process would let 6 through.
    expect(elapsed).toBeLessThan(2);
    expect(ok).toBeGreaterThanOrEqual(3);
    expect(ok).toBeLessThanOrEqual(3 + Math.floor(elapsed));
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
  });

  it('GraphQL: points spent through one process are gone in the other', async () => {
    const first = await graphqlRemaining(a.base, token);
    const second = await graphqlRemaining(b.base, token);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.remaining).toBeLessThan(first.remaining);
    expect(first.remaining - second.remaining).toBe(1000 - first.remaining);
  });

  it('GraphQL: two busy gateways, each leasing slices of one budget, admit no more than the budget', async () => {
    const conn = await openDatabase({ url: gateways.db.url });
    const busy = (
      await createToken(conn.prisma, { workspace: 'acme', role: 'ADMIN', handle: 'busy' })
    ).token;
    await conn.close();
    let spent = 0;
    let cost = 0;
    const refusedBy = new Set<string>();
    const query = async (base: string) => {
      const res = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${busy}` },
        body: JSON.stringify({ query: '{ connectors(first: 1) { totalCount } }' }),
      });
      const body = (await res.json()) as { extensions: { rateLimit: { cost: number } } };
      if (res.status === 200) {
        cost = body.extensions.rateLimit.cost;
        spent += cost;
      } else {
        expect(res.status).toBe(429);
        refusedBy.add(base);
      }
    };
    // Ten at a time through each gateway until both refuse: each leases while plenty is left.
    for (let round = 0; refusedBy.size < 2 && round < 200; round++)
      await Promise.all(Array.from({ length: 20 }, (_, i) => query(i % 2 ? b.base : a.base)));
    expect(refusedBy.size).toBe(2);
    // Never more than the budget. Left unspent: less than a query's cost in the store, and in
    // each gateway's lease.
    expect(spent).toBeLessThanOrEqual(1000);
    expect(spent).toBeGreaterThan(1000 - 3 * cost);
  });
}

const hasPostgres = (await backends()).includes('postgres');

describe.skipIf(!hasPostgres)(
  'two gateway processes share rate-limit budgets in PostgreSQL',
  () => {
    sharedBudgetTests(() => ({}));
  },
);

const redisServer = spawnSync('redis-server', ['--version']).status === 0;

describe.skipIf(!hasPostgres || !redisServer)(
  'two gateway processes share rate-limit budgets in Redis (REDIS_URL)',
  () => {
    let redis: ChildProcess;
    let port = 0;
    beforeAll(async () => {
      // A port the OS just handed out, not a random one: a random port can be another process's
      // (an ephemeral client port of a test running beside this one). Between closing it and redis
      // binding it another process may still take it, so a failed start tries again on a new one.
      for (let attempt = 1; ; attempt++) {
        port = await freePort();
        redis = spawn(
          'redis-server',
          ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
          { stdio: 'pipe' },
        );
        const started = await new Promise<boolean>((resolve) => {
          redis.stdout!.on(
            'data',
            (d: Buffer) => d.toString().includes('Ready to accept') && resolve(true),
          );
          redis.on('exit', () => resolve(false));
        });
        if (started) return;
        if (attempt === 3) throw new Error(`redis-server did not start (${attempt} ports tried)`);
      }
    });
    afterAll(() => {
      redis?.kill('SIGTERM');
    });
    sharedBudgetTests(() => ({ REDIS_URL: `redis://127.0.0.1:${port}` }));

    it('keeps the budgets in Redis, not in the database', async () => {
      const { Redis } = await import('ioredis');
      const client = new Redis(`redis://127.0.0.1:${port}`);
      const keys = await client.keys('*');
      client.disconnect();
      // The one-second REST window is gone by now; the burst window lasts a minute.
      expect(keys.some((k) => k.startsWith('rest-burst:'))).toBe(true);
      expect(keys.some((k) => k.startsWith('graphql:'))).toBe(true);
    });
  },
);
