import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { keyIdOf } from '../../src/crypto/secret-box.js';
import { fixture } from '../executor/fake-api.js';
import { backends, createPostgresDatabase } from '../helpers/backends.js';
import { postgresTemplate } from '../helpers/templates.js';
import { startTestServer } from '../helpers/server.js';
import { createConnection, createConnector } from '../runs/helpers.js';

const exec = promisify(execFile);
const BIN = new URL('../../bin/connector-registry.js', import.meta.url).pathname;

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const VALUES = `query($id: ID!) { node(id: $id) { ... on ConnectionProfile { values { name set value } } } }`;

/**
 * `connector-registry connections reseal` after a key rotation: every connection sealed with the
 * old key is sealed again with the new one, so the old key can be dropped. Without a server (both
 * databases) and, on PGlite, beside a running server (the server's keys are used).
 */
for (const backend of await backends()) {
  describe(`connector-registry connections reseal (${backend})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'registry-reseal-'));
    let pgdb: Awaited<ReturnType<typeof createPostgresDatabase>> | null = null;
    afterAll(async () => {
      rmSync(dir, { recursive: true, force: true });
      await pgdb?.drop();
    });

    it('re-seals values sealed with the previous key; values then open with the new key alone', async () => {
      // Migrated databases to start from (PGlite's data directory: startTestServer unpacks it).
      pgdb =
        backend === 'postgres'
          ? await createPostgresDatabase({ template: await postgresTemplate() })
          : null;
      const where = pgdb ? { DATABASE_URL: pgdb.url } : { DATA_DIR: join(dir, 'pglite') };
      const env = (keys: Record<string, string>): NodeJS.ProcessEnv => {
        const e: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent', ...where, ...keys };
        if (!pgdb) delete e.DATABASE_URL;
        if (!keys.CONNECTION_SECRET_KEYS_PREVIOUS) delete e.CONNECTION_SECRET_KEYS_PREVIOUS;
        return e;
      };
      const A = keyA.toString('base64');
      const B = keyB.toString('base64');

      // Sealed with key A.
      const first = await startTestServer(backend, { ...where, CONNECTION_SECRET_KEY: A });
      const admin = await first.token('acme', 'ADMIN', 'ada');
      const connector = await createConnector(
        first,
        admin,
        'Taskly',
        fixture('taskly-basic-auth.rb'),
      );
      const connection = await createConnection(first, admin, connector, 'ada', {
        base_url: 'https://api.example.com',
        username: 'ada',
        password: 'correct-horse',
      });
      await first.server.close();

      const rotated = { CONNECTION_SECRET_KEY: B, CONNECTION_SECRET_KEYS_PREVIOUS: A };
      if (backend === 'pglite') {
        // Beside a running server started with the new key and the old one as previous.
        const second = await startTestServer(backend, { ...where, ...rotated });
        const out = await exec('node', [BIN, 'connections', 'reseal'], { env: env(rotated) });
        expect(out.stdout.trim()).toBe(
          `re-sealed 1 connection(s) with key ${keyIdOf(keyB)}; 0 already sealed with it; 0 could not be opened`,
        );
        await second.server.close();
      } else {
        const out = await exec('node', [BIN, 'connections', 'reseal'], { env: env(rotated) });
        expect(out.stdout.trim()).toBe(
          `re-sealed 1 connection(s) with key ${keyIdOf(keyB)}; 0 already sealed with it; 0 could not be opened`,
        );
      }

      // Nothing left for the old key: a second run changes nothing...
      const again = await exec('node', [BIN, 'connections', 'reseal'], {
        env: env({ CONNECTION_SECRET_KEY: B }),
      });
      expect(again.stdout.trim()).toBe(
        `re-sealed 0 connection(s) with key ${keyIdOf(keyB)}; 1 already sealed with it; 0 could not be opened`,
      );
      // ...and with only the old key, the values no longer open (the command says so and fails).
      const old = await exec('node', [BIN, 'connections', 'reseal'], {
        env: env({ CONNECTION_SECRET_KEY: A }),
      }).then(
        () => null,
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
      expect(old?.code).not.toBe(0);
      expect(old?.stdout).toContain('1 could not be opened');
      expect(old?.stderr).toContain('sealed with a key that is not configured');

      // The new key alone opens them.
      const third = await startTestServer(backend, { ...where, CONNECTION_SECRET_KEY: B });
      const values = await third.gql(
        VALUES,
        { id: connection },
        await third.token('acme', 'ADMIN', 'ada'),
      );
      expect(values.body.data.node.values).toEqual([
        { name: 'base_url', set: true, value: 'https://api.example.com' },
        { name: 'username', set: true, value: 'ada' },
        { name: 'password', set: true, value: null },
      ]);
      await third.server.close();
    }, 300_000);
  });
}
