/**
 * What opening an embedded database costs a process: the registry's database thread
 * (src/db/pglite-worker.ts) started from the tests' migrated seed, one query, ended, as a test
 * server does over a hundred times a run. Measured as the process's CPU (every thread) and wall
 * time from the start of the thread to its end.
 *
 * Two ways, rounds alternating, so both see the same machine:
 * - baseline: the thread is given no compiled module, so PGlite compiles its WASM in each thread
 *   (what the registry did before its threads shared one);
 * - registry: every thread gets the module the process compiled once, as src/db/pglite-thread.ts
 *   hands it.
 * Each round runs each way in a new process of its own (V8 reuses a live compiled module for the
 * same bytes anywhere in a process, so the two ways cannot share one), which opens OPENS databases
 * one after the other, as a test fork does; the first open (the compile both pay) is left out.
 *
 *   npx tsx bench/pglite-open.ts          # writes bench/results/pglite-open.md
 *   BENCH_ROUNDS=12 npx tsx bench/pglite-open.ts
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { PGLITE_SETTINGS } from '../src/db/database.js';
import { pgliteModule } from '../src/db/pglite-thread.js';
import { entryUrl } from '../src/entry-url.js';
import { pgliteSeed } from '../test/helpers/templates.js';
import { ROOT } from './common.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const OPENS = 6;
const OUT = process.env.BENCH_OUT ?? `${ROOT}bench/results/pglite-open.md`;

const workerUrl = entryUrl(
  new URL('../src/db/pglite-thread.ts', import.meta.url).href,
  'pglite-worker',
);

/**
 * The registry's database thread (src/db/pglite-worker.ts) on the seed, asked one query, ended:
 * with the module this process compiled once, or with none, so that PGlite compiles its own.
 */
async function open(seed: string, wasmModule?: WebAssembly.Module): Promise<void> {
  const worker = new Worker(new URL(await workerUrl), {
    workerData: { dataDir: 'memory://', settings: PGLITE_SETTINGS, seed, wasmModule },
  });
  await new Promise<void>((resolve, reject) => {
    worker.on('message', (m: { ready?: string; failed?: unknown; id?: number }) => {
      if (m.failed) reject(new Error(JSON.stringify(m.failed)));
      else if (m.ready)
        worker.postMessage({
          id: 1,
          op: 'sqlQuery',
          text: 'SELECT 1 FROM "_prisma_migrations"',
          params: [],
        });
      else if (m.id === 1) resolve();
    });
    worker.once('error', reject);
  });
  await worker.terminate();
}

async function measure(open: () => Promise<void>): Promise<{ cpu: number; wall: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await open();
  const used = process.cpuUsage(cpu);
  return { cpu: (used.user + used.system) / 1e6, wall: (performance.now() - start) / 1000 };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

type Way = 'baseline' | 'registry';
const seed = await pgliteSeed();

// A child: OPENS opens one way, each open's CPU and wall time as JSON on stdout.
const way = process.env.BENCH_WAY as Way | undefined;
if (way) {
  // The registry's own compiled module, or none.
  const module = way === 'registry' ? await pgliteModule() : undefined;
  const out = [];
  for (let i = 0; i < OPENS; i++) out.push(await measure(() => open(seed, module)));
  process.stdout.write(JSON.stringify(out.slice(1)));
  process.exit(0);
}

const samples: Record<Way, { cpu: number; wall: number }[]> = { baseline: [], registry: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const w of ['baseline', 'registry'] as const) {
    const out = execFileSync('npx', ['tsx', 'bench/pglite-open.ts'], {
      cwd: ROOT,
      env: { ...process.env, BENCH_WAY: w },
      encoding: 'utf8',
    });
    samples[w].push(...JSON.parse(out));
  }
}

const row = (w: Way) => ({
  cpu: median(samples[w].map((s) => s.cpu)),
  wall: median(samples[w].map((s) => s.wall)),
});
const base = row('baseline');
const reg = row('registry');
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
  cwd: ROOT,
  encoding: 'utf8',
});
const text = `# Opening an embedded database (bench/pglite-open.ts)

${new Date().toISOString()}, ${cpus().length} × ${cpus()[0]?.model}, load ${loadavg()
  .map((l) => l.toFixed(2))
  .join(' ')} at the end, on ${commit.trim()} (with the working tree's changes, if any).
Medians of ${ROUNDS} alternating rounds, each a new process per way that opened ${OPENS} databases
one after the other (the first left out): a sample is one PGlite thread started from the tests'
migrated seed (${(readFileSync(seed).byteLength / 1e6).toFixed(0)} MB), one query, closed.

| way | CPU of the process | wall time | CPU against baseline |
| --- | --- | --- | --- |
| baseline: each thread compiles PGlite's WASM | ${base.cpu.toFixed(2)} s | ${base.wall.toFixed(2)} s | 1.00× |
| registry: one compiled module for every thread | ${reg.cpu.toFixed(2)} s | ${reg.wall.toFixed(2)} s | ${(reg.cpu / base.cpu).toFixed(2)}× |
`;
writeFileSync(OUT, text);
console.log(text);
