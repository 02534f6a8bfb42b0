import pg from 'pg';

/**
 * The little raw SQL the registry needs outside Prisma (migrations, schema checks), over either
 * driver (PGlite's is in pglite-thread.ts). Scripts with many statements go through here because
 * Prisma's raw queries are single prepared statements.
 */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  exec(script: string): Promise<void>;
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
}

export function pgSql(pool: pg.Pool | pg.PoolClient): Sql {
  return {
    async query<T>(text: string, params: unknown[] = []) {
      return (await pool.query(text, params)).rows as T[];
    },
    async exec(script) {
      await pool.query(script);
    },
    async transaction(fn) {
      // A pool lends one connection for the transaction; a checked-out client is that connection.
      const client = pool instanceof pg.Pool ? await pool.connect() : pool;
      try {
        await client.query('BEGIN');
        const result = await fn(pgSql(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        if (client !== pool) (client as pg.PoolClient).release();
      }
    },
  };
}
