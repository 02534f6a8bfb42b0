/**
 * Large query parameters past Prisma. Prisma's raw queries still pass their parameters through
 * its query compiler (WASM) and back: for a 10 MB code string and its 4 MB structure that was
 * 0.7-1.4 s of main-thread CPU per version written, and WASM memory that never shrinks. A large
 * value is held here and a stand-in goes through Prisma instead; the driver adapter (wrapped by
 * `withLargeValues`) swaps the value back in just before the statement reaches the driver, in the
 * same transaction.
 *
 * Stand-ins start with a NUL character, which no stored text can hold (PostgreSQL refuses it and
 * every input is checked for it), so no value a client sends can be taken for one.
 */
import { randomUUID } from 'node:crypto';
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, SqlQueryable } from '@prisma/driver-adapter-utils';

/** Values shorter than this go through Prisma as they are. */
export const LARGE_VALUE_CHARS = 64 * 1024;

const PREFIX = '\u0000large-value:';
const held = new Map<string, string>();

/**
 * Runs `fn` with a stand-in for each value (the value itself when it is short); the values are
 * let go when `fn` settles.
 */
export async function withHeldValues<T>(values: string[], fn: (refs: string[]) => Promise<T>): Promise<T> {
  const refs = values.map((value) => {
    if (value.length < LARGE_VALUE_CHARS) return value;
    const ref = `${PREFIX}${randomUUID()}`;
    held.set(ref, value);
    return ref;
  });
  try {
    return await fn(refs);
  } finally {
    for (const ref of refs) if (ref.startsWith(PREFIX)) held.delete(ref);
  }
}

function swap(query: SqlQuery): SqlQuery {
  if (held.size === 0) return query;
  let args: unknown[] | null = null;
  query.args.forEach((arg, i) => {
    if (typeof arg === 'string' && arg.startsWith(PREFIX)) {
      const value = held.get(arg);
      if (value === undefined) throw new Error('A large query parameter was used after it was let go.');
      (args ??= [...query.args])[i] = value;
    }
  });
  return args ? { ...query, args } : query;
}

function wrapQueryable<T extends SqlQueryable>(target: T): T {
  return new Proxy(target, {
    get(obj, prop) {
      if (prop === 'queryRaw') return (q: SqlQuery) => obj.queryRaw(swap(q));
      if (prop === 'executeRaw') return (q: SqlQuery) => obj.executeRaw(swap(q));
      if (prop === 'startTransaction') {
        return async (...args: unknown[]) => wrapQueryable(await (obj as unknown as SqlDriverAdapter).startTransaction(...(args as [])));
      }
      const value = Reflect.get(obj, prop, obj) as unknown;
      return typeof value === 'function' ? value.bind(obj) : value;
    },
  });
}

/** The driver adapter factory, with stand-ins swapped for their values in every statement. */
export function withLargeValues<F extends SqlDriverAdapterFactory>(factory: F): F {
  return new Proxy(factory, {
    get(obj, prop) {
      if (prop === 'connect') return async () => wrapQueryable(await obj.connect());
      const value = Reflect.get(obj, prop, obj) as unknown;
      return typeof value === 'function' ? value.bind(obj) : value;
    },
  });
}
