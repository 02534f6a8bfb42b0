/**
 * The connector executor, measured from its caller's side (the API process's view):
 *
 * - executor ready: `startExecutor()` until it can take a run (process start, interpreter compile,
 *   first spare VM booted);
 * - a small action with one HTTP call to a local server, p50/p99, with warm spare VMs (runs spaced
 *   so that a spare is booted for each), against the same call made directly with `fetch` (the floor);
 * - 50 runs started at once: all complete, throughput;
 * - the executor process's RSS (VmRSS, every thread) idle and with 4 runs busy;
 * - the caller's event loop while 4 runs spin in `loop {}`: monitorEventLoopDelay max/p99, and the
 *   latency of a local /health endpoint served by this process, probed every 5 ms.
 *
 *   npx tsx bench/run.ts            # writes bench/results/run.md
 *   BENCH_RUNS=50 npx tsx bench/run.ts
 */
import { createServer } from 'node:http';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startExecutor, type Executor, type RunResult } from '../src/executor/index.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const SPACING_MS = Number(process.env.BENCH_SPACING_MS ?? 1500);

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const ms = (x: number) => `${x.toFixed(1)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

const api = createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ id: 1, name: 'widget', path: req.url }));
});
await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
const apiUrl = `http://127.0.0.1:${(api.address() as { port: number }).port}`;

const health = createServer((_req, res) => res.end('ok'));
await new Promise<void>((r) => health.listen(0, '127.0.0.1', r));
const healthUrl = `http://127.0.0.1:${(health.address() as { port: number }).port}/health`;

const action = `{
  connection: { base_uri: ->(connection) { connection['base'] } },
  actions: { get_item: { execute: ->(connection, input) { get("/items/#{input['id']}") } } }
}`;
let seq = 0;
const runAction = (ex: Executor) =>
  ex.run({
    runId: `bench-${++seq}`,
    code: action,
    target: 'actions.get_item.execute',
    input: { id: 1 },
    settings: { base: apiUrl },
    secretFields: [],
  });

const lines: string[] = [];
const row = (what: string, value: string, note = '') =>
  lines.push(`| ${what} | ${value} | ${note} |`);
const failures: string[] = [];
const check = (r: RunResult, what: string) => {
  if (r.status !== 'SUCCEEDED') failures.push(`${what}: ${r.status} ${r.error?.message ?? ''}`);
};

// 1. Ready.
let t = performance.now();
const executor = await startExecutor({ spareVMs: 2, allowLoopback: true, maxConcurrentRuns: 4 });
const readyMs = performance.now() - t;
const pid = (executor as unknown as { pid: number }).pid;
row('executor ready (start → first spare VM booted)', ms(readyMs));
await sleep(3000);
const idleRss = rss(pid);
row('executor RSS, idle (2 spare VMs)', mb(idleRss));

// 2. Floor: the same GET with fetch from this process.
const floor: number[] = [];
for (let i = 0; i < RUNS; i++) {
  t = performance.now();
  await (await fetch(`${apiUrl}/items/1`)).json();
  floor.push(performance.now() - t);
}

// 3. Runs with a warm spare each time.
const runs: number[] = [];
const inside: number[] = [];
for (let i = 0; i < RUNS; i++) {
  await sleep(SPACING_MS);
  t = performance.now();
  const r = await runAction(executor);
  runs.push(performance.now() - t);
  inside.push(r.durationMs);
  check(r, 'warm run');
}
const p50 = quantile(runs, 0.5);
row(
  `small action, 1 HTTP call, warm spare (n=${RUNS}): p50`,
  ms(p50),
  `goal ≤ 50 ms; ${(p50 / quantile(floor, 0.5)).toFixed(1)}x the floor`,
);
row(
  'same: p99',
  ms(quantile(runs, 0.99)),
  `${(quantile(runs, 0.99) / quantile(floor, 0.99)).toFixed(1)}x the floor`,
);
row(
  'same, inside the executor (VM handed over → result): p50 / p99',
  `${ms(quantile(inside, 0.5))} / ${ms(quantile(inside, 0.99))}`,
);
row(
  `floor: the same GET with fetch (n=${RUNS}): p50 / p99`,
  `${ms(quantile(floor, 0.5))} / ${ms(quantile(floor, 0.99))}`,
);

// 4. 50 at once.
t = performance.now();
const all = await Promise.all(Array.from({ length: 50 }, () => runAction(executor)));
const elapsed = performance.now() - t;
const ok = all.filter((r) => r.status === 'SUCCEEDED').length;
all.forEach((r) => check(r, '50 concurrent'));
row(
  '50 runs started at once (4 at a time, a fresh VM each)',
  `${ok}/50 succeeded in ${(elapsed / 1000).toFixed(1)} s`,
  `${(50 / (elapsed / 1000)).toFixed(1)} runs/s`,
);
await sleep(3000);

// 5. 4 busy runs: RSS and the caller's event loop, against the same window with nothing running.
async function probe(seconds: number) {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  let peak = 0;
  const probes: number[] = [];
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    peak = Math.max(peak, rss(pid));
    const s = performance.now();
    await (await fetch(healthUrl)).text();
    probes.push(performance.now() - s);
    await sleep(5);
  }
  histogram.disable();
  return { peak, probes, max: histogram.max / 1e6, p99: histogram.percentile(99) / 1e6 };
}
const quiet = await probe(5);
const spinning = Array.from({ length: 4 }, (_, i) =>
  executor.run({
    runId: `spin-${i}`,
    code: `{ test: ->(c) { loop {} } }`,
    target: 'test',
    settings: {},
    secretFields: [],
    limits: { wallMs: 8000 },
  }),
);
await sleep(2000);
const busy = await probe(5);
const busyRss = busy.peak;
const probes = busy.probes;
const spun = await Promise.all(spinning);
const timedOut = spun.filter((r) => r.status === 'TIMED_OUT').length;
row(
  'executor RSS, 4 runs busy',
  mb(busyRss),
  `${mb((busyRss - idleRss) / 4)} per busy VM above idle (goal ≤ 150 MB)`,
);
row(
  "caller's event loop while 4 runs spin in loop {}: max / p99 delay",
  `${ms(busy.max)} / ${ms(busy.p99)}`,
  `goal: unaffected, ≤ 50 ms stall; with nothing running: ${ms(quiet.max)} / ${ms(quiet.p99)}`,
);
row(
  `local /health from the caller while they spin (n=${probes.length}): p50 / max`,
  `${ms(quantile(probes, 0.5))} / ${ms(Math.max(...probes))}`,
  `with nothing running: ${ms(quantile(quiet.probes, 0.5))} / ${ms(Math.max(...quiet.probes))}`,
);
row('the 4 spinning runs', `${timedOut}/4 TIMED_OUT at 8 s`);

await executor.close();
api.close();
health.close();

const report = `# Executor benchmark (bench/run.ts)

Measured ${new Date().toISOString().slice(0, 16)}Z on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), load average ${loadavg()
  .map((l) => l.toFixed(1))
  .join(
    ' / ',
  )} at the end (the machine is shared: read orders of magnitude and ratios, not exact times). Node ${process.version}.
The executor runs in its own process (bundled JavaScript, as from dist/); every run gets a fresh Ruby VM (ruby.wasm 3.4) in a worker thread.

| what | figure | note |
| --- | --- | --- |
${lines.join('\n')}

${failures.length ? `Failures:\n\n${failures.map((f) => `- ${f}`).join('\n')}\n` : 'No run failed.\n'}`;
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/run.md', import.meta.url), report);
console.log(report);
process.exit(failures.length ? 1 : 0);
