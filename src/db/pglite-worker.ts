/**
 * The embedded database's own thread (see pglite-thread.ts): PGlite, its Prisma driver adapter and
 * the raw SQL, answering the main thread's requests. Only plain data crosses: statements and
 * parameters in, rows and errors (with their PostgreSQL fields) out.
 */
import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Transaction as PGliteTransaction } from '@electric-sql/pglite';
import type { SqlDriverAdapter, Transaction } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { Reply, Request } from './pglite-thread.js';

const port = parentPort!;
const { dataDir, settings, seed, wasmModule } = workerData as {
  dataDir: string;
  settings: string[];
  seed?: string;
  /** PGlite's PostgreSQL, compiled by the main thread (see pglite-thread.ts). */
  wasmModule: WebAssembly.Module;
};

/** An open transaction: Prisma's, or the raw SQL's (with the way to end it). */
type Open =
  | { kind: 'prisma'; tx: Transaction }
  | { kind: 'sql'; tx: PGliteTransaction; end: (commit: boolean) => Promise<void> };

let lite: PGlite;
let adapter: SqlDriverAdapter;
const open = new Map<number, Open>();
const listening = new Map<string, () => Promise<void>>();
let nextTx = 1;

function prismaTx(id: number): Transaction {
  const t = open.get(id);
  if (t?.kind !== 'prisma') throw new Error(`No open transaction ${id}.`);
  return t.tx;
}

function sqlTarget(id: number | undefined): PGlite | PGliteTransaction {
  if (id === undefined) return lite;
  const t = open.get(id);
  if (t?.kind !== 'sql') throw new Error(`No open transaction ${id}.`);
  return t.tx;
}

/** A raw SQL transaction held open until the main thread ends it. */
function beginSql(): Promise<number> {
  return new Promise((resolve, reject) => {
    const id = nextTx++;
    let finish!: (commit: boolean) => void;
    const decided = new Promise<boolean>((r) => (finish = r));
    const done = lite
      .transaction(async (tx) => {
        open.set(id, { kind: 'sql', tx, end: async (commit) => (finish(commit), done) });
        resolve(id);
        if (!(await decided)) await tx.rollback();
      })
      .finally(() => open.delete(id));
    done.catch(reject);
  });
}

async function handle(req: Request): Promise<unknown> {
  switch (req.op) {
    case 'queryRaw':
      return (req.tx === undefined ? adapter : prismaTx(req.tx)).queryRaw(req.query);
    case 'executeRaw':
      return (req.tx === undefined ? adapter : prismaTx(req.tx)).executeRaw(req.query);
    case 'executeScript':
      return adapter.executeScript(req.script);
    case 'startTransaction': {
      const tx = await adapter.startTransaction(req.isolationLevel);
      const id = nextTx++;
      open.set(id, { kind: 'prisma', tx });
      return { id, options: tx.options };
    }
    case 'commit':
    case 'rollback': {
      const tx = prismaTx(req.tx);
      open.delete(req.tx);
      return req.op === 'commit' ? tx.commit() : tx.rollback();
    }
    case 'sqlQuery':
      return (await sqlTarget(req.tx).query(req.text, req.params)).rows;
    case 'sqlExec':
      await sqlTarget(req.tx).exec(req.script);
      return undefined;
    case 'sqlBegin':
      return beginSql();
    case 'sqlEnd': {
      const t = open.get(req.tx);
      if (t?.kind !== 'sql') throw new Error(`No open transaction ${req.tx}.`);
      return t.end(req.commit);
    }
    case 'listen':
      if (!listening.has(req.channel))
        listening.set(
          req.channel,
          await lite.listen(req.channel, (payload) =>
            port.postMessage({ notify: req.channel, payload } satisfies Reply),
          ),
        );
      return undefined;
    case 'unlisten':
      await listening.get(req.channel)?.();
      listening.delete(req.channel);
      return undefined;
    case 'close':
      await lite.close();
      return undefined;
  }
}

/** An error as data: its message, name and own fields (PostgreSQL's code, detail…; a DriverAdapterError's cause). */
function errorData(error: unknown) {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error))
    if (typeof value !== 'function') fields[key] = value;
  if ('cause' in error) fields.cause = error.cause;
  return { name: error.name, message: error.message, fields };
}

/**
 * A tarball for PGlite, which reads it with `arrayBuffer()` (and looks at `type`). Node's own Blob
 * copies the bytes when made and reads them back in chunks that it joins: about 0.35 s of CPU for
 * each start from a 42 MB seed, measured; this one hands over the bytes already read.
 */
function tarball(bytes: Buffer): Blob {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  const buffer = whole
    ? bytes.buffer
    : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return Object.assign(new Blob([], { type: 'application/x-tar' }), {
    arrayBuffer: async () => buffer,
  });
}

try {
  const loadDataDir = seed ? tarball(await readFile(seed)) : undefined;
  lite = await PGlite.create(dataDir, {
    startParams: [...PGlite.defaultStartParams, ...settings],
    loadDataDir,
    pgliteWasmModule: wasmModule,
  });
  adapter = await new PrismaPGlite(lite).connect();
  port.postMessage({ ready: adapter.adapterName } satisfies Reply);
} catch (error) {
  port.postMessage({ failed: errorData(error) } satisfies Reply);
}

port.on('message', (req: Request) => {
  handle(req).then(
    (value) => port.postMessage({ id: req.id, value } satisfies Reply),
    (error: unknown) => {
      try {
        port.postMessage({ id: req.id, error: errorData(error) } satisfies Reply);
      } catch {
        // A field that cannot be cloned: the message still tells what went wrong.
        port.postMessage({
          id: req.id,
          error: { name: 'Error', message: (error as Error).message, fields: {} },
        } satisfies Reply);
      }
    },
  );
});
