/**
 * What starting an executor process costs, with and without the booted interpreter kept on disk
 * (src/executor/snapshot-cache.ts): the registry's executor process started as a test server or a
 * CI job starts it (`startExecutor`, one spare VM, the baseline compiler), one connector run, and
 * the process's CPU (every thread) from its start until that run's answer.
 *
 * Two ways, rounds alternating, so both see the same machine:
 * - baseline: `snapshotCache: false`, the process boots Ruby and the DSL runtime for its snapshot;
 * - registry: the default, reading the snapshot a first (unmeasured) start stored in a scratch
 *   directory.
 *
 *   npx tsx bench/executor-start.ts          # writes bench/results/executor-start.md
 *   BENCH_ROUNDS=12 npx tsx bench/executor-start.ts
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startExecutor, type ExecutorOptions } from '../src/executor/index.js';
import { procStat, ROOT, writeReport } from './common.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const OUT = process.env.BENCH_OUT ?? `${ROOT}bench/results/executor-start.md`;
const CODE = `{
  actions: {
    a: {
      execute: lambda do |connection, input|
        { sum: input['n'].to_i + 1, at: Time.now.iso8601, json: { 'a' => [1, 2] }.to_json }
      end
    }
  }
}`;

/** One executor process: started, one run, the process's CPU and the wall time until the answer. */
async function once(snapshotCache: ExecutorOptions['snapshotCache']) {
  const started = performance.now();
  const executor = await startExecutor({ spareVMs: 1, optimize: false, snapshotCache });
  try {
    const result = await executor.run({
      runId: randomUUID(),
      code: CODE,
      target: 'actions.a.execute',
      input: { n: 41 },
      settings: {},
      secretFields: [],
    });
    if (result.status !== 'SUCCEEDED' || (result.output as { sum: number }).sum !== 42)
      throw new Error(`the run ended ${result.status}: ${JSON.stringify(result.error)}`);
    const pid = (executor as unknown as { pid: number }).pid;
    const cpu = procStat(pid)?.cpuSeconds;
    if (cpu === undefined) throw new Error('the executor process is gone');
    return { cpu, ms: performance.now() - started };
  } finally {
    await executor.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'executor-start-'));
const cache = join(dir, 'cache');
const ways = [
  { name: 'baseline: boots Ruby at every start', option: false as const },
  { name: 'registry: the snapshot from the cache', option: cache },
];
const samples = new Map(ways.map((w) => [w.name, [] as { cpu: number; ms: number }[]]));
const failures: string[] = [];
try {
  await once(cache); // stores the snapshot; warms the machine's caches for both ways
  for (let round = 0; round < ROUNDS; round++) {
    for (const way of round % 2 ? ways : [...ways].reverse()) {
      try {
        samples.get(way.name)!.push(await once(way.option));
      } catch (error) {
        failures.push(`${way.name}, round ${round}: ${(error as Error).message}`);
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cpuOf = (name: string) => median(samples.get(name)!.map((s) => s.cpu));
const lines = [
  '# What an executor process costs to start',
  '',
  `\`npx tsx bench/executor-start.ts\`, ${new Date().toISOString().slice(0, 16)} UTC, ${cpus().length} cores, load before ${loadavg()[0].toFixed(1)}.`,
  '',
  `Each sample: \`startExecutor\` (one spare VM, \`--liftoff-only\`), one connector run, the executor process's CPU until the run's answer. ${ROUNDS} rounds, alternating, after an unmeasured start that stores the snapshot.`,
  '',
  '| way | median CPU s | median ms to the answer | every sample (CPU s) |',
  '| --- | ---: | ---: | --- |',
  ...ways.map(
    (w) =>
      `| ${w.name} | ${cpuOf(w.name).toFixed(2)} | ${median(samples.get(w.name)!.map((s) => s.ms)).toFixed(0)} | ${samples
        .get(w.name)!
        .map((s) => s.cpu.toFixed(2))
        .join(', ')} |`,
  ),
  '',
  `Ratio registry / baseline: **${(cpuOf(ways[1].name) / cpuOf(ways[0].name)).toFixed(2)}×** the CPU.`,
  '',
];
writeReport(OUT, lines, failures, 'sample');
