import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Config } from '../config.js';
import { loadSecretBox, type SecretBox } from '../crypto/secret-box.js';
import type { PrismaClient } from '../db/database.js';
import type { RunServices } from '../domain/run-services.js';
import { RUN_CANCEL_TOPIC } from '../domain/runs.js';
import { checkUpdatesOfInstallers } from '../domain/tests.js';
import type { RegistryPubSub } from '../graphql/context.js';
import type { Logger } from '../log.js';
import { startEngine, type ExecutorHandle } from './contract.js';
import { executeRun, failSilentRuns } from './execute.js';
import { openRunQueue, type RunQueue } from './queue.js';

/** A running run's heartbeat interval, and how long without one makes it EXECUTOR_CRASHED. */
export const HEARTBEAT_MS = 2_000;
export const SILENT_AFTER_MS = 10_000;

export type ExecutorMode = 'embedded' | 'queue' | 'none';

export function executorMode(config: Pick<Config, 'EXECUTOR_MODE' | 'DATABASE_URL'>): ExecutorMode {
  return config.EXECUTOR_MODE ?? (config.DATABASE_URL ? 'queue' : 'embedded');
}

/**
 * Runs stored runs on an executor engine this process starts and supervises (the engine itself
 * is a child process that restarts after a crash): the embedded default's executor, and what a
 * `connector-registry executor` process (or a gateway on PostgreSQL without --no-executor) works
 * the queue with. Listens for cancellations from any process.
 */
export class Runner {
  private engine: Promise<ExecutorHandle> | null = null;
  private readonly inFlight = new Map<number, AbortController>();
  private readonly running = new Set<Promise<void>>();
  readonly executorId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private stopCancels: (() => void) | null = null;

  constructor(
    private readonly deps: {
      prisma: PrismaClient;
      box: SecretBox;
      log: Logger;
      pubsub: RegistryPubSub;
      config: Config;
    },
  ) {
    const it = deps.pubsub.subscribe(RUN_CANCEL_TOPIC)[Symbol.asyncIterator]();
    this.stopCancels = () => void it.return?.();
    void (async () => {
      for (;;) {
        const next = await it.next();
        if (next.done) return;
        const { runId } = next.value as { runId: number };
        if (this.inFlight.has(runId)) {
          (await this.engine)?.cancel(String(runId));
          this.inFlight.get(runId)?.abort();
        }
      }
    })().catch((err: unknown) => deps.log.warn({ err }, 'run cancellations stopped'));
  }

  /** Starts the engine (once): compiles the module and boots the spare VMs. */
  start(): Promise<ExecutorHandle> {
    this.engine ??= startEngine(this.deps.config).catch((err: unknown) => {
      this.engine = null;
      throw err;
    });
    return this.engine;
  }

  async execute(runId: number): Promise<void> {
    const abort = new AbortController();
    this.inFlight.set(runId, abort);
    const task = (async () => {
      try {
        const executor = await this.start();
        await executeRun(
          { ...this.deps, executor, executorId: this.executorId, heartbeatMs: HEARTBEAT_MS },
          runId,
          abort.signal,
        );
      } catch (err) {
        this.deps.log.error({ err, runId }, 'run failed to execute');
        // The engine did not start: the run cannot run here.
        await this.deps.prisma.connectorRun
          .updateMany({
            where: { id: runId, status: { in: ['QUEUED', 'RUNNING'] } },
            data: {
              status: 'EXECUTOR_CRASHED',
              finishedAt: new Date(),
              errorKind: 'ExecutorCrashed',
              errorMessage: 'The executor could not start.',
            },
          })
          .then(() =>
            this.deps.prisma.testResult.updateMany({
              where: { runId, status: 'PENDING' },
              data: {
                status: 'FAILED',
                reason: 'The executor could not start.',
                finishedAt: new Date(),
              },
            }),
          )
          .catch(() => {});
      } finally {
        this.inFlight.delete(runId);
      }
    })();
    this.running.add(task);
    void task.finally(() => this.running.delete(task));
    return task;
  }

