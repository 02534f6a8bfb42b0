import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Where integration tests run: PGlite always; PostgreSQL when a server is reachable. */
export type Backend = 'pglite' | 'postgres';

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

let cached: Promise<Backend[]> | undefined;

export function backends(): Promise<Backend[]> {
  cached ??= postgresReachable().then((ok) => {
    if (!ok && (process.env.CI || process.env.TEST_DATABASE_URL)) {
      throw new Error(`PostgreSQL is not reachable at ${ADMIN_URL}; CI runs every test on it too.`);
    }
    return ok ? ['pglite', 'postgres'] : ['pglite'];
  });
  return cached;
}

/**
 * A fresh PostgreSQL database for one test file; drop() removes it. Empty, or a copy of `template`
 * (a migrated one from templates.ts: `createPostgresDatabase({ template: await postgresTemplate() })`).
 */
export async function createPostgresDatabase(
  opts: { template?: string } = {},
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `registry_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}${opts.template ? ` TEMPLATE ${opts.template}` : ''}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
