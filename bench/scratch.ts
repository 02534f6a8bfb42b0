/**
 * What the benches that serve a seeded registry share: a scratch database to seed (a new
 * PostgreSQL database on TEST_DATABASE_URL's server, or a PGlite directory in a temporary folder)
 * and the one seed they measure against.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Database } from '../src/db/database.js';
import { authenticate, createToken } from '../src/domain/auth.js';
import { createConnector, releaseConnector, updateConnector } from '../src/domain/connectors.js';
import { validCode } from '../test/fixtures/code.js';

export const ADMIN_URL =
  process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  await c.query(sql);
  await c.end();
}

/**
 * A new empty database for one scenario: `registry_<bench>_<time>` on PostgreSQL (`url`), or a
 * PGlite directory under a `registry-<bench>-` temporary folder (`dataDir`). `drop` removes it.
 */
export async function scratchDatabase(
  kind: 'postgres' | 'pglite',
  bench: string,
): Promise<{ url?: string; dataDir?: string; drop: () => Promise<void> }> {
  if (kind === 'postgres') {
    const name = `registry_${bench}_${Date.now()}`;
    await admin(`CREATE DATABASE ${name}`);
    const u = new URL(ADMIN_URL);
    u.pathname = `/${name}`;
    return {
      url: u.toString(),
      drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
    };
  }
  const dataDir = join(mkdtempSync(join(tmpdir(), `registry-${bench}-`)), 'pglite');
  return {
    dataDir,
    drop: async () => rmSync(join(dataDir, '..'), { recursive: true, force: true }),
  };
}

/**
 * Migrates `db` and gives a workspace `bench` `count` connectors, each with a released version 1
 * and a version 2; then gathers planner statistics, as a database in service has them
 * (autovacuum would gather them a while after the seeding; without them every server's list
 * query gets a worse plan). Answers the workspace's ADMIN token and the connectors' ids.
 */
export async function seedConnectors(
  db: Database,
  count: number,
): Promise<{ token: string; ids: number[] }> {
  await db.migrate();
  const token = (
    await createToken(db.prisma, { workspace: 'bench', role: 'ADMIN', handle: 'bench' })
  ).token;
  const ctx = { prisma: db.prisma, actor: await authenticate(db.prisma, token) };
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const c = await createConnector(ctx, {
      title: `Bench ${i}`,
      code: validCode({ title: `Bench ${i}` }),
      note: 'v1',
    });
    await releaseConnector(ctx, c.id);
    await updateConnector(ctx, c.id, { note: 'v2' });
    ids.push(c.id);
  }
  await db.sql.exec('ANALYZE');
  return { token, ids };
}