  async close(): Promise<void> {
    this.stopCancels?.();
    for (const abort of this.inFlight.values()) abort.abort();
    const engine = await this.engine?.catch(() => null);
    if (engine) for (const id of this.inFlight.keys()) engine.cancel(String(id));
    await Promise.allSettled([...this.running]);
    await engine?.close();
  }
}

export interface RunMachinery {
  services: RunServices;
  /** This process's executor id (recorded on the runs it takes); null when it runs none. */
  readonly executorId: string | null;
  /** Starts what runs code in this process now rather than at the first run (`serve` does). */
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The run machinery of a gateway: embedded (a Runner in this process), queue (runs go to
 * PostgreSQL; this process also works the queue unless `withWorker` is false, i.e. `serve
 * --no-executor`), or none.
 */
export function createRunMachinery(
  config: Config,
  deps: { prisma: PrismaClient; log: Logger; pubsub: RegistryPubSub; withWorker: boolean },
): RunMachinery {
  const box = loadSecretBox(config);
  const mode = executorMode(config);
  let runner: Runner | null = null;
  let queue: Promise<RunQueue> | null = null;
  let sweeper: NodeJS.Timeout | null = null;
  let started: Promise<void> | null = null;
  const runnerOf = () => (runner ??= new Runner({ ...deps, box, config }));
  const queueOf = () =>
    (queue ??= openRunQueue(config.DATABASE_URL!, deps.log, {
      expireInSeconds: Math.ceil(config.RUN_TIMEOUT_MS / 1000) + 60,
    }));

  let recovered: Promise<void> | null = null;
  /**
   * The embedded database has one owner: runs a previous process left RUNNING died with it, and
   * its QUEUED runs are taken again. Done once, before this process runs anything (so a run it
   * starts is never mistaken for a leftover).
   */
  function recover(): Promise<void> {
    recovered ??= (async () => {
      await failSilentRuns(deps.prisma, 0);
      const queued = await deps.prisma.connectorRun.findMany({
        where: { status: 'QUEUED' },
        select: { id: true },
        orderBy: { id: 'asc' },
      });
      for (const { id } of queued) void runnerOf().execute(id);
    })().catch((err: unknown) => {
      recovered = null;
      throw err;
    });
    return recovered;
  }

  function start(): Promise<void> {
    started ??= (async () => {
      if (mode === 'embedded') {
        await recover();
        await runnerOf().start();
      } else if (mode === 'queue') {
        const q = await queueOf();
        sweeper = setInterval(
          () =>
            void failSilentRuns(deps.prisma, SILENT_AFTER_MS).catch((err: unknown) =>
              deps.log.warn({ err }, 'run sweeper'),
            ),
          HEARTBEAT_MS,
        );
        sweeper.unref?.();
        if (deps.withWorker) {
          await runnerOf().start();
          await q.work(config.EXECUTOR_CONCURRENCY, (runId) => runnerOf().execute(runId));
        }
      }
    })().catch((err: unknown) => {
      started = null;
      throw err;
    });
    return started;
  }

  const services: RunServices = {
    box,
    canRun: mode !== 'none',
    maxInFlightPerWorkspace: config.RUNS_IN_FLIGHT_PER_WORKSPACE,
    historyCap: config.RUN_HISTORY_CAP,
    async dispatch(runId) {
      if (mode === 'embedded') {
        await recover();
        void start().catch((err: unknown) => deps.log.error({ err }, 'executor did not start'));
        void runnerOf().execute(runId);
      } else if (mode === 'queue') {
        void start().catch((err: unknown) => deps.log.error({ err }, 'run queue did not start'));
        await (await queueOf()).send(runId);
      }
    },
    async cancel(runId) {
      deps.pubsub.publish(RUN_CANCEL_TOPIC, { runId });
    },
    testUpdates(notificationIds) {
      void checkUpdatesOfInstallers(deps.prisma, services, notificationIds).catch((err: unknown) =>
        deps.log.warn({ err }, "installers' tests of an update did not start"),
      );
    },
  };

  return {
    services,
    get executorId() {
      return runner?.executorId ?? null;
    },
    start,
    async close() {
      if (sweeper) clearInterval(sweeper);
      await runner?.close();
      await (await queue?.catch(() => null))?.close();
    },
  };
}
