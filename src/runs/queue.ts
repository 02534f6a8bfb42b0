import PgBoss from 'pg-boss';
import type { Logger } from '../log.js';

/**
 * The PostgreSQL queue of runs (pg-boss 10, the last line that runs on Node 20): a gateway sends
 * each stored run's id, and every executor process works the queue (SKIP LOCKED: one takes each
 * job). The run row stays the record; the job only carries its id. Jobs are never retried by the
 * queue (retryLimit 0): a run that started is not started again (see failSilentRuns).
 */
export const RUN_QUEUE = 'connector-runs';

export interface RunQueue {
  send(runId: number): Promise<void>;
  /** Takes jobs, `concurrency` at a time, until close(). */
  work(concurrency: number, handle: (runId: number) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export async function openRunQueue(
  databaseUrl: string,
  log: Logger,
  opts: { expireInSeconds: number },
): Promise<RunQueue> {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    schema: 'pgboss',
    max: 4,
    // Completed jobs are of no use once their run row is written.
    deleteAfterHours: 24,
    supervise: true,
    schedule: false,
  });
  boss.on('error', (err) => log.warn({ err }, 'run queue trouble'));
  await boss.start();
  await boss.createQueue(RUN_QUEUE, {
    name: RUN_QUEUE,
    retryLimit: 0,
    expireInSeconds: opts.expireInSeconds,
  });
  return {
    async send(runId) {
      await boss.send(
        RUN_QUEUE,
        { runId },
        { retryLimit: 0, expireInSeconds: opts.expireInSeconds },
      );
    },
    async work(concurrency, handle) {
      for (let i = 0; i < concurrency; i++) {
        await boss.work<{ runId: number }>(
          RUN_QUEUE,
          { batchSize: 1, pollingIntervalSeconds: 0.5 },
          async ([job]) => {
            if (job) await handle(job.data.runId);
          },
        );
      }
    },
    async close() {
      await boss
        .stop({ graceful: false, wait: true, timeout: 2_000 })
        .catch((err: unknown) => log.warn({ err }, 'run queue stop'));
    },
  };
}
