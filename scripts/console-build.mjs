#!/usr/bin/env node
// Builds the web console (web/) into web/dist: the Relay compiler types the operations from
// schema.graphql and persists them (id → text, web/dist/persisted-documents.json, the allowlist the
// gateway loads), Vite bundles the app into web/dist/public with content-hashed names, every asset
// is precompressed (brotli and gzip), and the initial JavaScript is measured against its budget.
//
//   node scripts/console-build.mjs             build
//   node scripts/console-build.mjs --if-stale  build only when an input changed since the last build
//   node scripts/console-build.mjs --relay     run the Relay compiler only (for the typecheck)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import lockfile from 'proper-lockfile';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'web');
const dist = join(web, 'dist');
const stampFile = join(dist, 'build-stamp.json');
const INITIAL_JS_BUDGET = 250 * 1024;

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory())
      return e.name === '__generated__' || e.name === 'dist' || e.name === '.relay' ? [] : files(p);
    return [p];
  });
}

/** Everything the build reads: the console's sources, its configs, the schema and the locked dependencies. */
function inputsHash() {
  const hash = createHash('sha256');
  const inputs = [
    ...files(join(web, 'src')),
    join(web, 'index.html'),
    join(web, 'vite.config.ts'),
    join(web, 'relay-tags.ts'),
    join(web, 'relay.config.json'),
    join(root, 'schema.graphql'),
    join(root, 'package-lock.json'),
    fileURLToPath(import.meta.url),
  ];
  for (const f of inputs.sort())
    hash.update(relative(root, f)).update('\0').update(readFileSync(f)).update('\0');
  return hash.digest('hex');
}

function relay() {
  // The compiler refuses to start unless the persisted-documents file exists; it rewrites it whole.
  const persisted = join(web, '.relay', 'persisted-documents.json');
  mkdirSync(join(web, 'src', '__generated__'), { recursive: true });
  if (!existsSync(persisted)) {
    mkdirSync(dirname(persisted), { recursive: true });
    writeFileSync(persisted, '{}');
  }
  const bin = join(root, 'node_modules', 'relay-compiler', 'cli.js');
  const run = spawnSync(process.execPath, [bin], {
    cwd: web,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (run.status !== 0) {
    process.stderr.write(run.stdout + run.stderr);
    throw new Error('the Relay compiler refused the console operations (see above)');
  }
}

function gzipSize(buf) {
  return gzipSync(buf, { level: 9 }).length;
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

async function build() {
  const started = Date.now();
  relay();
  // A production bundle whatever the caller's NODE_ENV (vitest sets it to `test`).
  process.env.NODE_ENV = 'production';
  const { build: viteBuild } = await import('vite');
  await viteBuild({
    configFile: join(web, 'vite.config.ts'),
    logLevel: 'warn',
    mode: 'production',
  });
  const pub = join(dist, 'public');
  copyFileSync(
    join(web, '.relay', 'persisted-documents.json'),
    join(dist, 'persisted-documents.json'),
  );

  // Precompress what the gateway serves with a long cache.
  for (const f of files(join(pub, 'assets'))) {
    if (!/\.(js|css|svg|json|html|txt|map)$/.test(f)) continue;
    const buf = readFileSync(f);
    writeFileSync(
      f + '.br',
      brotliCompressSync(buf, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 11,
          [constants.BROTLI_PARAM_SIZE_HINT]: buf.length,
        },
      }),
    );
    writeFileSync(f + '.gz', gzipSync(buf, { level: 9 }));
  }

  // Initial JavaScript: the entry chunk and what it imports statically (not the lazy chunks).
  const manifest = JSON.parse(readFileSync(join(pub, '.vite', 'manifest.json'), 'utf8'));
  const entry = Object.values(manifest).find((c) => c.isEntry);
  const seen = new Set();
  const walk = (key) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const i of manifest[key].imports ?? []) walk(i);
  };
  walk(Object.keys(manifest).find((k) => manifest[k] === entry));
  const initialFiles = [...seen].map((k) => manifest[k].file);
  const initial = initialFiles.reduce((n, f) => n + gzipSize(readFileSync(join(pub, f))), 0);
  const all = files(join(pub, 'assets')).filter((f) => f.endsWith('.js'));
  const total = all.reduce((n, f) => n + gzipSize(readFileSync(f)), 0);
  const report = {
    initialJsGzipBytes: initial,
    initialFiles,
    allJsGzipBytes: total,
    chunks: all.length,
    documents: Object.keys(JSON.parse(readFileSync(join(dist, 'persisted-documents.json'), 'utf8')))
      .length,
  };
  console.error(
    `console built in ${((Date.now() - started) / 1000).toFixed(1)} s: initial JS ${kb(initial)} gzipped (budget ${kb(INITIAL_JS_BUDGET)}), ` +
      `all JS ${kb(total)} in ${all.length} chunks, ${report.documents} persisted operations`,
  );
  if (initial > INITIAL_JS_BUDGET)
    throw new Error(
      `initial JavaScript ${kb(initial)} gzipped is over the ${kb(INITIAL_JS_BUDGET)} budget`,
    );
  writeFileSync(join(dist, 'size-report.json'), JSON.stringify(report, null, 2));
  return report;
}

const args = new Set(process.argv.slice(2));

/** Whether web/dist was built from the inputs as they are now. */
function isFresh(hash) {
  const stamp = existsSync(stampFile) ? JSON.parse(readFileSync(stampFile, 'utf8')) : null;
  return stamp?.inputs === hash && existsSync(join(dist, 'public', 'index.html'));
}

// One build at a time: the test forks each make sure the console is built, and on a fresh clone
// two builds started together emptied each other's output (vite's emptyOutDir). The second waits
// for the lock, then finds the first one's build fresh. The holder refreshes the lock while it
// builds; a lock left by a killed build goes stale after 30 s.
let release;
try {
  release = await lockfile.lock(web, {
    lockfilePath: join(web, '.build.lock'),
    stale: 30_000,
    retries: { retries: 1200, minTimeout: 100, maxTimeout: 500 },
  });
  if (args.has('--relay')) {
    relay();
  } else {
    const hash = inputsHash();
    if (!(args.has('--if-stale') && isFresh(hash))) {
      if (args.has('--if-stale'))
        console.error('building the web console (its sources changed or it was never built)…');
      mkdirSync(dist, { recursive: true });
      await build();
      writeFileSync(stampFile, JSON.stringify({ inputs: hash, builtAt: new Date().toISOString() }));
    }
  }
} catch (error) {
  console.error(`console build failed: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  await release?.();
}
