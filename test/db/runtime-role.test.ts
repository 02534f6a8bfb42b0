import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { grantRuntimeRole } from '../../src/db/runtime-role.js';
import { backends } from '../helpers/backends.js';
import { cli } from '../helpers/processes.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const withDb = (url: string, db: string, user?: string) => {
  const u = new URL(url);
  u.pathname = `/${db}`;
  if (user) u.username = user;
  return u.toString();
};

describe('the runtime role grants', () => {
  it('are printed by the CLI and refuse a role name that is not a plain identifier', async () => {
    const run = await cli(
      { ...process.env, LOG_LEVEL: 'silent' },
      'runtime-role',
      '--role',
      'registry_app',
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(grantRuntimeRole('registry_app'));
    expect(run.stdout).toContain(
      'REVOKE UPDATE, DELETE, TRUNCATE ON "audit_entries" FROM registry_app;',
    );
    expect(() => grantRuntimeRole('app; DROP TABLE audit_entries')).toThrow(/role name/);
  });
});

/**
 * Server mode with an owner role for migrations and a runtime role that owns nothing: the registry
 * works, and the runtime role cannot rewrite the audit log by any of the ways its owner could.
 */
for (const backend of (await backends()).filter((b) => b === 'postgres')) {
  describe(`a runtime role that does not own the tables (${backend})`, () => {
    const suffix = randomBytes(4).toString('hex');
    const owner = `registry_owner_${suffix}`;
    const app = `registry_app_${suffix}`;
    const name = `registry_roles_${suffix}`;
    let admin: pg.Client;
    let t: TestServer;
    beforeAll(async () => {
      admin = new pg.Client({ connectionString: ADMIN_URL });
      await admin.connect();
      await admin.query(`CREATE ROLE ${owner} LOGIN; CREATE ROLE ${app} LOGIN`);
      await admin.query(`CREATE DATABASE ${name} OWNER ${owner}`);
      // PostgreSQL 15+: the public schema belongs to pg_database_owner (the owner role here).
      const ownerDb = await openDatabase({ url: withDb(ADMIN_URL, name, owner) });
      await ownerDb.migrate();
      await ownerDb.sql.exec(grantRuntimeRole(app));
      await ownerDb.close();
      t = await startTestServer('pglite', {
        DATA_DIR: 'memory://',
        DATABASE_URL: withDb(ADMIN_URL, name, app),
      });
    }, 120_000);
    afterAll(async () => {
      await t?.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`DROP ROLE IF EXISTS ${app}; DROP ROLE IF EXISTS ${owner}`);
      await admin.end();
    });

    it('serves the API, and writes audit entries it cannot change, delete or get around', async () => {
      const token = await t.token('acme');
      const made = await t.gql(
        `mutation { createConnector(input: { title: "Owned by nobody", code: "{ title: 'x' }" }) { connector { id } userErrors { code } } }`,
        {},
        token,
      );
      expect(made.body.data.createConnector.userErrors).toEqual([]);
      const runtime = new pg.Client({ connectionString: withDb(ADMIN_URL, name, app) });
      await runtime.connect();
      try {
        const { rows } = await runtime.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM audit_entries',
        );
        expect(rows[0].n).toBeGreaterThan(0);
        for (const attempt of [
          `UPDATE audit_entries SET actor_handle = 'mallory'`,
          'DELETE FROM audit_entries',
          'TRUNCATE audit_entries',
          'ALTER TABLE audit_entries DISABLE TRIGGER USER',
          'DROP TRIGGER audit_entries_no_change ON audit_entries',
          'SET session_replication_role = replica',
        ]) {
          await expect(runtime.query(attempt), attempt).rejects.toThrow(
            /permission denied|must be owner|append-only/,
          );
        }
        const after = await runtime.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM audit_entries WHERE actor_handle = 'mallory'`,
        );
        expect(after.rows[0].n).toBe(0);
      } finally {
        await runtime.end();
      }
    });
  });
}
