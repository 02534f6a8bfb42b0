/**
 * Where the server's time goes, from V8's CPU profiler (`node --cpu-prof`), for the two figures
 * of bench/http.ts and bench/memory.ts that are furthest from their goals:
 *
 * - the read of bench/http.ts (20 connectors with their 3 newest versions) on PostgreSQL under
 *   autocannon's load: main-thread CPU per request, and its share by package and by function;
 * - one 10 MB code upload on PGlite: the longest stretches the main thread was busy (each one a
 *   stall for every other request) with what filled them, and the threads' busy time.
 *
 *   npx tsx bench/profile.ts        # writes bench/results/profile.md
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { openDatabase } from '../src/db/database.js';
import { generateConnector } from '../test/code/generate.js';
import { benchActor, ROOT as root, scratchDatabase, seedConnectors } from './common.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const READ_QUERY = `{ connectors(first: 20) { nodes { id title latestVersion latestReleasedVersion versions(first: 3) { nodes { number note createdAt } } } } }`;
/** bench/http.ts' write: a new version (a new note) of a random connector. */
const WRITE_QUERY = `mutation($input: UpdateConnectorInput!) { updateConnector(input: $input) { connector { id latestVersion } userErrors { code message } } }`;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const where = (url: string) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/.*\/node_modules\//, '')
    .replace(`${root}`, '');
/** A package name, a node: module, one of ours (dist/…), or V8's own (GC, idle, native). */
function bucket(n: ProfileNode): string {
  const { url, functionName } = n.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : `native ${functionName}`;
  if (url.startsWith('wasm://')) return 'WebAssembly';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  return url.startsWith('node:') ? url : where(url).replace(/^dist\//, 'ours: ');
}
const fn = (n: ProfileNode) =>
  `${n.callFrame.functionName || '(anonymous)'} ${where(n.callFrame.url)}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''}`;

/** Self time (ms) by key, and busy time (not idle). */
function selfTime(p: Profile, key: (n: ProfileNode) => string) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const out = new Map<string, number>();
  let busy = 0;
  p.samples.forEach((id, i) => {
    const n = byId.get(id)!;
    if (n.callFrame.functionName === '(idle)') return;
    const ms = (p.timeDeltas[i + 1] ?? 0) / 1000;
    busy += ms;
    out.set(key(n), (out.get(key(n)) ?? 0) + ms);
  });
  return { busy, top: [...out].sort((a, b) => b[1] - a[1]) };
}

/**
 * Contiguous busy stretches (no idle sample between) that began within [from, to] ms of the
 * profile's start, longest first, with what filled each.
 */
function stretches(p: Profile, from: number, to: number) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const runs: { ms: number; fns: Map<string, number> }[] = [];
  let cur: (typeof runs)[number] | null = null;
  let at = 0;
  p.samples.forEach((id, i) => {
    const n = byId.get(id)!;
    at += p.timeDeltas[i] / 1000;
    const ms = (p.timeDeltas[i + 1] ?? 0) / 1000;
    if (at < from || at > to) return;
    if (n.callFrame.functionName === '(idle)') {
      if (cur) runs.push(cur);
      cur = null;
      return;
    }
    cur ??= { ms: 0, fns: new Map() };
    cur.ms += ms;
    cur.fns.set(fn(n), (cur.fns.get(fn(n)) ?? 0) + ms);
  });
  if (cur) runs.push(cur);
  return runs.sort((a, b) => b.ms - a.ms);
}

