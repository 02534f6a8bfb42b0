import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import pg from 'pg';
import { migrate, readMigrations } from '../../src/db/migrator.js';
import { pgSql, type Sql } from '../../src/db/sql.js';
import { type Backend, createPostgresDatabase } from './backends.js';

/**
 * Migrated databases to copy, so that a test server does not run initdb and every migration again.
 * Measured on this machine: a fresh in-memory PGlite costs initdb (most of a server's start) plus
 * the migrations; loading a dumped data directory costs a fraction of that. On PostgreSQL,
 * `CREATE DATABASE … TEMPLATE` copies a migrated database in one statement.
 *
 * Both are named by a hash of the migration files (and of PGlite's version), so a new or changed
 * migration makes a new template; the migrator still runs at every start and finds nothing to
 * apply. Tests that are about migrating an empty database (test/db/schema-match.test.ts, the CLI's
 * `migrate`) keep starting from empty ones.
 */

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const CACHE_DIR = new URL('../../node_modules/.cache/connector-registry-tests/', import.meta.url)
  .pathname;
/** One arbitrary constant: test runs from several checkouts create a template one at a time. */
const TEMPLATE_LOCK = 72707370;

/**
 * What the PGlite seed drops and sets after migrating, to make opening it cheaper. Every test
 * server opens one (over a hundred a run) and each open copies the whole data directory into
 * PGlite's in-memory file system, then sets up its shared memory. Measured with five opens of each
 * (2026-12-07): 1.5 to 1.8 s of CPU an open as initdb leaves it, about 1.2 s without the two
 * template databases (42 MB → 27 MB: no test creates a database on PGlite), about 0.95 s with 16 MB
 * of shared buffers instead of 128 (a test database holds a few hundred kB). Part of the template
 * key, so a change here makes a new seed.
 */
const SEED_TRIM = `
  UPDATE pg_database SET datistemplate = false WHERE datname IN ('template0', 'template1');
  DROP DATABASE template0;
  DROP DATABASE template1;
  ALTER SYSTEM SET shared_buffers = '16MB';
  CHECKPOINT;`;

let key: Promise<string> | undefined;

/** A short hash of the migrations, the seed's trim and the PGlite build: what a template depends on. */
export function templateKey(): Promise<string> {
  key ??= readMigrations().then((migrations) => {
    const hash = createHash('sha256');
    for (const m of migrations) hash.update(m.name).update('\0').update(m.checksum).update('\0');
    hash.update(SEED_TRIM);
    // The package's exports hide its package.json from require(); read the file itself.
    const dist = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
    hash.update(
      (JSON.parse(readFileSync(join(dist, '..', 'package.json'), 'utf8')) as { version: string })
        .version,
    );
    return hash.digest('hex').slice(0, 16);
  });
  return key;
}

function liteSql(db: PGlite | Transaction): Sql {
  return {
    query: async <T>(text: string, params: unknown[] = []) =>
      (await db.query(text, params)).rows as T[],
    exec: async (script) => void (await db.exec(script)),
    transaction: (fn) => {
      if (!(db instanceof PGlite)) throw new Error('nested transactions are not supported');
      return db.transaction((tx) => fn(liteSql(tx)));
    },
  };
}

let seed: Promise<string> | undefined;

/**
 * The path of a tarball of a migrated PGlite data directory (PGlite's `dumpDataDir`), made once
 * per set of migrations and kept in node_modules/.cache. Start a server from it with the `seed`
 * option of startServer/openDatabase.
 */
export function pgliteSeed(): Promise<string> {
  seed ??= (async () => {
    const file = join(CACHE_DIR, `pglite-${await templateKey()}.tar`);
    if (existsSync(file)) return file;
    const lite = await PGlite.create('memory://');
    try {
      await migrate(liteSql(lite));
      for (const statement of SEED_TRIM.split(';').filter((s) => s.trim()))
        await lite.exec(statement);
      const dump = await lite.dumpDataDir('none');
      mkdirSync(CACHE_DIR, { recursive: true });
      // Written aside and renamed: a concurrent run never reads half a file.
      const partial = `${file}.${process.pid}.partial`;
      writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
      renameSync(partial, file);
    } finally {
      await lite.close();
    }
    return file;
  })();
  return seed;
}

/**
 * Makes `dir` (which must not exist yet) a migrated PGlite data directory on disk, unpacked from
 * the seed (`pgliteSeed()`): for servers, CLI commands and crash tests that run on a data directory
 * and are not about starting from an empty one. Unpacking takes a fraction of a second; initdb and
 * every migration take seconds. Answers `dir`.
 */
export async function seededDataDir(dir: string): Promise<string> {
  if (existsSync(dir)) throw new Error(`${dir} exists: a seeded data directory starts new`);
  const seed = await pgliteSeed();
  // The directory as the registry makes one (0700); the registry closes the files PGlite wrote.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  await promisify(execFile)('tar', ['-xf', seed, '-C', dir, '--no-same-owner']);
  return dir;
}

/**
 * A migrated database for a test's own processes (the CLI, `serve`) on `backend`: on PostgreSQL a
 * new copy of the template (`pgdb`; drop it after), on PGlite `dataDir` seeded (seededDataDir).
 * `env(vars)` answers `vars` pointed at it: DATA_DIR `dataDir`, and DATABASE_URL the copy's on
 * PostgreSQL, none on PGlite (an inherited one is deleted).
 */
export async function migratedDatabase(backend: Backend, dataDir: string) {
  const pgdb =
    backend === 'postgres'
      ? await createPostgresDatabase({ template: await postgresTemplate() })
      : null;
  if (!pgdb) await seededDataDir(dataDir);
  const env = (vars: NodeJS.ProcessEnv): NodeJS.ProcessEnv => {
    const all: NodeJS.ProcessEnv = { ...vars, DATA_DIR: dataDir };
    if (pgdb) all.DATABASE_URL = pgdb.url;
    else delete all.DATABASE_URL;
    return all;
  };
  return { pgdb, env };
}

let pgTemplate: Promise<string> | undefined;

/** The name of a migrated PostgreSQL database to copy (`CREATE DATABASE … TEMPLATE`), made once per set of migrations. */
export function postgresTemplate(): Promise<string> {
  pgTemplate ??= (async () => {
    const name = `registry_template_${await templateKey()}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    try {
      await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
      const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount) return name;
      // Migrated under another name and renamed: a template is never seen half made.
      const partial = `${name}_partial`;
      await admin.query(`DROP DATABASE IF EXISTS ${partial} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${partial}`);
      const url = new URL(ADMIN_URL);
      url.pathname = `/${partial}`;
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        await migrate(pgSql(client as unknown as pg.PoolClient), { usesAdvisoryLock: true });
      } finally {
        await client.end();
      }
      await admin.query(`ALTER DATABASE ${partial} RENAME TO ${name}`);
      return name;
    } finally {
      await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]).catch(() => {});
      await admin.end();
    }
  })();
  return pgTemplate;
}
