/**
 * The booted interpreter (vm-worker.ts's VmSnapshot) kept on disk, so that an executor that starts
 * for a few runs (the developer CLI, a CI job, a test server) does not boot Ruby and the DSL
 * runtime again: that boot is most of an executor's start (docs/executor.md, "Booted once").
 *
 * What it trusts: a file in a directory beside the installed package (by default its
 * node_modules/.cache/), owned by this user and writable by no one else: the trust already given to
 * the package's own code, which anyone able to change the file could change as well. A file owned
 * by another user, writable by group or others, or not of the expected shape is ignored (and made
 * anew). The snapshot is taken from a VM that never runs connector code, so no connector can shape
 * what later VMs start from. A file is named by a SHA-256 of everything the boot depends on: the
 * memory-capped interpreter, the VM thread's code and the packages it loads, the runtime's Ruby
 * files and Node's version.
 *
 * What it shares: every VM started from one snapshot has the same Ruby hash seed (Ruby picks it at
 * boot). Within one executor process that was already so; with the cache it also holds across the
 * processes and restarts of one installation until the inputs change. The random generator is
 * seeded anew in every VM either way.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { VmSnapshot } from './vm-worker.js';

const MAGIC = Buffer.from('RBVMSNP1');
const PAGE = 4096;
const KEY_BYTES = 32;
/** The magic, the whole key (the name holds half of it), the memory's size and the page count. */
const HEAD = MAGIC.length + KEY_BYTES + 8;
const SIZES = MAGIC.length + KEY_BYTES;

const require = createRequire(import.meta.url);

/** An installed package's version (its package.json, found above its entry: exports hide it). */
function packageVersion(name: string): string {
  for (let dir = dirname(require.resolve(name)); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (pkg.name === name) return String(pkg.version);
    } catch {
      // no package.json at this level
    }
  }
  throw new Error(`cannot find ${name}'s package.json`);
}

/**
 * The cache key of a boot: a SHA-256 over everything it depends on, each input prefixed by its
 * length: the capped interpreter, the VM thread's code (`workerUrl`, a file) and the packages it
 * loads, Node's version and the runtime's Ruby files.
 */
export function bootKey(
  binary: Uint8Array,
  workerUrl: URL,
  runtime: readonly { name: string; source: string }[],
): string {
  const hash = createHash('sha256');
  for (const input of [
    binary,
    readFileSync(fileURLToPath(workerUrl)),
    packageVersion('@ruby/wasm-wasi'),
    packageVersion('@bjorn3/browser_wasi_shim'),
    process.version,
    ...runtime.flatMap((f) => [f.name, f.source]),
  ])
    hash.update(String(input.length)).update('\0').update(input);
  return hash.digest('hex');
}

const fileOf = (dir: string, key: string) => join(dir, `ruby-vm-${key.slice(0, 32)}.snapshot`);
/** Snapshots kept in a directory: the newest, by when they were written (each is about 3 MB). */
const KEEP = 4;

/** The snapshot stored under `key` in `dir`; null when there is none this process may trust. */
export function readSnapshot(dir: string, key: string): VmSnapshot | null {
  let fd: number;
  try {
    fd = openSync(fileOf(dir, key), 'r');
  } catch {
    return null;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || (st.mode & 0o022) !== 0) return null;
    if (process.getuid && st.uid !== process.getuid()) return null;
    const head = Buffer.alloc(HEAD);
    if (
      readSync(fd, head, 0, HEAD, 0) !== HEAD ||
      !head.subarray(0, MAGIC.length).equals(MAGIC) ||
      !head.subarray(MAGIC.length, SIZES).equals(Buffer.from(key, 'hex'))
    )
      return null;
    const byteLength = head.readUInt32LE(SIZES);
    const count = head.readUInt32LE(SIZES + 4);
    if (byteLength % 65536 !== 0 || st.size !== HEAD + count * (4 + PAGE)) return null;
    const pages = new Uint32Array(new SharedArrayBuffer(count * 4));
    const bytes = new Uint8Array(new SharedArrayBuffer(count * PAGE));
    const index = new Uint8Array(pages.buffer);
    if (readSync(fd, index, 0, index.length, HEAD) !== index.length) return null;
    if (readSync(fd, bytes, 0, bytes.length, HEAD + index.length) !== bytes.length) return null;
    // Pages ascending and inside the memory: a VM writes each where it says.
    for (let i = 0; i < count; i++)
      if ((i > 0 && pages[i] <= pages[i - 1]) || pages[i] >= byteLength / PAGE) return null;
    return { byteLength, pages, bytes };
  } finally {
    closeSync(fd);
  }
}

/**
 * Stores `snapshot` under `key` in `dir` (made 0700 if missing; the file 0600, written aside and
 * renamed, so a concurrent reader sees a whole file or none). Best effort: a directory it cannot
 * write (a read-only installation) leaves every start booting, as without the cache.
 */
export function writeSnapshot(dir: string, key: string, snapshot: VmSnapshot): void {
  const file = fileOf(dir, key);
  const partial = `${file}.${process.pid}.partial`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const head = Buffer.alloc(HEAD);
    MAGIC.copy(head);
    Buffer.from(key, 'hex').copy(head, MAGIC.length);
    head.writeUInt32LE(snapshot.byteLength, SIZES);
    head.writeUInt32LE(snapshot.pages.length, SIZES + 4);
    const index = new Uint8Array(
      snapshot.pages.buffer,
      snapshot.pages.byteOffset,
      snapshot.pages.byteLength,
    );
    writeFileSync(partial, Buffer.concat([head, index, snapshot.bytes]), { mode: 0o600 });
    renameSync(partial, file);
    prune(dir);
  } catch {
    rmSync(partial, { force: true });
  }
}

/**
 * Deletes all but the KEEP newest snapshots of `dir`: every change to the runtime's Ruby files or a
 * package makes a new one, and the old ones would pile up. Several are kept because one checkout
 * can use more than one at a time (the compiled bin's VM thread and the tests' bundle of it).
 */
function prune(dir: string): void {
  const snapshots = readdirSync(dir)
    .filter((name) => /^ruby-vm-[0-9a-f]{32}\.snapshot$/.test(name))
    .map((name) => ({ path: join(dir, name), written: statSync(join(dir, name)).mtimeMs }))
    .sort((a, b) => b.written - a.written);
  for (const old of snapshots.slice(KEEP)) rmSync(old.path, { force: true });
}
