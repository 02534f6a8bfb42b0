#!/usr/bin/env node
// Compiles the server and CLI (src/**/*.ts) to JavaScript in dist/, one file per source file, so
// that `node bin/connector-registry.js` starts without compiling TypeScript at run time (tsx took
// most of the start-up: seconds, and ~130 MB for its loader thread). dist/ mirrors src/ at the same
// depth, so paths relative to a module (prisma/migrations, web/dist, package.json) stay right.
//
// Type checking stays with `tsc --noEmit`; esbuild only strips types. Tests run the sources
// through vitest; the bin, `npm start` and `npm ci` (postinstall) call this with --if-stale,
// which rebuilds only when a source file (or this script) changed since the last build.
//
//   node scripts/server-build.mjs             build
//   node scripts/server-build.mjs --if-stale  build only when an input changed
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');
const stampFile = join(dist, 'build-stamp.json');

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** SHA-256 over every source's path and bytes, and this script (how they are compiled). */
function inputsHash(files) {
  const hash = createHash('sha256');
  for (const f of [...files, fileURLToPath(import.meta.url)].sort())
    hash.update(relative(root, f)).update('\0').update(readFileSync(f)).update('\0');
  return hash.digest('hex');
}

/** Writes a file by renaming a finished temporary file over it: a process loading it never sees half of it. */
function writeAtomic(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, path);
}

/** Whether dist/ was built from the sources as they are now. */
export function isStale(files = sources(src)) {
  if (!existsSync(stampFile)) return true;
  try {
    return JSON.parse(readFileSync(stampFile, 'utf8')).inputs !== inputsHash(files);
  } catch {
    return true;
  }
}

export async function build() {
  const files = sources(src);
  const { build: esbuild } = await import('esbuild');
  const result = await esbuild({
    entryPoints: files,
    outdir: dist,
    outbase: src,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // No source maps: the output keeps the sources' lines nearly as written (types stripped), and
    // a map would only be more bytes to read at every start.
    write: false,
    logLevel: 'warning',
  });
  for (const out of result.outputFiles) writeAtomic(out.path, out.contents);
  writeAtomic(
    stampFile,
    JSON.stringify({ inputs: inputsHash(files), builtAt: new Date().toISOString() }),
  );
  return result.outputFiles.length;
}

/** Builds when stale; returns whether it built. */
export async function buildIfStale() {
  const files = sources(src);
  if (!isStale(files)) return false;
  await build();
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const started = Date.now();
    const args = new Set(process.argv.slice(2));
    if (args.has('--if-stale')) {
      if (await buildIfStale())
        console.error(
          `server compiled to dist/ in ${Date.now() - started} ms (its sources changed or it was never built)`,
        );
    } else {
      const n = await build();
      console.error(`server compiled to dist/: ${n} files in ${Date.now() - started} ms`);
    }
  } catch (error) {
    console.error(`server build failed: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
