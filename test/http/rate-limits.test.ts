import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { backends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const SMALL = `{ connectors(first: 1) { totalCount } }`;

function parseRateLimit(header: string | null) {
  const m = /^"(\w+)";r=(\d+);t=(\d+)$/.exec(header ?? '');
  return m ? { policy: m[1], remaining: Number(m[2]), resetSeconds: Number(m[3]) } : null;
}

for (const backend of await backends()) {
  describe(`GraphQL cost budget (${backend})`, () => {
    let t: TestServer;
    let token: string;
    const defaults = loadConfig({});

    beforeAll(async () => {
      // The shipped defaults, not the raised budget other tests run with.
      t = await startTestServer(backend, {
        GRAPHQL_RATE_LIMIT_POINTS: defaults.GRAPHQL_RATE_LIMIT_POINTS,
        GRAPHQL_RATE_LIMIT_WINDOW_SECONDS: defaults.GRAPHQL_RATE_LIMIT_WINDOW_SECONDS,
      });
      token = await t.token('acme');
    });
    afterAll(() => t.close());

    it('reports cost, remaining points and reset time in extensions and RateLimit headers', async () => {
      const first = await t.gql(SMALL, {}, token);
      expect(first.status).toBe(200);
      const rl = first.body.extensions.rateLimit;
      expect(rl).toMatchObject({
        cost: first.body.extensions.cost.requestedQueryCost,
        limit: defaults.GRAPHQL_RATE_LIMIT_POINTS,
      });
      expect(rl.remaining).toBe(defaults.GRAPHQL_RATE_LIMIT_POINTS - rl.cost);
      const resetIn = Date.parse(rl.resetAt) - Date.now();
      expect(resetIn).toBeGreaterThan(0);
      expect(resetIn).toBeLessThanOrEqual(defaults.GRAPHQL_RATE_LIMIT_WINDOW_SECONDS * 1000);
      expect(first.headers.get('ratelimit-policy')).toBe(
        `"graphql";q=${defaults.GRAPHQL_RATE_LIMIT_POINTS};w=${defaults.GRAPHQL_RATE_LIMIT_WINDOW_SECONDS}`,
      );
      expect(parseRateLimit(first.headers.get('ratelimit'))).toMatchObject({
        policy: 'graphql',
        remaining: rl.remaining,
      });

      // A bigger page costs more points.
      const bigger = await t.gql(
        `{ connectors(first: 50) { nodes { id title name } } }`,
        {},
        token,
      );
      expect(bigger.body.extensions.rateLimit.cost).toBeGreaterThan(rl.cost);
      expect(bigger.body.extensions.rateLimit.remaining).toBe(
        rl.remaining - bigger.body.extensions.rateLimit.cost,
      );
    });

    it('lets a page fire ten small queries at once', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, () => t.gql(SMALL, {}, token)));
      expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
      expect(results.every((r) => r.body.data?.connectors)).toBe(true);
    });

    it('never limits the GraphiQL page', async () => {
      const pages = await Promise.all(
        Array.from({ length: 30 }, () => fetch(t.url, { headers: { accept: 'text/html' } })),
      );
      expect(pages.map((p) => p.status)).toEqual(Array(30).fill(200));
      expect(pages.every((p) => p.headers.get('ratelimit') === null)).toBe(true);
    });
  });

  describe(`GraphQL budget spent (${backend})`, () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await startTestServer(backend, {
        GRAPHQL_RATE_LIMIT_POINTS: 60,
        GRAPHQL_RATE_LIMIT_WINDOW_SECONDS: 600,
      });
    });
    afterAll(() => t.close());

    it('refuses with 429 RATE_LIMITED, says when to retry, and a refused query spends nothing', async () => {
      const token = await t.token('acme');
      const other = await t.token('beta');
      // Costs 1 + 50 × 4 = 201 points: more than the whole budget, so waiting cannot help: it is
      // told it can never pass (400, no Retry-After), and spends nothing.
      const big = await t.gql(`{ connectors(first: 50) { nodes { id title name } } }`, {}, token);
      expect(big.status).toBe(400);
      expect(big.body.errors![0].extensions).toMatchObject({ code: 'QUERY_OVER_BUDGET' });
      expect(big.body.errors![0].message).toMatch(/can never pass/);
      expect(big.body.data ?? null).toBeNull();
      expect(big.headers.get('retry-after')).toBeNull();

      // The budget is intact: small queries pass until it is spent.
      const statuses: number[] = [];
      let remaining = 60;
      for (let i = 0; i < 40 && !statuses.includes(429); i++) {
        const r = await t.gql(SMALL, {}, token);
        statuses.push(r.status);
        if (r.status === 200) {
          expect(r.body.extensions.rateLimit.remaining).toBe(
            remaining - r.body.extensions.rateLimit.cost,
          );
          remaining = r.body.extensions.rateLimit.remaining;
        }
      }
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(10);
      expect(statuses.at(-1)).toBe(429);
      // A query that fits the budget but not what is left: 429, with when to retry.
      const refused = await t.gql(SMALL, {}, token);
      expect(refused.status).toBe(429);
      const error = refused.body.errors![0];
      expect(error.extensions).toMatchObject({
        code: 'RATE_LIMITED',
        retryAfter: expect.any(Number),
      });
      expect(error.extensions!.retryAfter).toBeGreaterThan(500);
      expect(error.message).toMatch(/retry in \d+ s/);
      expect(Number(refused.headers.get('retry-after'))).toBe(error.extensions!.retryAfter);
      expect(refused.body.extensions.rateLimit).toMatchObject({ cost: 0 });
      // Another token has its own budget.
      expect((await t.gql(SMALL, {}, other)).status).toBe(200);
    });
  });

  describe(`GraphQL budget under concurrent queries (${backend})`, () => {
    let t: TestServer;
    /** Statements that touch the shared budget (rate-limiter-flexible's upserts into rate_limit). */
    const budgetWrites: string[] = [];
    beforeAll(async () => {
      t = await startTestServer(
        backend,
        { GRAPHQL_RATE_LIMIT_POINTS: 1000, GRAPHQL_RATE_LIMIT_WINDOW_SECONDS: 600 },
        { onQuery: (sql) => /rate_limit/.test(sql) && budgetWrites.push(sql) },
      );
    });
    afterAll(() => t.close());

    it('spends the exact budget of 20 queries fired at once with fewer writes to the shared store', async () => {
      const token = await t.token('acme');
      const cost = (await t.gql(SMALL, {}, token)).body.extensions.rateLimit.cost as number;
      let start = 1000 - cost;
      // Whether twenty requests overlap depends on how fast the machine answers them: on a loaded
      // one they can arrive one by one. Every burst must spend exactly; at least one of three must
      // have been batched into fewer store writes.
      const writes: number[] = [];
      for (let burst = 0; burst < 3 && !writes.some((w) => w < 20); burst++) {
        budgetWrites.length = 0;
        const results = await Promise.all(
          Array.from({ length: 20 }, () => t.gql(SMALL, {}, token)),
        );
        expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
        // Each answer reports what was left right after it, as if they had been spent one by one.
        const remaining = results
          .map((r) => r.body.extensions.rateLimit.remaining as number)
          .sort((a, b) => b - a);
        expect(remaining).toEqual(Array.from({ length: 20 }, (_, i) => start - (i + 1) * cost));
        expect(parseRateLimit(results[0].headers.get('ratelimit'))?.remaining).toBe(
          results[0].body.extensions.rateLimit.remaining,
        );
        expect(budgetWrites.length).toBeGreaterThan(0);
        writes.push(budgetWrites.length);
        start -= 20 * cost;
      }
      expect(Math.min(...writes)).toBeLessThan(20);
      // The store holds all of it: the next query sees the budget the bursts left.
      expect((await t.gql(SMALL, {}, token)).body.extensions.rateLimit.remaining).toBe(
        start - cost,
      );
    });

    it('leases a busy token a slice of its budget: queries one after another write the store once per slice', async () => {
      const token = await t.token('acme');
      const cost = (await t.gql(SMALL, {}, token)).body.extensions.rateLimit.cost as number;
      budgetWrites.length = 0;
      const remaining: number[] = [];
      for (let i = 0; i < 30; i++) {
        const r = await t.gql(SMALL, {}, token);
        expect(r.status).toBe(200);
        remaining.push(r.body.extensions.rateLimit.remaining as number);
      }
      // Every answer still says exactly what is left, as if each had gone to the store.
      expect(remaining).toEqual(Array.from({ length: 30 }, (_, i) => 1000 - (i + 2) * cost));
      // A slice is 1 % of the budget (10 points here): one store write buys 10 / cost queries.
      const slice = Math.min(20 * cost, 1000 * 0.01);
      expect(budgetWrites.length).toBeLessThanOrEqual(Math.ceil((30 * cost) / slice) + 1);
      // The store holds the spent points and at most one slice more, never less.
      const [row] = await t.server.registry.db.sql.query<{ points: number }>(
        `SELECT points FROM rate_limit WHERE key = 'graphql:' || (SELECT max(id) FROM api_tokens)`,
      );
      expect(row.points).toBeGreaterThanOrEqual(31 * cost);
      expect(row.points).toBeLessThanOrEqual(31 * cost + slice);
    });

    it('admits exactly the queries that fit when the sum of those fired at once does not', async () => {
      const token = await t.token('beta');
      const cost = (await t.gql(SMALL, {}, token)).body.extensions.rateLimit.cost as number;
      // Spend down to room for exactly seven more.
      let left = 1000 - cost;
      const BIG = `{ connectors(first: 50) { nodes { id title name } } }`;
      while (left >= 7 * cost + 201 + 201)
        left = (await t.gql(BIG, {}, token)).body.extensions.rateLimit.remaining;
      while (left - cost >= 7 * cost)
        left = (await t.gql(SMALL, {}, token)).body.extensions.rateLimit.remaining;
      const fit = Math.floor(left / cost);
      expect(fit).toBe(7);
      const results = await Promise.all(Array.from({ length: 12 }, () => t.gql(SMALL, {}, token)));
      expect(results.filter((r) => r.status === 200)).toHaveLength(fit);
      const refused = results.filter((r) => r.status === 429);
      expect(refused).toHaveLength(12 - fit);
      for (const r of refused)
        expect(r.body.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
      // Refused queries spent nothing: what is left is what the seven left.
      const after = await t.gql(SMALL, {}, token);
      expect(after.status).toBe(429);
      expect(after.body.extensions.rateLimit.remaining).toBe(left - fit * cost);
    });
  });

  describe(`GraphQL queries that run while their points are spent (${backend})`, () => {
    let t: TestServer;
    const statements: string[] = [];
    beforeAll(async () => {
      t = await startTestServer(
        backend,
        { GRAPHQL_RATE_LIMIT_POINTS: 1000, GRAPHQL_RATE_LIMIT_WINDOW_SECONDS: 600 },
        { onQuery: (sql) => statements.push(sql) },
      );
    });
    afterAll(() => t.close());

    it('spends exactly, and refuses what the store refuses, when the budget went elsewhere meanwhile', async () => {
      const token = await t.token('acme');
      // The first query waits for its spend; from then on the token has plenty left (more than
      // OVERLAP_MARGIN times the cost), so the next ones run while their points are spent.
      const first = await t.gql(SMALL, {}, token);
      const cost = first.body.extensions.rateLimit.cost as number;
      let left = first.body.extensions.rateLimit.remaining as number;
      const results = await Promise.all(Array.from({ length: 10 }, () => t.gql(SMALL, {}, token)));
      expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
      expect(
        results.map((r) => r.body.extensions.rateLimit.remaining as number).sort((a, b) => b - a),
      ).toEqual(Array.from({ length: 10 }, (_, i) => left - (i + 1) * cost));
      left -= 10 * cost;
      for (const r of results) expect(r.body.data.connectors.totalCount).toBe(0);
      // Another process spends the rest of the budget. This gateway leased a slice of it for the
      // busy token (at most 1 % of the budget): it spends what it holds, and then no more.
      await t.server.registry.db.sql.query(
        `UPDATE rate_limit SET points = 1000 WHERE key LIKE 'graphql%'`,
      );
      let leased = 0;
      let refused: Awaited<ReturnType<typeof t.gql>>;
      for (;;) {
        statements.length = 0;
        refused = await t.gql(SMALL, {}, token);
        if (refused.status !== 200 || leased === 100) break;
        leased++;
      }
      expect(leased * cost).toBeLessThanOrEqual(1000 * 0.01);
      // The query after the lease still believed there was plenty: it ran (its read went to the
      // database) while its points were refused.
      expect(statements.some((s) => /connectors/.test(s) && !/rate_limit/.test(s))).toBe(true);
      expect(refused.status).toBe(429);
      expect(refused.body.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
      expect(refused.body.data ?? null).toBeNull();
      expect(refused.body.extensions.rateLimit).toMatchObject({ cost: 0, remaining: 0 });
      expect(left).toBeGreaterThan(0);
      // After a refusal the token's queries wait for their spend again: refused, never run.
      statements.length = 0;
      expect((await t.gql(SMALL, {}, token)).status).toBe(429);
      expect(statements.some((s) => /connectors/.test(s) && !/rate_limit/.test(s))).toBe(false);
    });
  });

  describe(`REST rate limit (${backend})`, () => {
    it('holds a client sending 10 calls per second to about 1 per second, with a small burst', async () => {
      const t = await startTestServer(backend, { RATE_LIMIT_PER_SECOND: 1, RATE_LIMIT_BURST: 3 });
      try {
        const token = await t.token('acme');
        const started = Date.now();
        const statuses: number[] = [];
        let limited;
        let allowed;
        for (let i = 0; i < 50; i++) {
          const res = await t.rest('GET', '/api/custom_connectors/search?title=x', { token });
          statuses.push(res.status);
          if (res.status === 429) limited = res;
          else allowed = res;
          await new Promise((r) =>
            setTimeout(r, Math.max(0, started + (i + 1) * 100 - Date.now())),
          );
        }
        const seconds = (Date.now() - started) / 1000;
        const ok = statuses.filter((s) => s === 200).length;
        // 1 per second for ~5 s, the burst of 3 and the first call.
        expect(ok).toBeGreaterThanOrEqual(Math.floor(seconds) - 1);
        expect(ok).toBeLessThanOrEqual(Math.ceil(seconds) + 1 + 3);
        expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
        expect(Number(limited!.headers['retry-after'])).toBe(1);
        expect(limited!.body).toMatchObject({
          errors: [{ code: 429 }],
          error_code: 'RATE_LIMITED',
        });
        expect(limited!.headers['ratelimit-policy']).toBe('"rest";q=1;w=1');
        expect(allowed!.headers['ratelimit']).toMatch(/^"rest";r=\d+;t=\d+$/);
        // Another token has its own budget.
        const fresh = await t.token('acme', 'ADMIN', 'bob');
        expect(
          (await t.rest('GET', '/api/custom_connectors/search?title=x', { token: fresh })).status,
        ).toBe(200);
      } finally {
        await t.close();
      }
    });
  });
}
