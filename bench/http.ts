/**
 * HTTP throughput and latency of a typical read and write, on PostgreSQL and on PGlite, as ratios to
 * the floor (bench/floor-server.ts: node:http + the bare driver, same SQL), and the read through
 * PostGraphile on the same PostgreSQL tables; plus SQL statements per list request for 10, 100 and
 * 1000 connectors. Every server runs in its own process; autocannon drives them from this one.
 *
 *   npx tsx bench/http.ts            # writes bench/results/http.md
 *   BENCH_SECONDS=5 BENCH_ROUNDS=3 BENCH_WARMUP_SECONDS=2 npx tsx bench/http.ts
 *   BENCH_BASELINE=main npx tsx bench/http.ts   # A/B: main's server beside this one, same rounds
 *   BENCH_KINDS=postgres BENCH_SKIP_COUNTS=1 ...  # one database, no statement counts (short runs)
 *
 * All servers of a database kind run together and are driven in interleaved rounds (measure()),
 * so ratios come from the same stretch of a shared machine's drifting load.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { createToken } from '../src/domain/auth.js';
import { createConnector, releaseConnector } from '../src/domain/connectors.js';
import { createRegistry } from '../src/server.js';
import {
  baselineFromEnv,
  benchActor,
  kindsFromEnv,
  procStat,
  scratchDatabase,
  seedConnectors,
  startNode,
  stop,
} from './common.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
/** Load before each measured row, not measured (JIT, connection pools, caches of every server alike); its failures count. */
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
/** Measured slots per server, interleaved with the other servers' (see measure()). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** A git revision to run beside the working tree's server, in the same rounds (bench/baseline.ts): the A/B of a change. */
const BASELINE = baselineFromEnv();
/** Which databases to run (`postgres,pglite` by default). */
const KINDS = kindsFromEnv();
const CONNECTIONS = 10;

const READ_QUERY = `{ connectors(first: 20) { nodes { id title latestVersion latestReleasedVersion versions(first: 3) { nodes { number note createdAt } } } } }`;
/** The same read through PostGraphile's generated schema. */
const PEER_READ = `{ allConnectors(first: 20, orderBy: PRIMARY_KEY_DESC) { nodes { id title latestVersion releasedVersion connectorVersionsByConnectorId(first: 3, orderBy: NUMBER_DESC) { nodes { number note createdAt } } } } }`;
const WRITE_QUERY = `mutation($input: UpdateConnectorInput!) { updateConnector(input: $input) { connector { id latestVersion } userErrors { code message } } }`;

async function seed(url: string | undefined, dataDir: string | undefined, count: number) {
  const db = await openDatabase({ url, dataDir });
  const { token, ctx } = await benchActor(db);
  const ids = await seedConnectors(ctx, count);
  // Planner statistics, as a database in service has them (autovacuum would gather them a while
  // after the seeding); without them every server's list query gets a worse plan.
  await db.sql.exec('ANALYZE');
  await db.close();
  return { token, ids };
}

/** `node ...args` in the repository's root with `env`; resolves once its output matches `ready`. */
const start = async (args: string[], env: NodeJS.ProcessEnv, ready: RegExp) =>
  (await startNode(args, env, ready)).child;

/**
 * CPU time (user + system, every thread) a process has used, in ms, from /proc/<pid>/stat. On a
 * machine shared with other work, throughput follows the share of the cores a server gets; the
 * CPU it spends per request does not, so it is the steadier figure for an A/B.
 */
function cpuMs(pid: number | undefined): number {
  const stat = pid ? procStat(pid) : null;
  return stat ? stat.cpuSeconds * 1000 : NaN;
}

interface Result {
  /** Server CPU per answered request, ms (cpuMs). */
  cpu: number;
  rps: number;
  p50: number;
  p99: number;
  /** Failed requests of any kind: connection errors, timeouts, non-2xx, and 2xx answers that are not the expected data. */
  errors: number;
  /** The first failed answer, to say why. */
  sample?: string;
}

/**
 * Drives one server with autocannon. `ok` checks every answer's body: a GraphQL error answered
 * with 200, or a payload that lacks what was asked for, counts as a failed request too.
 */
