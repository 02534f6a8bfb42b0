/**
 * Large query parameters past Prisma. Prisma's raw queries still pass their parameters through
 * its query compiler (WASM) and back: for a 10 MB code string and its 4 MB structure that was
 * 0.7-1.4 s of main-thread CPU per version written, and WASM memory that never shrinks. A large
 * value is held here and a stand-in goes through Prisma instead; the driver adapter (wrapped by
 * `withLargeValues`) swaps the value back in just before the statement reaches the driver, in the
 * same transaction.
 *
 * The held values are no module's global: each database keeps its own map (`largeValues()`, made
 * by openDatabase), hung on its PrismaClient under a symbol that its transaction clients see too,
 * so two databases in one process (the tests run PGlite and PostgreSQL side by side) never share
 * one. (An AsyncLocalStorage per call would be narrower still, but Prisma's query pipeline does not
 * keep the caller's async context: the adapter never saw the store.)
 *
 * Every function property of the adapter (and of its transactions) is either wrapped or known to
 * carry no query; any other one throws when it is first used, so that a Prisma upgrade that adds a
 * way to send statements (say a batch method) is caught instead of sending stand-ins to the database.
 *
 * Stand-ins start with a NUL character, which no stored text can hold (PostgreSQL refuses it and
 * every input is checked for it), so no value a client sends can be taken for one.
 */
import { randomUUID } from 'node:crypto';
import type {
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  SqlQueryable,
} from '@prisma/driver-adapter-utils';

/** Values shorter than this go through Prisma as they are. */
export const LARGE_VALUE_CHARS = 64 * 1024;

const PREFIX = '\u0000large-value:';
const HELD = Symbol('large-values');
type Held = Map<string, string>;

/**
 * Runs `fn` with a stand-in for each value (the value itself when it is short), for statements on
 * `db` (the PrismaClient of openDatabase, or one of its transaction clients); the values are let
 * go when `fn` settles.
 */
export async function withHeldValues<T>(
  db: object,
  values: string[],
  fn: (refs: string[]) => Promise<T>,
): Promise<T> {
  const large = values.some((value) => value.length >= LARGE_VALUE_CHARS);
  const held = (db as { [HELD]?: Held })[HELD];
  if (large && !held)
    throw new Error(
      'This Prisma client was not opened with withLargeValues: it cannot take held values.',
    );
  const refs = values.map((value) => {
    if (value.length < LARGE_VALUE_CHARS) return value;
    const ref = `${PREFIX}${randomUUID()}`;
    held!.set(ref, value);
    return ref;
  });
  try {
    return await fn(refs);
  } finally {
    for (const ref of refs) if (ref.startsWith(PREFIX)) held!.delete(ref);
  }
}

function swap(held: Held, query: SqlQuery): SqlQuery {
  let args: unknown[] | null = null;
  query.args.forEach((arg, i) => {
    if (typeof arg === 'string' && arg.startsWith(PREFIX)) {
      const value = held.get(arg);
      if (value === undefined)
        throw new Error(
          'A large query parameter is not held for this database (or was used after it was let go).',
        );
      args ??= [...query.args];
      args[i] = value;
    }
  });
  return args ? { ...query, args } : query;
}

/**
 * Methods of adapters and transactions (`SqlDriverAdapter`, `Transaction` of
 * @prisma/driver-adapter-utils) that send no statement with parameters, passed through as they are.
 * `executeScript` runs a whole script without parameters (migrations).
 */
export const PASSED_THROUGH_METHODS: ReadonlySet<string> = new Set([
  'executeScript',
  'getConnectionInfo',
  'dispose',
  'commit',
  'rollback',
  'createSavepoint',
  'rollbackToSavepoint',
  'releaseSavepoint',
  // @prisma/adapter-pg's own helpers: it calls them on itself, Prisma never does.
  'onError',
  'performIO',
  'release',
  'underlyingDriver',
  'cleanup',
]);
/** Methods that carry statements, wrapped. */
export const WRAPPED_METHODS: ReadonlySet<string> = new Set([
  'queryRaw',
  'executeRaw',
  'startTransaction',
]);

function wrapQueryable<T extends SqlQueryable>(held: Held, target: T): T {
  return new Proxy(target, {
    get(obj, prop) {
      if (prop === 'queryRaw') return (q: SqlQuery) => obj.queryRaw(swap(held, q));
      if (prop === 'executeRaw') return (q: SqlQuery) => obj.executeRaw(swap(held, q));
      if (prop === 'startTransaction') {
        return async (...args: unknown[]) =>
          wrapQueryable(
            held,
            await (obj as unknown as SqlDriverAdapter).startTransaction(...(args as [])),
          );
      }
      const value = Reflect.get(obj, prop, obj) as unknown;
      if (typeof value !== 'function') return value;
      if (typeof prop === 'string' && !PASSED_THROUGH_METHODS.has(prop) && prop !== 'constructor') {
        return () => {
          throw new Error(
            `src/db/large-values.ts does not wrap the driver adapter's ${prop}(): held values would reach the database as stand-ins.`,
          );
        };
      }
      return value.bind(obj);
    },
  });
}

/**
 * One database's held values: `wrap` the driver adapter factory given to its PrismaClient (stand-ins
 * are swapped for their values in every statement), then `attach` the client.
 */
export function largeValues() {
  const held: Held = new Map();
  return {
    wrap: <F extends SqlDriverAdapterFactory>(factory: F): F => withLargeValues(held, factory),
    attach<C extends object>(client: C): C {
      Object.defineProperty(client, HELD, { value: held });
      return client;
    },
  };
}

function withLargeValues<F extends SqlDriverAdapterFactory>(held: Held, factory: F): F {
  return new Proxy(factory, {
    get(obj, prop) {
      if (prop === 'connect') return async () => wrapQueryable(held, await obj.connect());
      const value = Reflect.get(obj, prop, obj) as unknown;
      return typeof value === 'function' ? value.bind(obj) : value;
    },
  });
}
