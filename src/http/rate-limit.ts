import {
  BurstyRateLimiter,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  RateLimiterRes,
  type IRateLimiterStoreOptions,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';

/**
 * The two budgets of a token, kept where every gateway process sees them:
 * - GraphQL: a cost budget (GitHub's model): `GRAPHQL_RATE_LIMIT_POINTS` points per fixed window
 *   of `GRAPHQL_RATE_LIMIT_WINDOW_SECONDS`, spent by each operation's computed cost.
 * - REST: the spec's `RATE_LIMIT_PER_SECOND` calls per second, plus `RATE_LIMIT_BURST` extra
 *   calls per minute for a short burst (rate-limiter-flexible's bursty limiter).
 *
 * A busy token's gateway leases a slice of its GraphQL budget (see `leaseSlice`): one store write
 * takes the points of the next ~20 queries, which are then spent here without a round trip.
 *
 * Store: the `rate_limit` table of the registry's own database (PostgreSQL, so several gateway
 * processes share one budget; on PGlite the same table in the embedded database, which only one
 * process opens), or Redis when `REDIS_URL` is set. If the store fails, an in-memory limiter
 * with the same settings takes over for that call (rate-limiter-flexible's insurance limiter),
 * so a store outage degrades to per-process limits instead of refusing everything.
 */
export interface RateLimitStatus {
  /** Points (GraphQL) or calls (REST) this request spent. */
  cost: number;
  limit: number;
  remaining: number;
  /** When the window ends and the budget is full again. */
  resetAt: Date;
  /** Seconds the window lasts (for RateLimit-Policy). */
  windowSeconds: number;
  policy: 'graphql' | 'rest';
  /** Seconds to wait before retrying; set when the request was refused. */
  retryAfter?: number;
}

export interface RateLimits {
  /** Spends `cost` points of a token's GraphQL budget; a refusal spends nothing. */
  spendGraphQL(tokenId: number, cost: number): Promise<RateLimitStatus>;
  /** Takes one REST call from a token's budget. */
  takeRest(tokenId: number): Promise<RateLimitStatus>;
  /** Takes one sign-in link redemption from a client address's budget (SIGN_IN_ATTEMPTS_PER_MINUTE); `retryAfter` when spent. */
  takeSignIn(client: string): Promise<{ retryAfter?: number }>;
  close(): Promise<void>;
}

type Store = { kind: 'redis'; client: import('ioredis').Redis } | { kind: 'sql'; db: Database };

/** rate-limiter-flexible speaks node-postgres' `query({text, values})`; this serves it from either driver. */
function sqlStoreClient(db: Database) {
  return {
    async query({ text, values }: { text: string; values?: unknown[] }) {
      const rows = await db.sql.query(text, values ?? []);
      return { rows, rowCount: rows.length };
    },
  };
}

function limiter(
  store: Store,
  opts: { keyPrefix: string; points: number; duration: number },
): RateLimiterAbstract {
  const insuranceLimiter = new RateLimiterMemory(opts);
  if (store.kind === 'redis')
    return new RateLimiterRedis({
      ...opts,
      storeClient: store.client,
      insuranceLimiter,
      rejectIfRedisNotReady: true,
    });
  const options: IRateLimiterStoreOptions & {
    tableName: string;
    tableCreated: boolean;
    storeType: string;
    clearExpiredByTimeout: boolean;
  } = {
    ...opts,
    storeClient: sqlStoreClient(store.db),
    storeType: 'pool',
    // Created by the migration 20261125040000_rate_limit.
    tableName: 'rate_limit',
    tableCreated: true,
    clearExpiredByTimeout: true,
    insuranceLimiter,
  };
  return new RateLimiterPostgres(options);
}

const retryAfterOf = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

export async function createRateLimits(config: Config, db: Database): Promise<RateLimits> {
  let redis: import('ioredis').Redis | undefined;
  if (config.REDIS_URL) {
    const { Redis } = await import('ioredis');
    redis = new Redis(config.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    redis.on('error', () => {}); // the insurance limiter covers outages; ioredis reconnects
    await new Promise<void>((resolve) =>
      redis!.status === 'ready' ? resolve() : redis!.once('ready', () => resolve()),
    );
  }
  const store: Store = redis ? { kind: 'redis', client: redis } : { kind: 'sql', db };

  // Unauthenticated sign-in link redemptions, per client address: each is a database transaction.
  const signIn = limiter(store, {
    keyPrefix: 'sign-in',
    points: config.SIGN_IN_ATTEMPTS_PER_MINUTE,
    duration: 60,
  });

  const gqlPoints = config.GRAPHQL_RATE_LIMIT_POINTS;
  const gqlWindow = config.GRAPHQL_RATE_LIMIT_WINDOW_SECONDS;
  const graphql = limiter(store, { keyPrefix: 'graphql', points: gqlPoints, duration: gqlWindow });

  // Sustained rate: N calls per second, or one call per 1/N seconds below 1/s.
  const perSecond = config.RATE_LIMIT_PER_SECOND;
  const sustained =
    perSecond >= 1
      ? { points: Math.floor(perSecond), duration: 1 }
      : { points: 1, duration: 1 / perSecond };
  const restSustained = limiter(store, { keyPrefix: 'rest', ...sustained });
  const rest =
    config.RATE_LIMIT_BURST > 0
      ? new BurstyRateLimiter(
          restSustained,
          limiter(store, {
            keyPrefix: 'rest-burst',
            points: config.RATE_LIMIT_BURST,
            duration: 60,
          }),
        )
      : restSustained;

  const gqlBase = (cost: number) => ({
    cost,
    limit: gqlPoints,
    windowSeconds: gqlWindow,
    policy: 'graphql' as const,
  });

  /** One spend, on its own: the store refuses it or takes it whole. */
  async function spendOne(key: string, cost: number): Promise<RateLimitStatus> {
    try {
      const res = await graphql.consume(key, cost);
      remember(key, res.remainingPoints);
      return {
        ...gqlBase(cost),
        remaining: res.remainingPoints,
        resetAt: new Date(Date.now() + res.msBeforeNext),
      };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      // The store counts refused points too; give them back so a refused large query does not
      // eat the budget small ones could still use.
      const after = await graphql.reward(key, cost).catch(() => rejection);
      remember(key, Math.max(0, gqlPoints - after.consumedPoints));
      return {
        ...gqlBase(0),
        remaining: Math.max(0, gqlPoints - after.consumedPoints),
        resetAt: new Date(Date.now() + rejection.msBeforeNext),
        retryAfter: retryAfterOf(rejection),
      };
    }
  }

  /**
   * Leases: points taken from the store ahead of time by this gateway, spent here without a round
   * trip. The store is written before the points are spent, so the budget across processes is
   * never exceeded; what a lease has not spent when the window ends is gone with the window (the
   * store starts that token afresh anyway), and `close()` gives it back. A lease is taken only by
   * a token this gateway already spent for (one query alone costs exactly one store write, as
   * before), only while the store had at least LEASE_FLOOR of the budget left at the last spend
   * seen here (near the end of a budget every spend is exact, so no process strands points another
   * could use), and is at most LEASE_SHARE of the budget.
   */
  const leases = new Map<string, { left: number; storeRemaining: number; resetAt: number }>();
  /** Points left in the store after this gateway's last spend for a token. */
  const storeLeft = new Map<string, number>();
  const LEASE_SHARE = 0.01;
  const LEASE_FLOOR = 0.1;
  const LEASE_QUERIES = 20;
  const REMEMBERED_TOKENS = 10_000;
  function leaseSlice(key: string, cost: number): number {
    const known = storeLeft.get(key);
    if (known === undefined || known < gqlPoints * LEASE_FLOOR) return 0;
    return Math.min(cost * LEASE_QUERIES, Math.floor(gqlPoints * LEASE_SHARE));
  }
  /** Spends from the token's lease when it holds `cost` and its window has not ended. */
  function spendLeased(key: string, cost: number): RateLimitStatus | undefined {
    const lease = leases.get(key);
    if (!lease) return undefined;
    if (lease.resetAt <= Date.now()) {
      leases.delete(key);
      return undefined;
    }
    if (lease.left < cost) return undefined;
    lease.left -= cost;
    return {
      ...gqlBase(cost),
      remaining: lease.storeRemaining + lease.left,
      resetAt: new Date(lease.resetAt),
    };
  }
  function remember(key: string, remaining: number) {
    if (storeLeft.size >= REMEMBERED_TOKENS) {
      storeLeft.clear();
      leases.clear();
    }
    storeLeft.set(key, remaining);
  }

  /**
   * Spends that arrive for one token while its previous write to the store is in flight wait for
   * it and then go to the store together, as one `consume` of their sum: a client firing many
   * queries at once costs the shared store one statement per round trip, not one per query. The
   * budget is the same one: the store is written before any of them runs, with exactly the points
   * they spend. When the sum does not fit, it is given back and each is spent on its own, in
   * order of arrival, as if they had come one by one.
   */
  type Pending = { cost: number; settle: (outcome: Promise<RateLimitStatus>) => void };
  const queues = new Map<string, Pending[]>();
  async function drain(key: string, queue: Pending[]) {
    while (queue.length > 0) {
      // What arrived while the store was written may fit in the lease that write took.
      const batch = queue.splice(0).filter((s) => {
        const leased = spendLeased(key, s.cost);
        if (leased) s.settle(Promise.resolve(leased));
        return !leased;
      });
      if (batch.length === 0) continue;
      const slice = leaseSlice(key, Math.max(...batch.map((s) => s.cost)));
      if (batch.length === 1 && slice === 0) {
        const outcome = spendOne(key, batch[0].cost);
        batch[0].settle(outcome);
        await outcome.catch(() => {});
        continue;
      }
      const total = batch.reduce((n, s) => n + s.cost, 0);
      // Points still leased here (fewer than a query needs) go into the new lease.
      const lease = leases.get(key);
      const held = lease && lease.resetAt > Date.now() ? lease.left : 0;
      const taken = total + slice - held;
      const together = graphql.consume(key, taken).then(
        (res) => res,
        async (rejection) => {
          if (!(rejection instanceof RateLimiterRes)) throw rejection;
          await graphql.reward(key, taken).catch(() => {});
          return null;
        },
      );
      try {
        const res = await together;
        if (res) {
          remember(key, res.remainingPoints);
          const resetAt = Date.now() + res.msBeforeNext;
          if (slice > 0)
            leases.set(key, { left: slice, storeRemaining: res.remainingPoints, resetAt });
          else leases.delete(key);
          // Each in arrival order: what is left after it is what the later ones have not yet spent.
          let later = total;
          for (const s of batch) {
            later -= s.cost;
            s.settle(
              Promise.resolve({
                ...gqlBase(s.cost),
                remaining: res.remainingPoints + slice + later,
                resetAt: new Date(resetAt),
              }),
            );
          }
          continue;
        }
      } catch (error) {
        for (const s of batch) s.settle(Promise.reject(error));
        continue;
      }
      for (const s of batch) {
        const outcome = spendOne(key, s.cost);
        s.settle(outcome);
        await outcome.catch(() => {});
      }
    }
    queues.delete(key);
  }

  return {
    spendGraphQL(tokenId, cost) {
      const key = String(tokenId);
      const leased = spendLeased(key, cost);
      if (leased) return Promise.resolve(leased);
      return new Promise<RateLimitStatus>((resolve, reject) => {
        const settle = (outcome: Promise<RateLimitStatus>) => outcome.then(resolve, reject);
        const queue = queues.get(key);
        if (queue) return void queue.push({ cost, settle });
        const fresh = [{ cost, settle }];
        queues.set(key, fresh);
        void drain(key, fresh);
      });
    },
    async takeRest(tokenId) {
      const base = {
        cost: 1,
        limit: sustained.points,
        windowSeconds: sustained.duration,
        policy: 'rest' as const,
      };
      try {
        const res = await rest.consume(String(tokenId));
        return {
          ...base,
          remaining: res.remainingPoints,
          resetAt: new Date(Date.now() + Math.max(0, res.msBeforeNext)),
        };
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        return {
          ...base,
          cost: 0,
          remaining: 0,
          resetAt: new Date(Date.now() + rejection.msBeforeNext),
          retryAfter: retryAfterOf(rejection),
        };
      }
    },
    async takeSignIn(client) {
      try {
        await signIn.consume(client);
        return {};
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        return { retryAfter: retryAfterOf(rejection) };
      }
    },
    async close() {
      // Points leased here and not spent go back to the token's budget.
      const now = Date.now();
      await Promise.all(
        [...leases]
          .filter(([, lease]) => lease.left > 0 && lease.resetAt > now)
          .map(([key, lease]) => graphql.reward(key, lease.left).catch(() => {})),
      );
      leases.clear();
      redis?.disconnect();
    },
  };
}

/**
 * The IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers): the policy (quota
 * `q` per window `w` seconds) and what is left (`r`) with the seconds until it resets (`t`).
 */
export function rateLimitHeaders(status: RateLimitStatus): Record<string, string> {
  const t = Math.max(0, Math.ceil((status.resetAt.getTime() - Date.now()) / 1000));
  const headers: Record<string, string> = {
    'RateLimit-Policy': `"${status.policy}";q=${status.limit};w=${Math.ceil(status.windowSeconds)}`,
    RateLimit: `"${status.policy}";r=${status.remaining};t=${t}`,
  };
  if (status.retryAfter !== undefined) headers['Retry-After'] = String(status.retryAfter);
  return headers;
}
