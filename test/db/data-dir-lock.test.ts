import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirInUseError } from '../../src/db/data-dir-lock.js';
import { openDatabase } from '../../src/db/database.js';
import { seededDataDir } from '../helpers/templates.js';

describe('PGlite data directory lock', () => {
  const root = mkdtempSync(join(tmpdir(), 'registry-lock-'));
  const dir = join(root, 'pglite');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('refuses a second process-level open of the same directory, and frees it on close', async () => {
    await seededDataDir(dir);
    const first = await openDatabase({ dataDir: dir });
    await first.migrate();
    await expect(openDatabase({ dataDir: dir })).rejects.toBeInstanceOf(DataDirInUseError);
    await first.sql.query(`INSERT INTO workspaces (slug, name) VALUES ('kept', 'Kept')`);
    await first.close();
    const second = await openDatabase({ dataDir: dir });
    const rows = await second.sql.query<{ slug: string }>(`SELECT slug FROM workspaces`);
    expect(rows.map((r) => r.slug)).toEqual(['kept']);
    await second.close();
  }, 120_000); // two PGlite starts: slow on a loaded machine
});