function startServer(env: NodeJS.ProcessEnv, profileDir: string) {
  const spawnedAt = performance.now();
  const child = spawn(
    'node',
    [`--cpu-prof`, `--cpu-prof-dir=${profileDir}`, 'bin/connector-registry.js', 'serve'],
    {
      cwd: root,
      env: {
        ...process.env,
        LOG_LEVEL: 'silent',
        RATE_LIMIT_PER_SECOND: '1000000',
        RATE_LIMIT_BURST: '1000000',
        GRAPHQL_RATE_LIMIT_POINTS: '1000000000',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const ready = new Promise<void>((resolve, reject) => {
    let out = '';
    const on = (d: Buffer) => {
      out += d;
      if (/connector registry on/.test(out)) resolve();
    };
    child.stdout!.on('data', on);
    child.stderr!.on('data', on);
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
  return {
    ready,
    /** Milliseconds since the process was spawned: about where its profile's clock stands. */
    sinceSpawn: () => performance.now() - spawnedAt,
    /** SIGINT lets the process end normally, which is when V8 writes its profiles. */
    stop: () =>
      new Promise(
        (r) => (child.removeAllListeners('exit'), child.once('exit', r), child.kill('SIGINT')),
      ),
  };
}

const profiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Profile);

async function seed(db: Awaited<ReturnType<typeof openDatabase>>, connectors: number) {
  const { token, ctx } = await benchActor(db);
  await seedConnectors(ctx, connectors);
  await db.sql.exec('ANALYZE');
  return token;
}

const lines: string[] = [];
const port = 20_000 + Math.floor(Math.random() * 20_000);
const tmp = mkdtempSync(join(tmpdir(), 'registry-profile-'));

async function profileRead(kind: 'read' | 'write' = 'read') {
  const { url, drop } = await scratchDatabase('postgres', 'registry_profile');
  try {
    const db = await openDatabase({ url });
    const token = await seed(db, 200);
    const ids = (await db.prisma.connector.findMany({ select: { id: true } })).map((c) => c.id);
    await db.close();
    const dir = join(tmp, kind);
    let note = 0;
    const server = startServer({ DATABASE_URL: url, PORT: String(port) }, dir);
    await server.ready;
    const drive = (duration: number) =>
      autocannon({
        url: `http://127.0.0.1:${port}/graphql`,
        connections: 10,
        duration,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        ...(kind === 'read'
          ? { body: JSON.stringify({ query: READ_QUERY }) }
          : {
              requests: [
                {
                  setupRequest: (req: object) => ({
                    ...req,
                    body: JSON.stringify({
                      query: WRITE_QUERY,
                      variables: {
                        input: {
                          id: Buffer.from(
                            `Connector:${ids[Math.floor(Math.random() * ids.length)]}`,
                          ).toString('base64'),
                          note: `n${note++}`,
                        },
                      },
                    }),
                  }),
                },
              ],
            }),
      });
    await drive(2);
    const run = await drive(SECONDS);
    await server.stop();
    if (run.errors + run.non2xx + run.timeouts > 0)
      throw new Error(`the ${kind} failed ${run.errors + run.non2xx + run.timeouts} times`);
    const [main] = profiles(dir); // the main thread's (thread 0) sorts first
    const requests = run.requests.total + 2 * run.requests.average; // the warm-up's too: the profile holds both
    const byPackage = selfTime(main, bucket);
    const byFunction = selfTime(main, fn);
    lines.push(
      `## ${kind === 'read' ? 'Read' : 'Write'} on PostgreSQL, under load`,
      '',
      `\`${kind === 'read' ? READ_QUERY : WRITE_QUERY}\`, autocannon with 10 connections for 2 + ${SECONDS} s: ${Math.round(run.requests.average)} req/s (with the profiler on), ` +
        `**${(byPackage.busy / requests).toFixed(2)} ms of main-thread CPU per request**.`,
      '',
      '| share of main-thread CPU | where |',
      '| ---: | --- |',
      ...byPackage.top
        .slice(0, 18)
        .map(([k, ms]) => `| ${((100 * ms) / byPackage.busy).toFixed(1)} % | ${k} |`),
      '',
      'Functions with the most self time:',
      '',
      '| share | function |',
      '| ---: | --- |',
      ...byFunction.top
        .slice(0, 15)
        .map(([k, ms]) => `| ${((100 * ms) / byFunction.busy).toFixed(1)} % | \`${k}\` |`),
      '',
    );
  } finally {
    await drop();
  }
}

async function profileUpload() {
  const dataDir = join(tmp, 'pglite');
  const db = await openDatabase({ dataDir });
  const token = await seed(db, 1);
  await db.close();
  const dir = join(tmp, 'upload');
  const server = startServer({ DATA_DIR: dataDir, PORT: String(port + 1) }, dir);
  await server.ready;
  const code = generateConnector({ actions: 6000, triggers: 1500 });
  const send = async (title: string) => {
    const res = await fetch(`http://127.0.0.1:${port + 1}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query:
          'mutation($input: CreateConnectorInput!) { createConnector(input: $input) { connector { id } userErrors { message } } }',
        variables: { input: { title, code } },
      }),
    });
    const body = (await res.json()) as {
      data?: { createConnector?: { connector?: { id: string } } };
    };
    if (!body.data?.createConnector?.connector)
      throw new Error(`the upload failed: ${JSON.stringify(body).slice(0, 300)}`);
  };
  // The first request of a process compiles what it touches; the second is the one every later upload repeats.
  await send('Warm-up');
  await new Promise((r) => setTimeout(r, 500));
  const from = server.sinceSpawn();
  await send('Measured');
  const to = server.sinceSpawn();
  await server.stop();
  const [main, ...threads] = profiles(dir);
  // The profile starts as the process does, a little after the spawn: the window's edges take 100 ms of slack.
  const runs = stretches(main, from - 100, to + 100);
  lines.push(
    '## One 10 MB upload on PGlite',
    '',
    `\`createConnector\` with ${(code.length / 1048576).toFixed(1)} MiB of generated code, after one unmeasured upload: ${(to - from).toFixed(0)} ms. ` +
      `Main thread busy ${selfTime(main, bucket).busy.toFixed(0)} ms over the whole run (start-up included); the other threads (parse worker, PGlite): ${threads.map((t) => `${selfTime(t, bucket).busy.toFixed(0)} ms`).join(', ') || 'none profiled'}.`,
    '',
    'Longest stretches the main thread was busy during the measured upload, and what filled them:',
    '',
    ...runs.slice(0, 6).flatMap((r) => [
      `- **${r.ms.toFixed(0)} ms**: ${[...r.fns]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([k, ms]) => `\`${k}\` ${ms.toFixed(0)} ms`)
        .join(', ')}`,
    ]),
    '',
  );
}

/** `read`, `write`, `upload` or all (default): which profile to take. */
const ONLY = process.env.BENCH_PROFILE;
try {
  if (!ONLY || ONLY === 'read') await profileRead('read');
  if (!ONLY || ONLY === 'write') await profileRead('write');
  if (!ONLY || ONLY === 'upload') await profileUpload();
  writeFileSync(
    new URL('results/profile.md', import.meta.url),
    [
      `# CPU profiles`,
      '',
      `Run: \`${ONLY ? `BENCH_PROFILE=${ONLY} ` : ''}npx tsx bench/profile.ts\` on ${new Date().toISOString()}, ${cpus()[0]?.model} × ${cpus().length}, Node ${process.version}. V8's sampling profiler (\`--cpu-prof\`) in the server process; shares are of busy (not idle) samples.`,
      '',
      ...lines,
    ].join('\n'),
  );
  console.log(lines.join('\n'));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
