import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeAnalyzePool } from '../code/analyze-pool.js';
import type { Config } from '../config.js';
import { DataDirInUseError } from '../db/data-dir-lock.js';
import { openDatabase, type Database } from '../db/database.js';
import { checkAdminSocket } from '../db/data-dir-permissions.js';
import { adminSocketAnswers, adminSocketPath, runRemote } from './admin-socket.js';
import { findCommand, type CommandIO, type Invocation } from './commands.js';

/**
 * How long a CLI command waits for the data directory: a server killed a moment ago leaves a lock
 * that goes stale within 5 s (src/db/data-dir-lock.ts), and a server that is starting opens its
 * admin socket once its database is ready.
 */
export const CLI_WAIT_MS = 20_000;

export function invocation(): Invocation {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (containers): keep "unknown"
  }
  return { operator: `cli:${user}`, requestId: `cli-${randomUUID()}` };
}

/**
 * Runs a command on the database the config names. PostgreSQL: directly (any number of processes
 * share it). PGlite: directly when the data directory is free; through the running server's admin
 * socket when a server holds it; after a crash, once the dead server's lock has gone stale.
 */
export async function runCommand(
  config: Config,
  name: string,
  args: Record<string, unknown>,
  io: CommandIO,
  who = invocation(),
): Promise<unknown> {
  const command = findCommand(name);
  const local = async (db: Database) => {
    try {
      // `migrate` reports what it applies itself; every other command brings the schema up to date first.
      if (name !== 'migrate') await db.migrate();
      return await command({ db }, args, io, who);
    } finally {
      await db.close();
      await closeAnalyzePool();
    }
  };
  if (config.DATABASE_URL || config.DATA_DIR.startsWith('memory://')) {
    return local(await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR }));
  }
  const socket = adminSocketPath(config.DATA_DIR);
  const deadline = Date.now() + CLI_WAIT_MS;
  for (;;) {
    let db: Database | null = null;
    try {
      db = await openDatabase({ dataDir: config.DATA_DIR });
    } catch (error) {
      if (!(error instanceof DataDirInUseError)) throw error;
    }
    if (db) return local(db);
    // Before anything is sent (a token, an export's contents): is this socket the registry's own?
    checkAdminSocket(socket);
    if (await adminSocketAnswers(socket, who)) return runRemote(socket, name, args, io, who);
    if (Date.now() > deadline) {
      throw new Error(
        `The PGlite data directory ${config.DATA_DIR} is locked and no server answers on ${socket}. ` +
          'Another CLI command may be running; try again when it has finished.',
      );
    }
    await sleep(250);
  }
}
