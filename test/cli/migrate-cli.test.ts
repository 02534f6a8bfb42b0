import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { readMigrations } from '../../src/db/migrator.js';
import { backends, createPostgresDatabase } from '../helpers/backends.js';

const run = promisify(execFile);
const BIN = new URL('../../bin/connector-registry.js', import.meta.url).pathname;

for (const backend of await backends()) {
  describe(`connector-registry migrate (${backend})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'registry-migrate-'));
    let pgdb: Awaited<ReturnType<typeof createPostgresDatabase>> | null = null;
    afterAll(async () => {
      rmSync(dir, { recursive: true, force: true });
      await pgdb?.drop();
    });

    it('says what it applied on a fresh database, and that nothing was left the second time', async () => {
      pgdb = backend === 'postgres' ? await createPostgresDatabase() : null;
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DATA_DIR: join(dir, 'pglite'),
        LOG_LEVEL: 'silent',
      };
      if (pgdb) env.DATABASE_URL = pgdb.url;
      else delete env.DATABASE_URL;
      const total = (await readMigrations()).length;
      const first = await run('node', [BIN, 'migrate'], { env });
      expect(first.stdout.trim()).toBe(`applied ${total} migration(s), 0 already applied`);
      const second = await run('node', [BIN, 'migrate'], { env });
      expect(second.stdout.trim()).toBe(`applied 0 migration(s), ${total} already applied`);
    }, 180_000); // two CLI start-ups on PGlite; a loaded machine takes a while
  });
}
