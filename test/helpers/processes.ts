import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createPostgresDatabase } from './backends.js';
import { postgresTemplate } from './templates.js';

/** The real executable, as a user runs it. */
export const BIN = new URL('../../bin/connector-registry.js', import.meta.url).pathname;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a separate process; resolves with its exit code and output (never rejects on a non-zero exit). */
export function cli(env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'node',
      [BIN, ...args],
      { env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}

/**
 * Spawns `node ...args` and resolves once its output matches `ready` (stdout only unless
 * `matchStderr`): the child, the match, how long it took, and its output so far (and later). Rejects
 * if the process exits first, with what it printed. `env` is the child's whole environment, but for
 * EXECUTOR_OPTIMIZE, which is `false` unless `env` sets it.
 */
export function spawnUntil(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  opts: { cwd?: string; matchStderr?: boolean } = {},
): Promise<{ child: ChildProcess; match: RegExpExecArray; readyMs: number; output: () => string }> {
  const started = performance.now();
  // Like a test server's (server.ts): a `serve` or `executor` process a test starts makes few
  // runs, so its executor skips the optimizing tier unless the test sets EXECUTOR_OPTIMIZE.
  const child = spawn('node', args, {
    cwd: opts.cwd,
    env: { EXECUTOR_OPTIMIZE: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const match = ready.exec(out);
      if (match) resolve({ child, match, readyMs: performance.now() - started, output: () => out });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', opts.matchStderr ? onData : (d: Buffer) => (out += d.toString()));
    child.on('exit', (code, signal) =>
      reject(new Error(`${args.join(' ')} exited (${code ?? signal}): ${out}`)),
    );
  });
}

/** `serve` as a separate process; resolves once it prints where it listens. */
export async function startServerProcess(
  env: NodeJS.ProcessEnv,
): Promise<{ url: string; child: ChildProcess }> {
  const { child, match } = await spawnUntil([BIN, 'serve'], env, /on (http:\/\/\S+\/graphql)/);
  return { url: match[1], child };
}

/** A GraphQL request to a server process at `url` (its /graphql) with `token`; answers the parsed body. */
export async function gqlAt(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  token: string,
) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: any; errors?: unknown[] };
}

/** Ends a child process with `signal` and waits for it to be gone. */
export function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/**
 * Two gateway processes, as `npm start` runs them, on one new PostgreSQL database copied from the
 * migrated template (`env` on top of a silent log and a free port): where state shared between
 * gateways is tested. `close()` stops both and drops the database.
 */
export async function twoGateways(env: NodeJS.ProcessEnv) {
  const db = await createPostgresDatabase({ template: await postgresTemplate() });
  const all = { ...process.env, DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'silent', ...env };
  const started = await Promise.allSettled([startServerProcess(all), startServerProcess(all)]);
  const close = async () => {
    for (const p of started) if (p.status === 'fulfilled') await stopProcess(p.value.child);
    await db.drop();
  };
  const [a, b] = started;
  if (a.status === 'rejected' || b.status === 'rejected') {
    await close();
    throw a.status === 'rejected' ? a.reason : (b as PromiseRejectedResult).reason;
  }
  return { db, a: a.value, b: b.value, close };
}

/**
 * A TCP port on 127.0.0.1 that nothing listens on right now (one the OS just handed out and was
 * released): for a process a test starts on a port of its own, or for a client that must find
 * nothing there. Not a random port: that can be another process's.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
