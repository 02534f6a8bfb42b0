import type { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaClient } from '../generated/prisma/client.js';
import { secureDataDir, tightenDataDir } from './data-dir-permissions.js';
import { lockDataDir } from './data-dir-lock.js';
import { largeValues } from './large-values.js';
import { migrate, type MigrateResult } from './migrator.js';
import { pgSql, type Sql } from './sql.js';

export type { PrismaClient };

export interface DatabaseOptions {
  /** postgresql://… for a server; otherwise PGlite in `dataDir`. */
  url?: string;
  dataDir?: string;
  /** How long to wait for the PGlite directory lock of a process that just died. */
  lockWaitMs?: number;
  /** Called for every SQL statement sent through Prisma or `sql` (statement counting in tests and benches). */
  onQuery?: (sql: string) => void;
  /**
   * PGlite `memory://` only: a tarball of a data directory (PGlite's `dumpDataDir`) to start from
   * instead of running initdb. The tests start every database from one already migrated, which
   * costs a fraction of initdb plus every migration; `migrate()` then finds nothing to apply.
   */
  seed?: string;
}

export interface Database {
  kind: 'pglite' | 'postgres';
  prisma: PrismaClient;
  sql: Sql;
  migrate(): Promise<MigrateResult>;
  /** PGlite only: hear NOTIFYs on a channel (on PostgreSQL a dedicated connection listens). */
  listen?(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

function prismaWith(factory: PrismaPg | SqlDriverAdapterFactory, onQuery?: (sql: string) => void) {
  // Large values (10 MB of code) pass by the driver adapter, past Prisma (large-values.ts).
  const large = largeValues();
  const prisma = new PrismaClient({
    adapter: large.wrap(factory),
    log: onQuery ? [{ emit: 'event', level: 'query' }] : [],
    // Prisma's defaults (2 s to start a transaction, 5 s to finish it) fail writes of 10 MB code
    // when a few arrive at once (PGlite runs one transaction at a time): the losers came back as
    // internal errors. Wait longer instead; row locks still keep them correct.
    transactionOptions: { maxWait: 30_000, timeout: 60_000 },
  });
  if (onQuery)
    (prisma as unknown as { $on(e: 'query', cb: (ev: { query: string }) => void): void }).$on(
      'query',
      (ev) => onQuery(ev.query),
    );
  return large.attach(prisma);
}

/**
 * PostgreSQL's default 128 MB of shared buffers live in PGlite's WASM memory, which is never handed
 * back: they alone made ~150 MB of a fresh server's RSS. The registry's working set is small and the
 * operating system caches the data files below PGlite anyway, so 16 MB is plenty.
 */
export const PGLITE_SETTINGS = ['-c', 'shared_buffers=16MB'];

/** `sql` that reports each statement (the rate limiter's, the webhook deliverer's…) as Prisma's query log does. */
function counted(sql: Sql, onQuery?: (sql: string) => void): Sql {
  if (!onQuery) return sql;
  return {
    query(text, params) {
      onQuery(text);
      return sql.query(text, params);
    },
    exec(script) {
      onQuery(script);
      return sql.exec(script);
    },
    transaction: (fn) => sql.transaction((tx) => fn(counted(tx, onQuery))),
  };
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  // Only the driver in use is loaded: PGlite's WASM is not compiled for a PostgreSQL server, nor pg for PGlite.
  if (opts.url) {
    const [{ default: pg }, { PrismaPg }] = await Promise.all([
      import('pg'),
      import('@prisma/adapter-pg'),
    ]);
    const pool = new pg.Pool({ connectionString: opts.url, max: 10 });
    // An idle client that errors (server restart) must not take the process down.
    pool.on('error', () => {});
    const prisma = prismaWith(new PrismaPg(pool), opts.onQuery);
    return {
      kind: 'postgres',
      prisma,
      sql: counted(pgSql(pool), opts.onQuery),
      async migrate() {
        // Advisory locks belong to a session: take one connection for the whole run.
        const client = await pool.connect();
        try {
          return await migrate(pgSql(client), { usesAdvisoryLock: true });
        } finally {
          client.release();
        }
      },
      async close() {
        await prisma.$disconnect();
        await pool.end();
      },
    };
  }
  const dataDir = opts.dataDir ?? 'memory://';
  const { startPGliteThread } = await import('./pglite-thread.js');
  const onDisk = !dataDir.startsWith('memory://');
  if (onDisk) secureDataDir(dataDir);
  const unlock = onDisk ? await lockDataDir(dataDir, opts.lockWaitMs) : async () => {};
  if (opts.seed && onDisk)
    throw new Error('A seed tarball only starts an in-memory PGlite database.');
  const lite = await startPGliteThread(dataDir, PGLITE_SETTINGS, opts.seed).catch(
    async (error: unknown) => {
      await unlock();
      throw error;
    },
  );
  // PGlite wrote its initial files 0666: close them to group and others (see data-dir-permissions.ts).
  if (onDisk) tightenDataDir(dataDir);
  const prisma = prismaWith(lite.adapter, opts.onQuery);
  return {
    kind: 'pglite',
    prisma,
    sql: counted(lite.sql, opts.onQuery),
    migrate: () => migrate(lite.sql),
    listen: (channel, onPayload) => lite.listen(channel, onPayload),
    async close() {
      await prisma.$disconnect();
      await lite.close();
      await unlock();
    },
  };
}
