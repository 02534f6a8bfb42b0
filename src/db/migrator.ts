import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Sql } from './sql.js';

/**
 * Applies prisma/migrations/<timestamp>_<name>/migration.sql in order, each in its own
 * transaction, and records them in `_prisma_migrations` with Prisma's own columns and
 * checksum (SHA-256 of the file), so `prisma migrate deploy` agrees with us wherever its
 * schema engine can run. We apply them ourselves because that engine is a native binary
 * Prisma downloads at run time, which these machines cannot fetch.
 */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations/', import.meta.url));

// One arbitrary constant: gateway processes sharing a PostgreSQL migrate one at a time.
const LOCK_KEY = 72707369;

const CREATE_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(`${dir}/${name}/migration.sql`, 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

export async function migrate(
  sql: Sql,
  opts: { dir?: string; usesAdvisoryLock?: boolean } = {},
): Promise<MigrateResult> {
  const migrations = await readMigrations(opts.dir);
  const lock = opts.usesAdvisoryLock ?? false;
  if (lock) await sql.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
  try {
    // A runtime role that does not own the schema (docs/security.md) may not CREATE, even IF NOT EXISTS.
    const [{ present }] = await sql.query<{ present: boolean }>(
      `SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`,
    );
    if (!present) await sql.exec(CREATE_TABLE);
    const rows = await sql.query<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const done = new Map(rows.map((r) => [r.migration_name, r.checksum]));
    const result: MigrateResult = { applied: [], alreadyApplied: [] };
    for (const m of migrations) {
      const seen = done.get(m.name);
      if (seen !== undefined) {
        if (seen !== m.checksum) {
          throw new Error(
            `Migration ${m.name} was changed after it was applied (checksum differs); add a new migration instead.`,
          );
        }
        result.alreadyApplied.push(m.name);
        continue;
      }
      await sql.transaction(async (tx) => {
        await tx.exec(m.sql);
        await tx.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), now(), 1)`,
          [randomUUID(), m.checksum, m.name],
        );
      });
      result.applied.push(m.name);
    }
    return result;
  } finally {
    if (lock) await sql.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
  }
}
