import { mkdirSync } from 'node:fs';
import lockfile from 'proper-lockfile';

/**
 * PGlite is one process's database: a second process opening the same directory sees none of
 * the first one's writes and can corrupt it. So the directory is locked (a lock directory whose
 * mtime the holder refreshes; a crashed holder's lock goes stale after `STALE_MS`).
 */
const STALE_MS = 5_000;

export class DataDirInUseError extends Error {
  constructor(dir: string) {
    super(
      `The PGlite data directory ${dir} is in use by another process (a running server?). ` +
        'Stop it first, or point DATABASE_URL at PostgreSQL to share one database between processes.',
    );
  }
}

/** Locks `dir`; `waitMs` gives a just-killed holder's lock time to go stale. Returns the release. */
export async function lockDataDir(dir: string, waitMs = 0): Promise<() => Promise<void>> {
  mkdirSync(dir, { recursive: true });
  const retries = Math.ceil(waitMs / 500);
  try {
    return await lockfile.lock(dir, {
      stale: STALE_MS,
      update: 1_000,
      retries: retries ? { retries, factor: 1, minTimeout: 500, maxTimeout: 500 } : 0,
      lockfilePath: `${dir}/.registry.lock`,
      // Losing the lock (e.g. the disk went away) leaves a second writer possible: stop.
      onCompromised: (err) => {
        console.error(`lost the lock on ${dir}: ${err.message}`);
        process.exit(1);
      },
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'ELOCKED') throw new DataDirInUseError(dir);
    throw error;
  }
}
