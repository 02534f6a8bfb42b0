/**
 * Runs connector code. The module contract (see types.ts and docs/executor.md):
 *
 *   const executor = await startExecutor({ spareVMs, limits, allowLoopback });
 *   const result = await executor.run({ runId, code, target, input, settings, secretFields, … });
 *   executor.cancel(runId); await executor.close();
 *
 * `startExecutor` spawns the executor process (src/executor/child.ts) and supervises it: when it
 * dies (a VM crashed Node, it was killed), every run in flight ends EXECUTOR_CRASHED with the
 * reason, and a new process is started for the next runs. Connector code never runs in the
 * caller's process. `runInProcess` runs the engine in the calling process instead, for a local
 * CLI where a crash only ends that CLI.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { FromChild } from './child.js';
import { Engine, type EngineOptions } from './engine.js';
import { entryUrl, RUBY_DIR, SNAPSHOT_CACHE } from './entries.js';
import type { Config } from '../config.js';
import type { Executor, ExecutorOptions, RunRequest, RunResult } from './types.js';

export * from './types.js';
export { Redactor, REDACTED } from './redact.js';

interface Pending {
  req: RunRequest;
  resolve: (r: RunResult) => void;
  started: number;
  detach: () => void;
}

/** The executor's options from the registry's configuration (src/config.ts: RUN_TIMEOUT_MS, EXECUTOR_*, CONNECTOR_HTTP_ALLOW_LOOPBACK). */
export function executorOptionsFromConfig(config: Config): ExecutorOptions {
  return {
    spareVMs: config.EXECUTOR_SPARE_VMS,
    maxConcurrentRuns: config.EXECUTOR_CONCURRENCY,
    allowLoopback: config.CONNECTOR_HTTP_ALLOW_LOOPBACK,
    optimize: config.EXECUTOR_OPTIMIZE,
    snapshotCache:
      config.EXECUTOR_SNAPSHOT_CACHE === 'off' ? false : config.EXECUTOR_SNAPSHOT_CACHE,
    limits: {
      wallMs: config.RUN_TIMEOUT_MS,
      memoryBytes: config.EXECUTOR_MEMORY_MB * 1024 * 1024,
      requestTimeoutMs: config.EXECUTOR_REQUEST_TIMEOUT_MS,
      maxBodyBytes: config.EXECUTOR_MAX_BODY_BYTES,
      maxRequests: config.EXECUTOR_MAX_REQUESTS,
      maxRedirects: config.EXECUTOR_MAX_REDIRECTS,
      maxOutputBytes: config.EXECUTOR_MAX_OUTPUT_BYTES,
      maxCodeBytes: config.EXECUTOR_MAX_CODE_BYTES,
    },
  };
}

/** What the engine is given: the options, and where its snapshot is kept (none when false). */
function engineOptions(opts: ExecutorOptions): EngineOptions {
  const { snapshotCache, ...rest } = opts;
  return {
    ...rest,
    snapshotCache: snapshotCache === false ? undefined : (snapshotCache ?? SNAPSHOT_CACHE),
  };
}

function crashed(reason: string, started: number): RunResult {
  return {
    status: 'EXECUTOR_CRASHED',
    error: {
      message: `The executor process stopped during the run (${reason}); it has been restarted.`,
      kind: 'ExecutorCrashed',
    },
    logs: [],
    exchanges: [],
    durationMs: Math.round(performance.now() - started),
  };
}

