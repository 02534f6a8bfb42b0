import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
import { calmestStall, STALL_SHARE } from '../helpers/stalls.js';
import { pgliteSeed } from '../helpers/templates.js';

describe('PGlite in its own thread (src/db/pglite-thread.ts)', () => {
  let db: Database;

  beforeAll(async () => {
    db = await openDatabase({ dataDir: 'memory://', seed: await pgliteSeed() });
    await db.migrate();
    await db.sql.exec(`INSERT INTO workspaces (slug, name) VALUES ('acme', 'Acme')`);
  }, 60_000);
  afterAll(() => db.close());

  it('keeps the event loop turning while PostgreSQL stores and reads back 20 MB', async () => {
    const big = 'x'.repeat(20 * 1024 * 1024);
    const bound = (took: number) => Math.max(50, took * STALL_SHARE);
    const { took, longestStall } = await calmestStall(async () => {
      await db.sql.exec('DROP TABLE IF EXISTS big; CREATE TEMP TABLE big (v text)');
      await db.sql.query('INSERT INTO big VALUES ($1)', [big]);
      const [row] = await db.sql.query<{ n: number }>('SELECT length(v) AS n FROM big');
      expect(row.n).toBe(big.length);
    }, bound);
    // On the main thread the INSERT alone was one stall of hundreds of milliseconds; now the
    // loop only pays for handing the value over (a copy).
    expect(longestStall).toBeLessThan(bound(took));
  }, 60_000);

  it("keeps PostgreSQL's error fields, for raw SQL and for Prisma", async () => {
    const duplicate = db.sql.query(`INSERT INTO workspaces (slug, name) VALUES ('acme', 'Again')`);
    await expect(duplicate).rejects.toMatchObject({
      code: '23505',
      message: expect.stringContaining('duplicate key'),
    });
    // Prisma recognises the driver's error through the thread: a unique violation is its P2002.
    await expect(
      db.prisma.workspace.create({ data: { slug: 'acme', name: 'Again' } }),
    ).rejects.toMatchObject({ code: 'P2002' });
  });

  it('rolls back a raw transaction that throws, and commits one that returns', async () => {
    await expect(
      db.sql.transaction(async (tx) => {
        await tx.query(`INSERT INTO workspaces (slug, name) VALUES ('gone', 'Gone')`);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const kept = await db.sql.transaction(async (tx) => {
      await tx.query(`INSERT INTO workspaces (slug, name) VALUES ('kept', 'Kept')`);
      return (
        await tx.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM workspaces WHERE slug = 'kept'`,
        )
      )[0].n;
    });
    expect(kept).toBe(1);
    const slugs = (
      await db.sql.query<{ slug: string }>('SELECT slug FROM workspaces ORDER BY slug')
    ).map((r) => r.slug);
    expect(slugs).toEqual(['acme', 'kept']);
  });

  it("rolls back Prisma's interactive transaction that throws", async () => {
    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.workspace.create({ data: { slug: 'prisma-gone', name: 'Gone' } });
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(await db.prisma.workspace.findUnique({ where: { slug: 'prisma-gone' } })).toBeNull();
    await db.prisma.$transaction(async (tx) =>
      tx.workspace.create({ data: { slug: 'prisma-kept', name: 'Kept' } }),
    );
    expect(await db.prisma.workspace.findUnique({ where: { slug: 'prisma-kept' } })).not.toBeNull();
  });

  it('runs transactions one at a time, as PGlite does, while others wait', async () => {
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = db.sql.transaction(async (tx) => {
      await tx.query(`UPDATE workspaces SET name = 'First' WHERE slug = 'acme'`);
      order.push('first wrote');
      await held;
      order.push('first commits');
    });
    await new Promise((r) => setTimeout(r, 50));
    const second = db.prisma.workspace
      .update({ where: { slug: 'acme' }, data: { name: 'Second' } })
      .then(() => order.push('second wrote'));
    await new Promise((r) => setTimeout(r, 100));
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first wrote', 'first commits', 'second wrote']);
    expect((await db.prisma.workspace.findUnique({ where: { slug: 'acme' } }))?.name).toBe(
      'Second',
    );
  });

  it('hears NOTIFY through LISTEN, and stops hearing it once unlistened', async () => {
    const heard: string[] = [];
    const unlisten = await db.listen!('thread_test', (payload) => heard.push(payload));
    await db.sql.query(`SELECT pg_notify('thread_test', 'one')`);
    await expect.poll(() => heard).toEqual(['one']);
    await unlisten();
    await db.sql.query(`SELECT pg_notify('thread_test', 'two')`);
    await new Promise((r) => setTimeout(r, 100));
    expect(heard).toEqual(['one']);
  });
});
