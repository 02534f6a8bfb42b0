import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { createConnector, releaseConnector } from '../../src/domain/connectors.js';
import { authenticate } from '../../src/domain/auth.js';
import { backends, type createPostgresDatabase } from '../helpers/backends.js';
import { migratedDatabase } from '../helpers/templates.js';
import { validCode } from '../fixtures/code.js';

const run = promisify(execFile);
const BIN = new URL('../../bin/connector-registry.js', import.meta.url).pathname;

/** The CLI as a user runs it: a separate process on the same data directory or database. */
for (const backend of await backends()) {
  describe(`CLI export and import (${backend})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'registry-cli-'));
    let env: NodeJS.ProcessEnv;
    let pgdb: Awaited<ReturnType<typeof createPostgresDatabase>> | null = null;
    const cli = (...args: string[]) =>
      run('node', [BIN, ...args], { env, maxBuffer: 64 * 1024 * 1024 });

    beforeAll(async () => {
      // A migrated database to start from (test/cli/migrate-cli.test.ts covers an empty one).
      const db = await migratedDatabase(backend, join(dir, 'pglite'));
      pgdb = db.pgdb;
      env = db.env({ ...process.env, LOG_LEVEL: 'silent' });
      delete env.REGISTRY_TOKEN;
    });
    afterAll(async () => {
      rmSync(dir, { recursive: true, force: true });
      await pgdb?.drop();
    });

    it('exports the released connectors of one workspace to a file and imports it into another, with a dry run first', async () => {
      const sandbox = (
        await cli(
          'token',
          'create',
          '--workspace',
          'sandbox',
          '--role',
          'admin',
          '--handle',
          'dana',
        )
      ).stdout.trim();
      const production = (
        await cli(
          'token',
          'create',
          '--workspace',
          'production',
          '--role',
          'developer',
          '--handle',
          'pat',
        )
      ).stdout.trim();

      const db = await openDatabase({ url: pgdb?.url, dataDir: env.DATA_DIR });
      const ctx = { prisma: db.prisma, actor: await authenticate(db.prisma, sandbox) };
      for (const title of ['One', 'Two', 'Three']) {
        const c = await createConnector(ctx, {
          title,
          code: validCode({ title }),
          note: `${title} note`,
        });
        if (title !== 'Three') await releaseConnector(ctx, c.id);
      }
      await db.close();

      const file = join(dir, 'manifest.json');
      const exported = await cli('export', '--out', file, '--token', sandbox);
      expect(exported.stdout).toContain('exported 2 connector(s) from sandbox');
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      expect(manifest.connectors.map((c: { title: string }) => c.title)).toEqual(['One', 'Two']);

      const dry = await cli('import', file, '--dry-run', '--token', production);
      expect(dry.stdout).toContain('would create\tOne\tversion 1');
      const imported = await cli('import', file, '--token', production);
      expect(imported.stdout).toContain('create\tOne\tversion 1');
      expect(imported.stdout).toContain('create\tTwo\tversion 1');
      const again = await cli('import', file, '--token', production);
      // The same manifest again: the copies already have this code, so no version is added.
      expect(again.stdout).toContain('unchanged\tOne\tversion 1');
      expect(again.stdout).toContain('unchanged\tTwo\tversion 1');

      const check = await openDatabase({ url: pgdb?.url, dataDir: env.DATA_DIR });
      const rows = await check.prisma.connector.findMany({
        where: { workspace: { slug: 'production' } },
        orderBy: { id: 'asc' },
      });
      await check.close();
      expect(rows.map((r) => [r.title, r.latestVersion, r.releasedVersion])).toEqual([
        ['One', 1, 1],
        ['Two', 1, 1],
      ]);
    }, 120_000);

    it('refuses without a token and reports a bad manifest entry without writing', async () => {
      await expect(cli('import', join(dir, 'nothing.json'))).rejects.toMatchObject({
        stderr: expect.stringContaining('give a token'),
      });
      const token = (
        await cli('token', 'create', '--workspace', 'staging', '--handle', 'sam')
      ).stdout.trim();
      const file = join(dir, 'bad.json');
      const { writeFileSync } = await import('node:fs');
      writeFileSync(
        file,
        JSON.stringify({
          kind: 'connector-registry.manifest',
          schemaVersion: 1,
          exportedAt: 'x',
          source: { workspace: 's' },
          connectors: [
            {
              name: 'n',
              title: 'T',
              version: 1,
              code: '{ title: ',
              sha256: createHash('sha256').update('{ title: ').digest('hex'),
            },
          ],
        }),
      );
      await expect(cli('import', file, '--token', token)).rejects.toMatchObject({
        stderr: expect.stringContaining('manifest.connectors.0.code'),
      });
    }, 60_000);
  });
}
