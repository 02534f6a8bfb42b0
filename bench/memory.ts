/**
 * Memory, event-loop stalls and start-up time, measured from outside the server process:
 *
 * - server RSS after start, on PostgreSQL and on PGlite;
 * - one 10 MB code upload (createConnector): peak RSS, and RSS after 30 s idle;
 * - five concurrent 10 MB uploads: peak RSS;
 * - the longest stall one request causes, two ways: from outside, a prober asks /health every few
 *   milliseconds while the request runs and the slowest answer is the stall; from inside, the
 *   server's own monitorEventLoopDelay maximum over the request (prom-client's
 *   nodejs_eventloop_lag_max_seconds, reset by each /metrics scrape) — 10 MB generateSchema, 10 MB
 *   parse, 15 aliased diffs of 190 KB versions;
 * - server ready (spawn → listening) and one CLI command (`token list`) on PGlite.
 *
 * RSS is read from /proc/<pid>/status (VmRSS, every thread of the process, workers included), sampled
 * every 20 ms. Any failed request fails the benchmark: non-zero exit, no figure for that row.
 *
 *   npx tsx bench/memory.ts            # writes bench/results/memory.md
 *   BENCH_IDLE_SECONDS=5 npx tsx bench/memory.ts
 *   BENCH_BASELINE=main BENCH_KINDS=postgres npx tsx bench/memory.ts   # A/B: main's server measured first, per database
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus } from 'node:os';
import { openDatabase } from '../src/db/database.js';
import { createConnector, updateConnector } from '../src/domain/connectors.js';
import { closeAnalyzePool } from '../src/code/analyze-pool.js';
import { generateConnector } from '../test/code/generate.js';
import {
  baselineFromEnv,
  benchActor,
  kindsFromEnv,
  ROOT as root,
  scratchDatabase,
  startNode,
  stop,
} from './common.js';

const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
/** A git revision measured the same way right before the working tree's server, per database (bench/baseline.ts). */
const BASELINE = baselineFromEnv();
/** Which databases to run (`postgres,pglite` by default). */
const KINDS = kindsFromEnv();
const PORT = 4611;
const MB = 1024 * 1024;

/** Real connector code (actions and triggers, lambdas, hashes) of about `bytes` bytes. */
function codeOfSize(bytes: number): string {
  const one = generateConnector({ actions: 10, triggers: 2 }).length / 12;
  let n = Math.floor(bytes / one);
  let code = generateConnector({ actions: Math.ceil(n * 0.8), triggers: Math.ceil(n * 0.2) });
  while (Buffer.byteLength(code) > bytes) {
    n = Math.floor(n * 0.98);
    code = generateConnector({ actions: Math.ceil(n * 0.8), triggers: Math.ceil(n * 0.2) });
  }
  return code;
}

/** A JSON sample of about `bytes` bytes: an array of records. */
function jsonSampleOfSize(bytes: number): string {
  const record = (i: number) => ({
    id: i,
    name: `Record ${i}`,
    email: `r${i}@acme.test`,
    active: i % 2 === 0,
    score: i / 7,
    tags: ['a', 'b'],
    address: { city: 'Lisbon', zip: '1000-001' },
  });
  const one = JSON.stringify(record(100000)).length + 1;
  return JSON.stringify(Array.from({ length: Math.floor(bytes / one) - 1 }, (_, i) => record(i)));
}

/** RSS in MiB; NaN once the process is gone. */
const rssMb = (pid: number) => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
};

