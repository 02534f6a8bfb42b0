/**
 * PGlite in its own thread. PGlite is PostgreSQL compiled to WASM and runs wherever it is called:
 * on the main thread, every statement's planning and execution (0.4 s to store 10 MB of code, more
 * to encode it) stalled every other request, and a read's database work could not overlap with
 * the GraphQL work around it. Here it runs in a worker (pglite-worker.ts) behind the two interfaces
 * the registry uses: Prisma's driver adapter, whose boundary is plain data by design, and `Sql`.
 *
 * PGlite's own worker API is for browsers (it needs `navigator.locks`); the message protocol here
 * is the few requests below, each answered once by id.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { entryUrl } from '../entry-url.js';
import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
  TransactionOptions,
} from '@prisma/driver-adapter-utils';
import type { Sql } from './sql.js';

export type Request = { id: number } & (
  | { op: 'queryRaw' | 'executeRaw'; tx?: number; query: SqlQuery }
  | { op: 'executeScript'; script: string }
  | { op: 'startTransaction'; isolationLevel?: IsolationLevel }
  | { op: 'commit' | 'rollback'; tx: number }
  | { op: 'sqlQuery'; tx?: number; text: string; params: unknown[] }
  | { op: 'sqlExec'; tx?: number; script: string }
  | { op: 'sqlBegin' }
  | { op: 'sqlEnd'; tx: number; commit: boolean }
  | { op: 'listen' | 'unlisten'; channel: string }
  | { op: 'close' }
);
type ErrorData = { name: string; message: string; fields: Record<string, unknown> };
export type Reply =
  | { id: number; value: unknown }
  | { id: number; error: ErrorData }
  | { notify: string; payload: string }
  | { ready: string }
  | { failed: ErrorData };

// Distributive, so each request keeps its own fields.
type Call = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;

export interface PGliteThread {
  /** The Prisma driver adapter factory (PrismaClient's `adapter`). */
  adapter: SqlDriverAdapterFactory;
  sql: Sql;
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

function toError(data: ErrorData): Error {
  // Prisma recognises a driver error by its name and `cause` (a PostgreSQL code, detail…), so these survive as fields.
  return Object.assign(new Error(data.message), data.fields, { name: data.name });
}

let compiled: Promise<WebAssembly.Module> | undefined;

/**
 * PGlite's PostgreSQL, compiled once per process and handed to every database thread (a compiled
 * module crosses to a worker without being compiled again, and the code V8 optimizes is shared).
 * A server opens one database and pays the same compile either way; the tests open over a hundred
 * in two processes, and an open from their seed costs about a third less CPU with the shared
 * module (bench/pglite-open.ts).
 */
export function pgliteModule(): Promise<WebAssembly.Module> {
  compiled ??= (async () => {
    // The package's exports hide its files from require(); its entry sits beside pglite.wasm.
    const dist = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
    return WebAssembly.compile(await readFile(join(dist, 'pglite.wasm')));
  })();
  return compiled;
}

async function spawn(dataDir: string, settings: string[], seed?: string): Promise<Worker> {
  const workerData = { dataDir, settings, seed, wasmModule: await pgliteModule() };
  return new Worker(new URL(await entryUrl(import.meta.url, 'pglite-worker')), { workerData });
}

/**
 * Starts PGlite on `dataDir` in a new thread; `settings` are PostgreSQL's (`-c name=value`) beyond
 * PGlite's defaults; `seed`, a tarball of a data directory (PGlite's `dumpDataDir`) to load instead of running initdb.
 */
export async function startPGliteThread(
  dataDir: string,
  settings: string[],
  seed?: string,
): Promise<PGliteThread> {
  const worker = await spawn(dataDir, settings, seed);
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  const listeners = new Map<string, Set<(payload: string) => void>>();
  let nextId = 1;
  let closed = false;
  let exited: Error | null = null;

  // The worker keeps the process alive only while a request waits for it, as an idle database on
  // the main thread would not.
  worker.unref();
  const adapterName = await new Promise<string>((resolve, reject) => {
    worker.ref();
    worker.once('error', reject);
    worker.once('message', (m: Reply) => {
      worker.unref();
      worker.off('error', reject);
      if ('ready' in m) return resolve(m.ready);
      void worker.terminate();
      reject('failed' in m ? toError(m.failed) : new Error('The database thread did not start.'));
    });
  });

  worker.on('message', (m: Reply) => {
    if ('notify' in m) {
      for (const cb of listeners.get(m.notify) ?? []) cb(m.payload);
      return;
    }
    if (!('id' in m)) return;
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (pending.size === 0) worker.unref();
    if ('error' in m) p.reject(toError(m.error));
    else p.resolve(m.value);
  });
  const fail = (error: Error) => {
    exited = error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`The database thread exited (${code}).`)));

  function call<T>(request: Call): Promise<T> {
    if (exited) return Promise.reject(exited);
    const id = nextId++;
    if (pending.size === 0) worker.ref();
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ ...request, id });
    });
  }

  const queryable = (tx?: number) => ({
    provider: 'postgres' as const,
    adapterName,
    queryRaw: (query: SqlQuery) => call<SqlResultSet>({ op: 'queryRaw', tx, query }),
    executeRaw: (query: SqlQuery) => call<number>({ op: 'executeRaw', tx, query }),
  });

  const driver: SqlDriverAdapter = {
    ...queryable(),
    executeScript: (script) => call({ op: 'executeScript', script }),
    async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
      const { id, options } = await call<{ id: number; options: TransactionOptions }>({
        op: 'startTransaction',
        isolationLevel,
      });
      return {
        ...queryable(id),
        options,
        commit: () => call({ op: 'commit', tx: id }),
        rollback: () => call({ op: 'rollback', tx: id }),
      };
    },
    getConnectionInfo: () => ({ supportsRelationJoins: true }),
    dispose: async () => {},
  };

  const sql = (tx?: number): Sql => ({
    query: <T>(text: string, params: unknown[] = []) =>
      call<T[]>({ op: 'sqlQuery', tx, text, params }),
    exec: (script) => call({ op: 'sqlExec', tx, script }),
    async transaction(fn) {
      if (tx !== undefined) throw new Error('nested transactions are not supported');
      const id = await call<number>({ op: 'sqlBegin' });
      let result;
      try {
        result = await fn(sql(id));
      } catch (error) {
        await call({ op: 'sqlEnd', tx: id, commit: false }).catch(() => {});
        throw error;
      }
      await call({ op: 'sqlEnd', tx: id, commit: true });
      return result;
    },
  });

  return {
    adapter: { provider: 'postgres', adapterName, connect: async () => driver },
    sql: sql(),
    async listen(channel, onPayload) {
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
        await call({ op: 'listen', channel });
      }
      set.add(onPayload);
      return async () => {
        set.delete(onPayload);
        if (set.size > 0 || closed || listeners.get(channel) !== set) return;
        listeners.delete(channel);
        await call({ op: 'unlisten', channel });
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await call({ op: 'close' });
      } finally {
        await worker.terminate();
      }
    },
  };
}