export async function startExecutor(opts: ExecutorOptions = {}): Promise<Executor> {
  const pending = new Map<string, Pending>();
  let child: ChildProcess | null = null;
  let ready: Promise<void> = Promise.resolve();
  let closed = false;
  let restarts = 0;

  const [childUrl, workerUrl] = await Promise.all([entryUrl('child'), entryUrl('vm-worker')]);
  const childOptions = JSON.stringify({ ...engineOptions(opts), workerUrl, rubyDir: RUBY_DIR });
  const spawnChild = () => {
    const proc = fork(new URL(childUrl), [], {
      execArgv: opts.optimize === false ? ['--liftoff-only'] : [],
      // The executor sees no secrets of the API process: only what it needs to run.
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: process.env.NODE_ENV ?? 'production',
        EXECUTOR_OPTIONS: childOptions,
      },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
      if (process.env.EXECUTOR_DEBUG) process.stderr.write(d);
    });
    child = proc;
    ready = new Promise<void>((resolve, reject) => {
      const onMessage = (m: FromChild) => {
        if (m.type === 'ready') {
          restarts = 0;
          resolve();
        } else if (m.type === 'fatal')
          reject(new Error(`The executor could not start: ${m.message}`));
        else if (m.type === 'result') {
          const p = pending.get(m.runId);
          if (p) {
            pending.delete(m.runId);
            p.detach();
            p.resolve(m.result);
          }
        }
      };
      proc.on('message', onMessage);
      proc.on('exit', (code, signal) => {
        reject(
          new Error(
            `The executor exited while starting (${signal ?? code}): ${stderr.trim().split('\n').slice(-3).join(' ')}`,
          ),
        );
        if (child === proc) child = null;
        const reason = signal ? `signal ${signal}` : `exit code ${code}`;
        for (const [id, p] of pending) {
          pending.delete(id);
          p.detach();
          p.resolve(crashed(reason, p.started));
        }
        if (!closed) {
          restarts += 1;
          // Restart at once the first time, then back off (a process that dies at start would spin).
          setTimeout(
            () => {
              if (!closed && !child) {
                spawnChild();
                ready.catch(() => {});
              }
            },
            Math.min(100 * 2 ** (restarts - 1), 5000),
          );
        }
      });
    });
  };

  spawnChild();
  await ready;

  const executor: Executor = {
    async run(req, runOpts = {}) {
      const started = performance.now();
      if (closed)
        return {
          status: 'CANCELLED',
          error: { message: 'The executor is closed.', kind: 'Cancelled' },
          logs: [],
          exchanges: [],
          durationMs: 0,
        };
      while (!child && !closed) await new Promise((r) => setTimeout(r, 20));
      try {
        await ready;
      } catch (e) {
        return {
          status: 'EXECUTOR_CRASHED',
          error: { message: (e as Error).message, kind: 'ExecutorCrashed' },
          logs: [],
          exchanges: [],
          durationMs: 0,
        };
      }
      const proc = child;
      if (!proc) return crashed('not running', started);
      return new Promise<RunResult>((resolve) => {
        const onAbort = () => executor.cancel(req.runId);
        runOpts.signal?.addEventListener('abort', onAbort);
        pending.set(req.runId, {
          req,
          resolve,
          started,
          detach: () => runOpts.signal?.removeEventListener('abort', onAbort),
        });
        proc.send({ type: 'run', req });
        if (runOpts.signal?.aborted) onAbort();
      });
    },
    cancel(runId) {
      if (pending.has(runId)) child?.send({ type: 'cancel', runId });
    },
    async close() {
      closed = true;
      const proc = child;
      if (!proc) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
        proc.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        if (proc.connected) proc.send({ type: 'close' });
        else proc.kill();
      });
    },
  };
  /** The executor process's id (tests kill it to check supervision). */
  Object.defineProperty(executor, 'pid', { get: () => child?.pid });
  return executor;
}

/**
 * The engine in the calling process (a local CLI). User Ruby can crash this process (see
 * docs/executor.md): never use it inside the API server.
 */
export async function runInProcess(
  opts: ExecutorOptions = {},
): Promise<Executor & { engine: Engine }> {
  const engine = await Engine.start(engineOptions(opts));
  const controllers = new Map<string, AbortController>();
  return {
    engine,
    async run(req, runOpts = {}) {
      const controller = new AbortController();
      controllers.set(req.runId, controller);
      const onAbort = () => controller.abort();
      runOpts.signal?.addEventListener('abort', onAbort);
      try {
        return await engine.run(req, controller.signal);
      } finally {
        controllers.delete(req.runId);
        runOpts.signal?.removeEventListener('abort', onAbort);
      }
    },
    cancel: (runId) => controllers.get(runId)?.abort(),
    close: () => engine.close(),
  };
}
