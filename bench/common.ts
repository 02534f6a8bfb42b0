/**
 * What the benchmarks share: a scratch database per scenario, server processes started from the
 * repository's root, and the seeding of a benchmark workspace.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { openDatabase } from '../src/db/database.js';
import { authenticate, createToken } from '../src/domain/auth.js';
import { createConnector, releaseConnector, updateConnector } from '../src/domain/connectors.js';
import { validCode } from '../test/fixtures/code.js';
import { spawnUntil } from '../test/helpers/processes.js';
import { baselineServer } from './baseline.js';

export { stopProcess as stop } from '../test/helpers/processes.js';

/**
 * What /proc/<pid>/stat says of a process (Linux): its parent, its start time (clock ticks after
 * boot; with the pid it tells a process from a later one of the same pid), its name, and the CPU
 * it has used in seconds (user + system, every thread); null once it is gone.
 */
export function procStat(
  pid: number | string,
): { ppid: number; start: string; comm: string; cpuSeconds: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The name is in parentheses and may hold spaces: the fields follow its last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: Number(f[1]),
      start: f[19],
      comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      cpuSeconds: (Number(f[11]) + Number(f[12])) / 100, // utime, stime in USER_HZ (100)
    };
  } catch {
    return null;
  }
}

/** The PostgreSQL server the benchmarks make their databases on. */
export const ADMIN_URL =
  process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
/** The repository's root: where server processes run. */
export const ROOT = new URL('..', import.meta.url).pathname;

/**
 * Ends a benchmark's report: its failures (a benchmark with one is a failed benchmark, not a
 * number) or the line saying there were none, written to `out` and printed; exits 1 on a failure.
 */
export function writeReport(
  out: string,
  lines: string[],
  failures: string[],
  unit = 'round',
): void {
  lines.push(
    failures.length
      ? `**Failed ${unit}s (the benchmark failed):**\n\n${failures.map((f) => `- ${f}`).join('\n')}`
      : `No failed ${unit}.`,
    '',
  );
  writeFileSync(out, lines.join('\n'));
  console.log(lines.join('\n'));
  if (failures.length) process.exitCode = 1;
}

/** The server of the git revision BENCH_BASELINE names (bench/baseline.ts), when it is set. */
export const baselineFromEnv = () =>
  process.env.BENCH_BASELINE ? baselineServer(process.env.BENCH_BASELINE) : undefined;

/** Which databases to run: BENCH_KINDS (`postgres,pglite` by default). */
export const kindsFromEnv = () =>
  (process.env.BENCH_KINDS ?? 'postgres,pglite').split(',') as ('postgres' | 'pglite')[];

type Database = Awaited<ReturnType<typeof openDatabase>>;

/**
 * A new, empty database for one scenario: on PostgreSQL `<prefix>_<now>` on ADMIN_URL (`url`), on
 * PGlite a directory in a new temporary folder (`dataDir`). `drop()` removes it (and the folder).
 */
export async function scratchDatabase(
  kind: 'postgres' | 'pglite',
  prefix: string,
): Promise<{ url?: string; dataDir?: string; drop: () => Promise<void> }> {
  if (kind === 'pglite') {
    const dataDir = join(mkdtempSync(join(tmpdir(), `${prefix.replaceAll('_', '-')}-`)), 'pglite');
    return {
      dataDir,
      drop: async () => rmSync(join(dataDir, '..'), { recursive: true, force: true }),
    };
  }
  const name = `${prefix}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * `node ...args` in the repository's root with `env` over this process's environment; resolves once
 * its stdout or stderr matches `ready` (see spawnUntil).
 */
export function startNode(args: string[], env: NodeJS.ProcessEnv, ready: RegExp) {
  return spawnUntil(args, { ...process.env, ...env }, ready, { cwd: ROOT, matchStderr: true });
}

/** Migrates `db` and mints the benchmark's token (ADMIN of workspace `bench`); answers it and a domain context acting with it. */
export async function benchActor(db: Database) {
  await db.migrate();
  const token = (
    await createToken(db.prisma, { workspace: 'bench', role: 'ADMIN', handle: 'bench' })
  ).token;
  const ctx = { prisma: db.prisma, actor: await authenticate(db.prisma, token) };
  return { token, ctx };
}

/** `count` connectors `Bench <i>`, each with version 1 released and an unreleased version 2; answers their IDs. */
export async function seedConnectors(
  ctx: Awaited<ReturnType<typeof benchActor>>['ctx'],
  count: number,
): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const c = await createConnector(ctx, {
      title: `Bench ${i}`,
      code: validCode({ title: `Bench ${i}` }),
      note: 'v1',
    });
    await releaseConnector(ctx, c.id);
    await updateConnector(ctx, c.id, { note: 'v2' });
    ids.push(c.id);
  }
  return ids;
}

/**
 * For the browser benchmarks: the console built (when its sources changed), the registry in this
 * process on an in-memory PGlite, and an ADMIN token of workspace `acme` to sign a tab in with.
 */
export async function consoleServer() {
  execFileSync(process.execPath, ['scripts/console-build.mjs', '--if-stale'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  const [{ loadConfig }, { startServer }] = await Promise.all([
    import('../src/config.js'),
    import('../src/server.js'),
  ]);
  const server = await startServer(
    loadConfig({ LOG_LEVEL: 'silent' }, { PORT: 0, DATA_DIR: 'memory://' }),
  );
  const { token } = await createToken(server.registry.db.prisma, {
    workspace: 'acme',
    role: 'ADMIN',
    handle: 'alice',
  });
  /** A GraphQL call as that token; its data, or a throw with its errors. */
  async function gql(query: string, variables: Record<string, unknown> = {}) {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = await res.json();
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  }
  return { server, token, gql };
}
