import type { SqlDriverAdapterFactory, SqlQuery } from '@prisma/driver-adapter-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
import {
  LARGE_VALUE_CHARS,
  PASSED_THROUGH_METHODS,
  WRAPPED_METHODS,
  largeValues,
  withHeldValues,
} from '../../src/db/large-values.js';
import { backends, createPostgresDatabase } from '../helpers/backends.js';
import { pgliteSeed } from '../helpers/templates.js';

/** Every function property an object answers to, own and inherited (not Object's). */
function methodsOf(target: object): string[] {
  const names = new Set<string>();
  for (let o: object | null = target; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name !== 'constructor' && typeof (target as Record<string, unknown>)[name] === 'function')
        names.add(name);
    }
  }
  return [...names].sort();
}

const big = (mark: string) =>
  `${mark}:${'ü'.repeat(LARGE_VALUE_CHARS)}\n${'x'.repeat(3 * LARGE_VALUE_CHARS)}`;

for (const backend of await backends()) {
  describe(`large query parameters past Prisma (${backend})`, () => {
    let db: Database;
    let drop = async () => {};
    let url = '';

    beforeAll(async () => {
      if (backend === 'postgres') {
        const pg = await createPostgresDatabase();
        drop = pg.drop;
        url = pg.url;
        db = await openDatabase({ url });
      } else {
        db = await openDatabase({ dataDir: 'memory://', seed: await pgliteSeed() });
      }
      await db.sql.exec('CREATE TABLE held (id int PRIMARY KEY, v text NOT NULL)');
    }, 60_000);
    afterAll(async () => {
      await db?.close();
      await drop();
    });

    const stored = async (id: number) =>
      (await db.sql.query<{ v: string }>('SELECT v FROM held WHERE id = $1', [id]))[0]?.v;

    it('stores the value itself, not its stand-in, outside a transaction', async () => {
      const value = big('outside');
      await withHeldValues(db.prisma, [value, 'short'], ([ref, short]) => {
        expect(ref).not.toBe(value);
        expect(short).toBe('short');
        return db.prisma.$executeRaw`INSERT INTO held (id, v) VALUES (1, ${ref})`;
      });
      expect(await stored(1)).toBe(value);
    });

    it('stores the value itself inside an interactive transaction, and reads it back in it', async () => {
      const value = big('inside');
      const seen = await db.prisma.$transaction(async (tx) => {
        await withHeldValues(
          tx,
          [value],
          ([ref]) => tx.$executeRaw`INSERT INTO held (id, v) VALUES (2, ${ref})`,
        );
        const [row] = await tx.$queryRaw<
          { n: number }[]
        >`SELECT length(v)::int AS n FROM held WHERE id = 2`;
        return row.n;
      });
      expect(seen).toBe(value.length);
      expect(await stored(2)).toBe(value);
    });

    it('refuses a stand-in used after its call settled, and writes nothing', async () => {
      let leaked = '';
      await withHeldValues(db.prisma, [big('late')], async ([ref]) => {
        leaked = ref;
      });
      await expect(
        db.prisma.$executeRaw`INSERT INTO held (id, v) VALUES (3, ${leaked})`,
      ).rejects.toThrow(/not held for this database/);
      expect(await stored(3)).toBeUndefined();
    });

    it("refuses a stand-in held for another database's client", async () => {
      const other = largeValues().attach({});
      await withHeldValues(other, [big('elsewhere')], async ([ref]) => {
        await expect(
          db.prisma.$executeRaw`INSERT INTO held (id, v) VALUES (4, ${ref})`,
        ).rejects.toThrow(/not held for this database/);
      });
      expect(await stored(4)).toBeUndefined();
    });

    it('knows every method of the real adapter and of its transactions', async () => {
      // The driver adapter this backend runs on, unwrapped.
      let factory: SqlDriverAdapterFactory;
      let close: () => Promise<void>;
      if (backend === 'postgres') {
        const [{ default: pg }, { PrismaPg }] = await Promise.all([
          import('pg'),
          import('@prisma/adapter-pg'),
        ]);
        const pool = new pg.Pool({ connectionString: url });
        factory = new PrismaPg(pool);
        close = () => pool.end();
      } else {
        const { startPGliteThread } = await import('../../src/db/pglite-thread.js');
        const lite = await startPGliteThread('memory://', []);
        factory = lite.adapter;
        close = () => lite.close();
      }
      const known = new Set([...WRAPPED_METHODS, ...PASSED_THROUGH_METHODS]);
      const adapter = await factory.connect();
      const tx = await adapter.startTransaction();
      const names = [...methodsOf(adapter), ...methodsOf(tx)];
      await tx.rollback();
      await adapter.dispose();
      await close();
      expect(names.filter((m) => !known.has(m))).toEqual([]);
    }, 60_000);
  });
}

describe('an adapter method the proxy does not wrap', () => {
  it('throws when called instead of sending stand-ins to the database', async () => {
    const sent: SqlQuery[] = [];
    const adapter = {
      provider: 'postgres',
      adapterName: 'fake',
      queryRaw: async (q: SqlQuery) => {
        sent.push(q);
        return { columnNames: [], columnTypes: [], rows: [] };
      },
      executeRaw: async (q: SqlQuery) => {
        sent.push(q);
        return 1;
      },
      // What a later Prisma could add: a second way to send statements.
      queryRawBatch: async (qs: SqlQuery[]) => {
        sent.push(...qs);
        return [];
      },
      dispose: async () => {},
    };
    const factory = {
      provider: 'postgres',
      adapterName: 'fake',
      connect: async () => adapter,
    } as unknown as SqlDriverAdapterFactory;
    const large = largeValues();
    const wrapped = (await large.wrap(factory).connect()) as unknown as typeof adapter;
    await withHeldValues(large.attach({}), [big('batch')], async ([ref]) => {
      const q: SqlQuery = {
        sql: 'INSERT INTO t VALUES ($1)',
        args: [ref],
        argTypes: [],
      } as unknown as SqlQuery;
      expect(() => wrapped.queryRawBatch([q])).toThrow(
        /does not wrap the driver adapter's queryRawBatch/,
      );
      await wrapped.executeRaw(q);
    });
    // Only the wrapped method reached the driver, with the value swapped in.
    expect(sent).toHaveLength(1);
    expect(sent[0].args[0]).toMatch(/^batch:/);
    await expect(wrapped.dispose()).resolves.toBeUndefined();
  });
});
