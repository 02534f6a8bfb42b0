import { readFileSync } from 'node:fs';
import wasm from '@prisma/prisma-schema-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
import { backends, createPostgresDatabase } from '../helpers/backends.js';

/**
 * Migrations are hand-written SQL, so this proves they build exactly what schema.prisma
 * describes: every model has its table, every field its column with the right nullability
 * and type family, every @id/@unique/@@unique/@@index its index.
 */
interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: string;
  type: string;
  isList: boolean;
  isRequired: boolean;
  relationFromFields?: string[];
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  fields: { name: string }[];
}

const dmmf = JSON.parse(
  wasm.get_dmmf(
    JSON.stringify({
      prismaSchema: readFileSync(new URL('../../prisma/schema.prisma', import.meta.url), 'utf8'),
    }),
  ),
).datamodel as {
  models: DmmfModel[];
  indexes: DmmfIndex[];
  enums: { name: string; values: { name: string }[] }[];
};

const PG_TYPES: Record<string, string[]> = {
  Int: ['integer'],
  String: ['text'],
  Boolean: ['boolean'],
  DateTime: ['timestamp without time zone'],
  Json: ['jsonb'],
  BigInt: ['bigint'],
};

const columnName = (f: DmmfField) => f.dbName ?? f.name;

for (const backend of await backends()) {
  describe(`migrated database matches schema.prisma (${backend})`, () => {
    let db: Database;
    let drop: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      const pgdb = backend === 'postgres' ? await createPostgresDatabase() : undefined;
      drop = pgdb?.drop;
      db = await openDatabase({ url: pgdb?.url, dataDir: 'memory://' });
      await db.migrate();
    });
    afterAll(async () => {
      await db.close();
      await drop?.();
    });

    it('records the migrations the way Prisma does, and applying again is a no-op', async () => {
      const rows = await db.sql.query<{
        migration_name: string;
        checksum: string;
        finished_at: Date | null;
      }>('SELECT migration_name, checksum, finished_at FROM "_prisma_migrations"');
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) {
        expect(r.checksum).toMatch(/^[0-9a-f]{64}$/);
        expect(r.finished_at).not.toBeNull();
      }
      const again = await db.migrate();
      expect(again.applied).toEqual([]);
      expect(again.alreadyApplied).toHaveLength(rows.length);
    });

    for (const model of dmmf.models) {
      const table = model.dbName ?? model.name;
      it(`table ${table} has every column of model ${model.name}`, async () => {
        const columns = await db.sql.query<{
          column_name: string;
          is_nullable: string;
          data_type: string;
          udt_name: string;
        }>(
          `SELECT column_name, is_nullable, data_type, udt_name FROM information_schema.columns
           WHERE table_schema = 'public' AND table_name = $1`,
          [table],
        );
        const byName = new Map(columns.map((c) => [c.column_name, c]));
        const scalars = model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum');
        for (const f of scalars) {
          const col = byName.get(columnName(f));
          expect(col, `${table}.${columnName(f)}`).toBeDefined();
          if (f.isList) {
            expect(col!.data_type, `${table}.${columnName(f)} type`).toBe('ARRAY');
          } else if (f.kind === 'enum') {
            expect(col!.udt_name).toBe(f.type);
            expect(col!.is_nullable === 'NO', `${table}.${columnName(f)} nullability`).toBe(
              f.isRequired,
            );
          } else {
            expect(PG_TYPES[f.type], `${table}.${columnName(f)} type`).toContain(col!.data_type);
            expect(col!.is_nullable === 'NO', `${table}.${columnName(f)} nullability`).toBe(
              f.isRequired,
            );
          }
        }
        // No stray columns either: the schema must describe the whole table.
        expect(columns.map((c) => c.column_name).sort()).toEqual(scalars.map(columnName).sort());
      });
    }

    it('has an index for every @id, @unique, @@unique and @@index', async () => {
      const indexes = await db.sql.query<{ table: string; unique: boolean; columns: string[] }>(
        `SELECT t.relname AS table, i.indisunique AS unique,
                array(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(attnum, n)
                      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS columns
         FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace ns ON ns.oid = t.relnamespace
         WHERE ns.nspname = 'public'`,
      );
      const have = new Set(indexes.map((i) => `${i.table}|${i.unique}|${i.columns.join(',')}`));
      for (const index of dmmf.indexes) {
        const model = dmmf.models.find((m) => m.name === index.model)!;
        const cols = index.fields.map((f) =>
          columnName(model.fields.find((mf) => mf.name === f.name)!),
        );
        const key = `${model.dbName ?? model.name}|${index.type !== 'normal'}|${cols.join(',')}`;
        expect(have, key).toContain(key);
      }
    });

    it('has every enum with its values in order', async () => {
      for (const e of dmmf.enums) {
        const rows = await db.sql.query<{ enumlabel: string }>(
          `SELECT e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = $1 ORDER BY e.enumsortorder`,
          [e.name],
        );
        expect(rows.map((r) => r.enumlabel)).toEqual(e.values.map((v) => v.name));
      }
    });

    it('has a foreign key for every relation', async () => {
      const fks = await db.sql.query<{ table: string; columns: string[] }>(
        `SELECT t.relname AS table,
                array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
                      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS columns
         FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid WHERE c.contype = 'f'`,
      );
      const have = new Set(fks.map((f) => `${f.table}|${f.columns.join(',')}`));
      for (const model of dmmf.models) {
        for (const f of model.fields.filter((x) => x.relationFromFields?.length)) {
          const cols = f.relationFromFields!.map((n) =>
            columnName(model.fields.find((mf) => mf.name === n)!),
          );
          expect(have).toContain(`${model.dbName ?? model.name}|${cols.join(',')}`);
        }
      }
    });
  });
}