/** Samples a process's RSS until stopped; returns the peak. */
function rssPeak(pid: number) {
  let peak = rssMb(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 20);
  return () => {
    clearInterval(timer);
    return Math.max(peak, rssMb(pid));
  };
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

function post(
  path: string,
  token: string,
  body: unknown,
): Promise<{ status: number; text: string }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const r = request(
      {
        host: '127.0.0.1',
        port: PORT,
        path,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          authorization: `Bearer ${token}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    r.on('error', reject);
    r.end(payload);
  });
}

/** Asks /health in a loop (a fresh connection each time is not needed: keep-alive) and records the slowest answer. */
function stallProbe() {
  let running = true;
  let worst = 0;
  const probeAgent = new Agent({ keepAlive: true, maxSockets: 1 });
  const once = () =>
    new Promise<void>((resolve, reject) => {
      const started = performance.now();
      const r = request(
        { host: '127.0.0.1', port: PORT, path: '/health', agent: probeAgent },
        (res) => {
          res.resume();
          res.on('end', () => {
            worst = Math.max(worst, performance.now() - started);
            resolve();
          });
        },
      );
      r.on('error', reject);
      r.end();
    });
  const loop = (async () => {
    while (running) {
      await once();
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  return async () => {
    running = false;
    await loop;
    probeAgent.destroy();
    return worst;
  };
}

/** The server's longest event-loop delay since the previous call (monitorEventLoopDelay via /metrics). */
function loopMax(): Promise<number> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port: PORT, path: '/metrics', agent }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c));
      res.on('end', () => {
        const m = /^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text);
        if (res.statusCode !== 200 || !m)
          reject(new Error(`/metrics: ${res.statusCode}, no nodejs_eventloop_lag_max_seconds`));
        else resolve(Number(m[1]) * 1000);
      });
    });
    r.on('error', reject);
    r.end();
  });
}

/** Both stall measures around one request: the slowest /health answer, and the server's own loop maximum. */
async function stalls<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; outside: number; inside: number }> {
  await loopMax();
  const probe = stallProbe();
  const result = await fn();
  const outside = await probe();
  return { result, outside, inside: await loopMax() };
}

function fail(what: string, res: { status: number; text: string }): never {
  throw new Error(`${what} failed: ${res.status} ${res.text.slice(0, 400)}`);
}

const gid = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64');
const CREATE = `mutation($input: CreateConnectorInput!) { createConnector(input: $input) { connector { id latestVersion } userErrors { code message } } }`;

/** The server (or `args`) with `env`; resolves once it listens, with how long that took. */
const start = (env: NodeJS.ProcessEnv, args = ['bin/connector-registry.js', 'serve']) =>
  startNode(args, env, /connector registry on/);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Figures {
  readyMs: number;
  rssAfterStart?: number;
  uploadPeak?: number;
  uploadIdle?: number;
  fivePeak?: number;
  stallSchema?: [number, number];
  stallParse?: [number, number];
  stallDiffs?: [number, number];
  cliMs?: number[];
}

const failures: string[] = [];

const code10 = codeOfSize(10 * 1000 * 1000);
const sample10 = jsonSampleOfSize(10 * 1000 * 1000);
const code190 = codeOfSize(190 * 1000);

async function seed(url: string | undefined, dataDir: string | undefined) {
  const db = await openDatabase({ url, dataDir });
  const { token, ctx } = await benchActor(db);
  const c = await createConnector(ctx, { title: 'Diffed', code: code190, note: 'v1' });
  await updateConnector(ctx, c.id, {
    code: code190
      .replace(/Action 1\b/g, 'Action one')
      .replace("title: 'Generated'", "title: 'Generated 2'"),
    note: 'v2',
  });
  await db.close();
  await closeAnalyzePool();
  return { token, connectorId: c.id };
}

async function scenario(kind: 'postgres' | 'pglite', args?: string[]): Promise<Figures> {
  const { url, dataDir, drop } = await scratchDatabase(kind, 'registry_membench');
  const { token, connectorId } = await seed(url, dataDir);
  const env = {
    LOG_LEVEL: 'error',
    PORT: String(PORT),
    RATE_LIMIT_PER_SECOND: '1000000',
    RATE_LIMIT_BURST: '1000000',
    MAX_QUERY_COMPLEXITY: '1000000',
    ...(url ? { DATABASE_URL: url } : { DATA_DIR: dataDir }),
  };
  const { child, readyMs, output } = await start(env, args);
  const pid = child.pid!;
  const figures: Figures = { readyMs };
  /** One row: a failure leaves its figure out and is reported with the server's log. */
  const measure = async (what: string, fn: () => Promise<void>) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      failures.push(
        `${kind} — ${what}: the server is not running (${child.exitCode ?? child.signalCode})`,
      );
      return;
    }
    try {
      await fn();
    } catch (error) {
      const log = output().slice(-1500);
      failures.push(
        `${kind} — ${what}: ${(error as Error).message}${log ? `\n    server log: ${log.replace(/\n/g, '\n    ')}` : ''}`,
      );
      console.error(failures.at(-1));
    }
  };
  /** A GraphQL request, with the longest stall it caused (stalls()). */
  const stalledPost = async (body: unknown) => {
    const { result: res, outside, inside } = await stalls(() => post('/graphql', token, body));
    return { res, outside, inside };
  };
  try {
    await sleep(2000);
    figures.rssAfterStart = rssMb(pid);

    // One 10 MB upload: peak while it is parsed and stored, then what stays after idling.
    await measure('one 10 MB upload', async () => {
      const peak = rssPeak(pid);
      const { res, outside, inside } = await stalledPost({
        query: CREATE,
        variables: { input: { title: 'Ten megabytes', code: code10 } },
      });
      const top = peak();
      if (res.status !== 200 || !res.text.includes('"latestVersion"')) fail('10 MB upload', res);
      [figures.stallParse, figures.uploadPeak] = [[outside, inside], top];
      await sleep(IDLE_SECONDS * 1000);
      figures.uploadIdle = rssMb(pid);
    });

    await measure('10 MB generateSchema', async () => {
      const { res, outside, inside } = await stalledPost({
        query: `query($s: String!) { generateSchema(sample: $s) { json userErrors { reason message } } }`,
        variables: { s: sample10 },
      });
      if (res.status !== 200 || res.text.includes('"errors"') || !res.text.includes('"json":['))
        fail('10 MB generateSchema', res);
      figures.stallSchema = [outside, inside];
    });

    await measure('15 aliased diffs', async () => {
      const id = gid('Connector', connectorId);
      const aliases = Array.from(
        { length: 15 },
        (_, i) =>
          `d${i}: connector(id: "${id}") { diff(from: 1, to: 2) { unified actions { changed } } }`,
      ).join('\n');
      const { res, outside, inside } = await stalledPost({ query: `{ ${aliases} }` });
      if (res.status !== 200 || res.text.includes('"errors"') || !res.text.includes('"unified"'))
        fail('15 aliased diffs', res);
      figures.stallDiffs = [outside, inside];
    });

    await measure('five concurrent 10 MB uploads', async () => {
      const peak = rssPeak(pid);
      const five = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          post('/graphql', token, {
            query: CREATE,
            variables: {
              input: {
                title: `Five ${i}`,
                code: code10.replace("title: 'Generated'", `title: 'Five ${i}'`),
              },
            },
          }),
        ),
      );
      const top = peak();
      for (const r of five)
        if (r.status !== 200 || !r.text.includes('"latestVersion"'))
          fail('concurrent 10 MB upload', r);
      figures.fivePeak = top;
    });

    await stop(child);
    if (kind === 'pglite' && !args) {
      try {
        figures.cliMs = await cliTimes(dataDir!);
      } catch (error) {
        failures.push(`${kind} — CLI: ${(error as Error).message}`);
      }
    }
    return figures;
  } finally {
    await stop(child);
    await drop();
  }
}

/** Wall time of `connector-registry token list` on a PGlite directory, three runs. */
async function cliTimes(dataDir: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const out = await new Promise<{ code: number | null; text: string }>((resolve) => {
      const child = spawn(
        'node',
        ['bin/connector-registry.js', 'token', 'list', '--workspace', 'bench'],
        { cwd: root, env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' } },
      );
      let text = '';
      child.stdout.on('data', (d) => (text += d));
      child.stderr.on('data', (d) => (text += d));
      child.on('exit', (code) => resolve({ code, text }));
    });
    times.push(performance.now() - started);
    if (out.code !== 0 || !out.text.includes('bench'))
      throw new Error(`CLI failed: ${out.code} ${out.text}`);
  }
  return times;
}

const f0 = (n: number) => n.toFixed(0);
const lines: string[] = ['# Memory, stall and start-up benchmark', ''];
const knobs = ['BENCH_IDLE_SECONDS', 'BENCH_BASELINE', 'BENCH_KINDS']
  .filter((k) => process.env[k])
  .map((k) => `${k}=${process.env[k]} `)
  .join('');
lines.push(
  `Run: \`${knobs}npx tsx bench/memory.ts\` on ${new Date().toISOString()}, ${cpus()[0]?.model} × ${cpus().length}, Node ${process.version}.`,
);
lines.push(
  `Server in its own process (\`node bin/connector-registry.js serve\`); RSS from /proc (all threads, workers included) sampled every 20 ms. A stall is shown twice: the slowest /health answer while the request runs (/health asked every ~2 ms), and the server's own longest event-loop delay over the request (monitorEventLoopDelay, 10 ms resolution, via /metrics). Code: ${(Buffer.byteLength(code10) / MB).toFixed(1)} MiB of generated connector code (actions and triggers); sample: ${(sample10.length / MB).toFixed(1)} MiB of JSON records; diffs: 15 aliases of \`diff(from: 1, to: 2)\` over two ${f0(code190.length / 1000)} KB versions. Idle wait: ${IDLE_SECONDS} s.`,
  '',
);
type Column = 'postgres' | 'pglite' | 'postgres@base' | 'pglite@base';
const columns: Column[] = KINDS.flatMap((k) => (BASELINE ? [`${k}@base` as Column, k] : [k]));
const title = (c: Column) =>
  `${c.startsWith('postgres') ? 'PostgreSQL' : 'PGlite'}${c.endsWith('@base') ? ` at ${BASELINE!.label}` : ''}`;
lines.push(
  `| figure | goal | ${columns.map(title).join(' | ')} |`,
  `| --- | --- | ${columns.map(() => '---:').join(' | ')} |`,
);
const results: Partial<Record<Column, Figures>> = {};
for (const column of columns) {
  const kind = column.replace('@base', '') as 'postgres' | 'pglite';
  try {
    results[column] = await scenario(kind, column.endsWith('@base') ? BASELINE!.args : undefined);
    console.log(column, results[column]);
  } catch (error) {
    failures.push(`${column}: ${(error as Error).message}`);
  }
}
const cell = (
  kind: Column,
  f: (x: Figures) => number | string | undefined,
  unit: string,
  applies = true,
) => {
  const x = results[kind];
  if (!applies) return '—';
  if (!x) return 'FAILED';
  const v = f(x);
  return v === undefined ? 'FAILED' : typeof v === 'string' ? v : `${f0(v)} ${unit}`;
};
const stall = (v: [number, number] | undefined) => (v ? `${f0(v[0])} / ${f0(v[1])} ms` : undefined);
const grew = (x: Figures) =>
  x.uploadIdle !== undefined && x.rssAfterStart !== undefined
    ? `${f0(x.uploadIdle)} MB (${x.uploadIdle >= x.rssAfterStart ? '+' : ''}${f0(x.uploadIdle - x.rssAfterStart)})`
    : undefined;
const row = (
  name: string,
  goal: string,
  f: (x: Figures) => number | string | undefined,
  unit: string,
  pgliteOnly = false,
) =>
  lines.push(
    `| ${name} | ${goal} | ${columns.map((c) => cell(c, f, unit, !pgliteOnly || c.startsWith('pglite'))).join(' | ')} |`,
  );
row('server ready after spawn', '≤ 1500 ms', (x) => x.readyMs, 'ms');
row('RSS after start', '≤ 150 / 250 MB', (x) => x.rssAfterStart, 'MB');
row('one 10 MB upload: peak RSS', '≤ 400 MB', (x) => x.uploadPeak, 'MB');
row(
  `one 10 MB upload: RSS after ${IDLE_SECONDS} s idle (change from start)`,
  '≤ start + 50 MB',
  grew,
  'MB',
);
row('five concurrent 10 MB uploads: peak RSS', '≤ 800 MB', (x) => x.fivePeak, 'MB');
row(
  'longest stall, outside / inside: 10 MB generateSchema',
  '≤ 50 ms',
  (x) => stall(x.stallSchema),
  'ms',
);
row(
  'longest stall, outside / inside: 10 MB parse (upload)',
  '≤ 50 ms',
  (x) => stall(x.stallParse),
  'ms',
);
row(
  'longest stall, outside / inside: 15 aliased diffs of 190 KB',
  '≤ 50 ms',
  (x) => stall(x.stallDiffs),
  'ms',
);
row(
  'CLI `token list` (PGlite), fastest of 3',
  '≤ 1500 ms',
  (x) => (x.cliMs ? Math.min(...x.cliMs) : undefined),
  'ms',
  true,
);
row('CLI `token list` (PGlite), first run', '', (x) => x.cliMs?.[0], 'ms', true);
lines.push('');
if (failures.length)
  lines.push('## Failed rows', '', ...failures.map((f) => `- ${f.split('\n')[0]}`), '');
writeFileSync(new URL('results/memory.md', import.meta.url), lines.join('\n'));
console.log(lines.join('\n'));
if (failures.length) console.error(`\n${failures.length} failure(s):\n${failures.join('\n')}`);
process.exit(failures.length ? 1 : 0);