async function drive(
  url: string,
  token: string,
  body: () => string,
  ok: (body: string) => boolean,
  seconds: number,
  pid?: number,
): Promise<Result> {
  let bad = 0;
  const cpuBefore = cpuMs(pid);
  let sample: string | undefined;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    requests: [
      {
        setupRequest: (req) => ({ ...req, body: body() }),
        onResponse: (status, answer) => {
          if (status >= 200 && status < 300 && ok(answer)) return;
          if (status >= 200 && status < 300) bad += 1; // non-2xx are counted by autocannon itself
          sample ??= `${status} ${answer.slice(0, 300)}`;
        },
      },
    ],
  });
  return {
    cpu: (cpuMs(pid) - cpuBefore) / Math.max(1, result.requests.total),
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx + bad,
    sample,
  };
}

/** The answer holds data and no GraphQL error. */
const graphqlOk = (field: string) => (answer: string) =>
  !answer.includes('"errors"') && answer.includes(`"${field}"`);

let noteCounter = 0;
const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];

/** One server under test: where each kind of request goes, what it sends, and what a good answer holds. */
interface Target {
  name: 'registry' | 'floor' | 'postgraphile' | 'baseline';
  child: ChildProcess;
  read: { url: string; body: () => string; ok: (answer: string) => boolean };
  write?: { url: string; body: () => string; ok: (answer: string) => boolean };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/**
 * Every server runs at once (idle while another is driven), and the measured slots interleave:
 * ROUNDS rounds, each server once per round in a rotating order, the median of its rounds kept.
 * The machine's background load drifts over minutes; interleaving puts every server under the
 * same drift, so the ratios hold better than one long slot per server would.
 */
async function measure(
  targets: Target[],
  kind: 'read' | 'write',
  token: string,
): Promise<Record<string, Result>> {
  const driven = targets.filter((t) => t[kind]);
  const slots = new Map<string, Result[]>(driven.map((t) => [t.name, []]));
  const warm = new Map<string, Result>();
  for (const t of driven)
    if (WARMUP_SECONDS > 0)
      warm.set(
        t.name,
        await drive(t[kind]!.url, token, t[kind]!.body, t[kind]!.ok, WARMUP_SECONDS, t.child.pid),
      );
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < driven.length; i++) {
      const t = driven[(i + round) % driven.length];
      slots
        .get(t.name)!
        .push(await drive(t[kind]!.url, token, t[kind]!.body, t[kind]!.ok, SECONDS, t.child.pid));
    }
  }
  const out: Record<string, Result> = {};
  for (const t of driven) {
    const rs = [...slots.get(t.name)!, ...(warm.has(t.name) ? [warm.get(t.name)!] : [])];
    const measured = slots.get(t.name)!;
    out[t.name] = {
      cpu: median(measured.map((r) => r.cpu)),
      rps: median(measured.map((r) => r.rps)),
      p50: median(measured.map((r) => r.p50)),
      p99: median(measured.map((r) => r.p99)),
      errors: rs.reduce((n, r) => n + r.errors, 0),
      sample: rs.find((r) => r.sample)?.sample,
    };
  }
  return out;
}

