import { createPubSub } from 'graphql-yoga';
import type { Config } from '../config.js';
import { openDatabase } from '../db/database.js';
import { createEventTarget } from '../events/index.js';
import type { RegistryPubSub } from '../graphql/context.js';
import { createLogger } from '../log.js';
import { createRunMachinery } from './services.js';

/**
 * `connector-registry executor`: a process that works the PostgreSQL run queue with its own
 * supervised executor engine and nothing else (no HTTP). Start as many as the load needs, on any
 * machine that reaches the database; each needs the same CONNECTION_SECRET_KEY as the gateways.
 * Results reach subscribers through the database's NOTIFY channel.
 */
export async function startExecutorProcess(
  config: Config,
): Promise<{ executorId: string; close(): Promise<void> }> {
  if (!config.DATABASE_URL)
    throw new Error(
      'The executor command works the PostgreSQL run queue: set DATABASE_URL (the embedded database runs its executor inside `serve`).',
    );
  const log = createLogger(config.LOG_LEVEL);
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
  await db.migrate();
  const events = await createEventTarget(config.DATABASE_URL, (err) =>
    log.warn({ err }, 'event channel trouble'),
  );
  const pubsub: RegistryPubSub = createPubSub({ eventTarget: events });
  const runs = createRunMachinery(
    { ...config, EXECUTOR_MODE: 'queue' },
    { prisma: db.prisma, log, pubsub, withWorker: true },
  );
  await runs.start();
  return {
    executorId: runs.executorId ?? '',
    async close() {
      await runs.close();
      await events.close();
      await db.close();
    },
  };
}
