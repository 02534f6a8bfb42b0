import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client.js';
import { migrate, type MigrateResult } from './migrator.js';
import { pgliteSql, pgSql, type Sql } from './sql.js';

export type { PrismaClient };

export interface DatabaseOptions {
  /** postgresql://… for a server; otherwise PGlite in `dataDir`. */
  url?: string;
  dataDir?: string;
  /** Called for every SQL statement Prisma sends (statement counting in tests and benches). */
  onQuery?: (sql: string) => void;
}

export interface Database {
  kind: 'pglite' | 'postgres';
  prisma: PrismaClient;
  sql: Sql;
  migrate(): Promise<MigrateResult>;
  close(): Promise<void>;
}

function prismaWith(adapter: PrismaPg | PrismaPGlite, onQuery?: (sql: string) => void) {
  const prisma = new PrismaClient({ adapter, log: onQuery ? [{ emit: 'event', level: 'query' }] : [] });
  if (onQuery) (prisma as unknown as { $on(e: 'query', cb: (ev: { query: string }) => void): void }).$on('query', (ev) => onQuery(ev.query));
  return prisma;
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.url) {
    const pool = new pg.Pool({ connectionString: opts.url, max: 10 });
    // An idle client that errors (server restart) must not take the process down.
    pool.on('error', () => {});
    const prisma = prismaWith(new PrismaPg(pool), opts.onQuery);
    return {
      kind: 'postgres',
      prisma,
      sql: pgSql(pool),
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
  const lite = await PGlite.create(opts.dataDir ?? 'memory://');
  const prisma = prismaWith(new PrismaPGlite(lite), opts.onQuery);
  return {
    kind: 'pglite',
    prisma,
    sql: pgliteSql(lite),
    migrate: () => migrate(pgliteSql(lite)),
    async close() {
      await prisma.$disconnect();
      await lite.close();
    },
  };
}
