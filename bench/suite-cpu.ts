/**
 * Where the test suite's CPU goes, by kind of process: `npx tsx bench/suite-cpu.ts [vitest args]`
 * runs `vitest run` (CI=true, so PostgreSQL is required) and samples /proc every 250 ms for the
 * processes it starts: the vitest forks (with their PGlite threads), Chromium, the executor
 * processes, the registry's CLI and `serve` processes, and the PostgreSQL backends opened during
 * the run. Writes bench/results/suite-cpu.md (BENCH_OUT to write elsewhere).
 *
 * Why it exists: the suite is CPU-bound on two cores (a third fork did not make it faster), so
 * making it faster means finding what burns the CPU, not waiting less. Linux only (/proc).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { procStat, ROOT } from './common.js';

const OUT = process.env.BENCH_OUT ?? `${ROOT}bench/results/suite-cpu.md`;

interface Proc extends NonNullable<ReturnType<typeof procStat>> {
  cmd: string;
}

function readProc(pid: string): Proc | null {
  const stat = procStat(pid);
  if (!stat) return null;
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    return { ...stat, cmd };
  } catch {
    return null; // gone between the two reads
  }
}

const isPostgres = (p: Proc) => p.comm === 'postgres' || p.cmd.startsWith('postgres:');

/** The kind of process, from its command line: the rows of the table. */
function kindOf(p: Proc): string {
  if (isPostgres(p)) return 'PostgreSQL backends';
  if (/chrom/.test(p.comm) || p.cmd.includes('chromium'))
    return `Chromium (${p.cmd.match(/--type=([\w-]+)/)?.[1] ?? 'browser'})`;
  if (/executor\/child\.js|connector-registry-entries\/child/.test(p.cmd))
    return 'executor processes (Ruby VMs)';
  const cli = p.cmd.match(/bin\/connector-registry\.js\s+(\S+)/);
  if (cli) return cli[1] === 'serve' ? 'registry `serve` processes' : 'registry CLI commands';
  if (/\(vitest \d+\)/.test(p.cmd)) return 'vitest forks (tests, in-process servers, PGlite)';
  if (p.cmd.includes('vitest')) return 'vitest (main)';
  if (/\btsc\b|prisma|esbuild/.test(p.cmd)) return 'tools (tsc, prisma, esbuild)';
  return 'other';
}

const seen = new Map<string, { kind: string; cpu: number; cmd: string }>();
const pgAtStart = new Set<string>();
let runner: ReturnType<typeof spawn> | undefined;

function sample(first = false) {
  const procs = new Map<string, Proc>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const p = readProc(pid);
    if (p) procs.set(pid, p);
  }
  const isOurs = (pid: string) => {
    for (let p = procs.get(pid), hops = 0; p && hops < 20; p = procs.get(String(p.ppid)), hops++)
      if (p.ppid === runner?.pid) return true;
    return pid === String(runner?.pid);
  };
  for (const [pid, p] of procs) {
    const isPg = isPostgres(p);
    if (first && isPg) pgAtStart.add(pid);
    if (!(isOurs(pid) || (isPg && !pgAtStart.has(pid)))) continue;
    const key = `${pid}:${p.start}`;
    const before = seen.get(key);
    // An exited process not yet reaped (a zombie) has no command line left: keep what it was.
    if (before && p.cmd === '') before.cpu = Math.max(before.cpu, p.cpuSeconds);
    else
      seen.set(key, { kind: kindOf(p), cpu: Math.max(before?.cpu ?? 0, p.cpuSeconds), cmd: p.cmd });
  }
}

function busyIdle(): { busy: number; idle: number } {
  const f = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const idle = f[3] + f[4];
  return { busy: f.reduce((a, b) => a + b, 0) - idle, idle };
}

sample(true);
const machine0 = busyIdle();
const t0 = performance.now();
const args = process.argv.slice(2);
runner = spawn('npx', ['vitest', 'run', ...args], {
  cwd: ROOT,
  env: { ...process.env, CI: 'true' },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const timer = setInterval(sample, 250);
const code: number = await new Promise((done) => runner!.on('exit', (c) => done(c ?? 1)));
clearInterval(timer);
const wall = (performance.now() - t0) / 1000;
const machine1 = busyIdle();
const busyShare =
  (machine1.busy - machine0.busy) / (machine1.busy - machine0.busy + machine1.idle - machine0.idle);

const byKind = new Map<string, { cpu: number; n: number }>();
for (const { kind, cpu } of seen.values()) {
  const row = byKind.get(kind) ?? { cpu: 0, n: 0 };
  row.cpu += cpu;
  row.n += 1;
  byKind.set(kind, row);
}
// What "other" was: its command lines (the first words), most CPU first.
const others = new Map<string, number>();
for (const { kind, cpu, cmd } of seen.values())
  if (kind === 'other') {
    const words =
      cmd.split(' ').slice(0, 4).join(' ').replace(ROOT, '').slice(0, 90) || '(no command line)';
    others.set(words, (others.get(words) ?? 0) + cpu);
  }
const total = [...byKind.values()].reduce((a, r) => a + r.cpu, 0);
const rows = [...byKind].sort((a, b) => b[1].cpu - a[1].cpu);
const report = [
  '# Where the test suite spends its CPU',
  '',
  ...(code === 0
    ? []
    : [
        `**Failed: vitest exited ${code}.** A failed run is not a measurement of the suite; run it again.`,
        '',
      ]),
  `\`npx tsx bench/suite-cpu.ts ${args.join(' ')}\`, ${new Date().toISOString().slice(0, 16)} UTC, ` +
    `${cpus().length} cores, load before ${loadavg()[0].toFixed(1)}. vitest exited ${code}.`,
  '',
  `Wall time ${wall.toFixed(0)} s; CPU of the processes the run started ${total.toFixed(0)} s ` +
    `(${(total / wall).toFixed(2)} cores busy on average); the whole machine was busy ` +
    `${(busyShare * 100).toFixed(0)} % of the time.`,
  '',
  '| processes | count | CPU s | share |',
  '| --- | ---: | ---: | ---: |',
  ...rows.map(
    ([kind, r]) =>
      `| ${kind} | ${r.n} | ${r.cpu.toFixed(1)} | ${((r.cpu / total) * 100).toFixed(0)} % |`,
  ),
  '',
  'The most CPU among "other":',
  '',
  ...[...others]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([cmd, cpu]) => `- ${cpu.toFixed(1)} s: \`${cmd}\``),
  '',
  'Sampled every 250 ms: a process that lives less than that is missed (its CPU is not in the',
  'table). The forks row includes the PGlite threads and the in-process test servers.',
  '',
].join('\n');
writeFileSync(OUT, report);
process.stdout.write(`\n${report}`);
process.exit(code);