async function scenario(kind: 'postgres' | 'pglite') {
  const { url, dataDir, drop } = await scratchDatabase(kind, 'registry_bench');
  const { token, ids } = await seed(url, dataDir, 200);
  // PGlite has one owner per directory: the floor gets an identical copy of the seeded one.
  const floorTarget = url ?? join(dataDir!, '..', 'floor');
  if (dataDir) cpSync(dataDir, floorTarget, { recursive: true });
  // The baseline gets its own copy too (before any server opens the directory and leaves a socket in it).
  const baseDir = dataDir && BASELINE ? join(dataDir, '..', 'baseline') : undefined;
  if (baseDir) cpSync(dataDir!, baseDir, { recursive: true });
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const env = {
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_SECOND: '1000000',
    RATE_LIMIT_BURST: '1000000',
    GRAPHQL_RATE_LIMIT_POINTS: '1000000000',
    PORT: String(port),
    ...(url ? { DATABASE_URL: url } : { DATA_DIR: dataDir }),
  };
  const writeBody = () =>
    JSON.stringify({
      query: WRITE_QUERY,
      variables: {
        input: {
          id: Buffer.from(`Connector:${pick(ids)}`).toString('base64'),
          note: `n${noteCounter++}`,
        },
      },
    });
  const floorWrite = () => JSON.stringify({ id: pick(ids), note: `n${noteCounter++}` });

  const targets: Target[] = [];
  try {
    targets.push({
      name: 'registry',
      child: await start(['bin/connector-registry.js', 'serve'], env, /connector registry on/),
      read: {
        url: `http://127.0.0.1:${port}/graphql`,
        body: () => JSON.stringify({ query: READ_QUERY }),
        ok: graphqlOk('versions'),
      },
      write: {
        url: `http://127.0.0.1:${port}/graphql`,
        body: writeBody,
        ok: graphqlOk('latestVersion'),
      },
    });
    if (BASELINE) {
      const basePort = port + 3;
      targets.push({
        name: 'baseline',
        child: await start(
          BASELINE.args,
          { ...env, PORT: String(basePort), ...(baseDir ? { DATA_DIR: baseDir } : {}) },
          /connector registry on/,
        ),
        read: {
          url: `http://127.0.0.1:${basePort}/graphql`,
          body: () => JSON.stringify({ query: READ_QUERY }),
          ok: graphqlOk('versions'),
        },
        write: {
          url: `http://127.0.0.1:${basePort}/graphql`,
          body: writeBody,
          ok: graphqlOk('latestVersion'),
        },
      });
    }
    targets.push({
      name: 'floor',
      child: await start(
        ['--import', 'tsx', 'bench/floor-server.ts', floorTarget, String(port + 1)],
        {},
        /floor on/,
      ),
      read: { url: `http://127.0.0.1:${port + 1}/read`, body: () => '', ok: graphqlOk('versions') },
      write: {
        url: `http://127.0.0.1:${port + 1}/write`,
        body: floorWrite,
        ok: graphqlOk('latestVersion'),
      },
    });
    if (kind === 'postgres') {
      // In production mode, as the registry's entry point runs by default (graphql-js skips its development checks).
      const peer = await start(
        ['bench/peer/server.cjs', url!, String(port + 2)],
        { NODE_ENV: 'production' },
        /postgraphile on/,
      );
      targets.push({
        name: 'postgraphile',
        child: peer,
        read: {
          url: `http://127.0.0.1:${port + 2}/graphql`,
          body: () => JSON.stringify({ query: PEER_READ }),
          ok: graphqlOk('connectorVersionsByConnectorId'),
        },
      });
      const check = await fetch(`http://127.0.0.1:${port + 2}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: PEER_READ }),
      });
      const checked = (await check.json()) as { errors?: unknown };
      if (checked.errors)
        throw new Error(`PostGraphile query failed: ${JSON.stringify(checked.errors)}`);
    }
    const reads = await measure(targets, 'read', token);
    const writes = await measure(targets, 'write', token);
    return {
      read: reads.registry,
      floorRead: reads.floor,
      postgraphileRead: reads.postgraphile as Result | undefined,
      write: writes.registry,
      floorWrite: writes.floor,
      baseRead: reads.baseline as Result | undefined,
      baseWrite: writes.baseline as Result | undefined,
    };
  } finally {
    for (const t of targets) await stop(t.child);
    await drop();
  }
}

/** SQL statements per list request, counted from Prisma's query log, for 10, 100 and 1000 connectors. */
async function statementsPerRequest() {
  const statements: string[] = [];
  const registry = await createRegistry(
    loadConfig(
      { LOG_LEVEL: 'silent' },
      {
        DATA_DIR: 'memory://',
        RATE_LIMIT_PER_SECOND: 1e6,
        RATE_LIMIT_BURST: 1e6,
        GRAPHQL_RATE_LIMIT_POINTS: 1e9,
        MAX_QUERY_COMPLEXITY: 100_000,
        TOKEN_CACHE_TTL_MS: 600_000,
      },
    ),
    {
      onQuery: (sql) => statements.push(sql),
    },
  );
  const token = (
    await createToken(registry.db.prisma, { workspace: 'count', role: 'ADMIN', handle: 'c' })
  ).token;
  const actor = await (await import('../src/domain/auth.js')).authenticate(
    registry.db.prisma,
    token,
  );
  const ctx = { prisma: registry.db.prisma, actor };
  const out: { connectors: number; requests: number; statements: number; perRequest: number }[] =
    [];
  let made = 0;
  for (const n of [10, 100, 1000]) {
    for (; made < n; made++) {
      const c = await createConnector(ctx, {
        title: `C${made}`,
        code: `{ title: 'C${made}' }`,
        note: 'one',
      });
      await releaseConnector(ctx, c.id);
    }
    // Pages of at most 100 (the API's maximum): 1000 connectors take 10 requests.
    const page = async (after: string | null) => {
      const res = await registry.app.request('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query: `query($after: String, $n: Int) { connectors(first: $n, after: $after) { pageInfo { hasNextPage endCursor } nodes { id title latestVersionNote releasedVersions(first: 10) { nodes { number note releasedBy { handle } } } versions(first: 3) { nodes { number note createdBy { handle } } } } } }`,
          variables: { after, n: Math.min(n, 100) },
        }),
      });
      const body = (await res.json()) as any;
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data.connectors.pageInfo.hasNextPage
        ? (body.data.connectors.pageInfo.endCursor as string)
        : null;
    };
    await page(null); // warm: the token's lookup is remembered (TOKEN_CACHE_TTL_MS) from here on
    let after: string | null = null;
    let requests = 0;
    statements.length = 0;
    do {
      after = await page(after);
      requests += 1;
    } while (after);
    // Every statement sent, Prisma's and raw (the rate limiter's), but the webhook deliverer's background poll.
    const count = statements.filter(
      (s) => !/^(BEGIN|COMMIT|ROLLBACK)/i.test(s) && !/webhook_deliveries/.test(s),
    ).length;
    out.push({ connectors: n, requests, statements: count, perRequest: count / requests });
  }
  await registry.close();
  return out;
}

// The peer lives in its own package (it needs graphql 15); install it on first use, from npm's
// cache when it is there (so it works offline once installed anywhere on the machine).
if (!existsSync(new URL('peer/node_modules/postgraphile', import.meta.url))) {
  execFileSync(
    'npm',
    [
      'ci',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--prefix',
      new URL('peer', import.meta.url).pathname,
    ],
    { stdio: 'inherit' },
  );
}

const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(n >= 100 ? 0 : 2) : '-');
const lines: string[] = [];
lines.push('# HTTP benchmark', '');
const knobs = [
  'BENCH_SECONDS',
  'BENCH_ROUNDS',
  'BENCH_WARMUP_SECONDS',
  'BENCH_BASELINE',
  'BENCH_KINDS',
  'BENCH_SKIP_COUNTS',
]
  .filter((k) => process.env[k])
  .map((k) => `${k}=${process.env[k]} `)
  .join('');
lines.push(
  `Run: \`${knobs}npx tsx bench/http.ts\` on ${new Date().toISOString()}, ${cpus()[0]?.model} × ${cpus().length}, Node ${process.version}.`,
);
lines.push(
  `autocannon, ${CONNECTIONS} connections; every server in its own process, all started together; each driven ${WARMUP_SECONDS} s unmeasured, then in ${ROUNDS} interleaved rounds of ${SECONDS} s (rotating order); figures are the median of its rounds.`,
);
lines.push(
  'Ratios are against the floor measured in the same rounds (node:http + the bare driver running the same SQL), so they hold on a noisy machine. Server CPU ms/request: user + system time of the server process (all its threads; not PostgreSQL\'s) over a round, per answered request, the median of its rounds: the steadier figure when the machine is shared; on the "vs" rows, the ratio of the two (below 1 is cheaper).',
  '',
);

const failures: string[] = [];
for (const kind of KINDS) {
  const r = await scenario(kind);
  lines.push(`## ${kind === 'postgres' ? 'PostgreSQL' : 'PGlite (embedded)'}`, '');
  lines.push(
    '| request | server | req/s | p50 ms | p99 ms | errors | throughput vs floor | p99 vs floor | server CPU ms/request |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  // A row with any failed request (or measured against a floor that had one) prints no number.
  const row = (req: string, server: string, x: Result, floor: Result) => {
    if (x.errors > 0 || floor.errors > 0) {
      failures.push(
        `${kind} ${req} — ${server}: ${x.errors} failed requests${x.sample ? ` (first: ${x.sample})` : ''}${floor.errors > 0 && x !== floor ? '; its floor failed' : ''}`,
      );
      lines.push(`| ${req} | ${server} | FAILED | | | ${x.errors} | | | |`);
      return;
    }
    lines.push(
      `| ${req} | ${server} | ${fmt(x.rps)} | ${fmt(x.p50)} | ${fmt(x.p99)} | 0 | ${fmt(x.rps / floor.rps)}× | ${fmt(x.p99 / Math.max(floor.p99, 1))}× | ${fmt(x.cpu)} |`,
    );
  };
  row(
    'read: 20 connectors + 3 versions each',
    'floor (node:http + driver)',
    r.floorRead,
    r.floorRead,
  );
  row(
    'read: 20 connectors + 3 versions each',
    'registry (Yoga + Pothos + Prisma)',
    r.read,
    r.floorRead,
  );
  const vsBaseline = (req: string, x: Result, base: Result | undefined) => {
    if (!base || !BASELINE) return;
    row(
      req,
      `registry at ${BASELINE.label}`,
      base,
      req.startsWith('read') ? r.floorRead : r.floorWrite,
    );
    if (x.errors === 0 && base.errors === 0)
      lines.push(
        `| ${req} | registry vs ${BASELINE.label} | | | | | ${fmt(x.rps / base.rps)}× | ${fmt(x.p99 / Math.max(base.p99, 1))}× | ${fmt(x.cpu / base.cpu)}× |`,
      );
  };
  vsBaseline('read: 20 connectors + 3 versions each', r.read, r.baseRead);
  if (r.postgraphileRead) {
    row(
      'read: 20 connectors + 3 versions each',
      'PostGraphile 4.14 (peer)',
      r.postgraphileRead,
      r.floorRead,
    );
    if (r.read.errors === 0 && r.postgraphileRead.errors === 0) {
      lines.push(
        `| read: 20 connectors + 3 versions each | registry vs PostGraphile | | | | | ${fmt(r.read.rps / r.postgraphileRead.rps)}× | ${fmt(r.read.p99 / Math.max(r.postgraphileRead.p99, 1))}× | ${fmt(r.read.cpu / r.postgraphileRead.cpu)}× |`,
      );
    }
  }
  row(
    'write: new version of a random connector',
    'floor (node:http + driver)',
    r.floorWrite,
    r.floorWrite,
  );
  row(
    'write: new version of a random connector',
    'registry (Yoga + Pothos + Prisma)',
    r.write,
    r.floorWrite,
  );
  vsBaseline('write: new version of a random connector', r.write, r.baseWrite);
  lines.push('');
  console.log(lines.slice(-8).join('\n'));
}

const counts = process.env.BENCH_SKIP_COUNTS ? [] : await statementsPerRequest();
lines.push('## SQL statements per list request', '');
lines.push(
  "Each connector with its latest version note, its released versions (with who released them) and its three newest versions (with who made them); pages of at most 100. Every statement sent (Prisma's and the rate limiter's), once the token's lookup is remembered.",
  '',
);
lines.push(
  '| connectors listed | requests | statements | per request |',
  '| ---: | ---: | ---: | ---: |',
);
for (const c of counts)
  lines.push(`| ${c.connectors} | ${c.requests} | ${c.statements} | ${fmt(c.perRequest)} |`);
lines.push('');
if (failures.length) lines.push('## Failed rows', '', ...failures.map((f) => `- ${f}`), '');
writeFileSync(new URL('results/http.md', import.meta.url), lines.join('\n'));
console.log(lines.join('\n'));
if (failures.length) {
  console.error(
    `\n${failures.length} benchmark row(s) had failed requests:\n${failures.join('\n')}`,
  );
  process.exit(1);
}
process.exit(0);
