import { chmodSync, lstatSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isMainThread } from 'node:worker_threads';

/**
 * The embedded database's files are the registry: tokens' hashes, webhook signing secrets,
 * connector code, all readable in its write-ahead log with `grep`. They are kept the way
 * PostgreSQL's `initdb` keeps a data directory: the directory 0700 and every file 0600, whatever
 * the umask, owned by the user the server runs as. PGlite writes its initial files with mode 0666
 * (its WASM file system sets modes explicitly), so the directory is created 0700 before PGlite
 * sees it (nobody else can even look inside), the process umask becomes 0077 for the files
 * PostgreSQL creates later, and the tree is tightened once the database is open (which also
 * repairs a directory written by an earlier version).
 *
 * A directory that other users may write to, or that belongs to someone else, is refused: whoever
 * can write there can replace the database (or plant the admin socket the CLI talks to).
 */
export class DataDirPermissionError extends Error {}

const uid = () => process.getuid?.() ?? -1;

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`;
}

/** Creates `dir` 0700 when missing; refuses one that belongs to another user or that others may write to. */
export function secureDataDir(dir: string): void {
  const path = resolve(dir);
  // Files PostgreSQL creates from now on: 0600 and directories 0700 (worker threads share the process umask).
  if (isMainThread) process.umask(process.umask() | 0o077);
  let stats;
  try {
    stats = statSync(path);
  } catch {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    chmodSync(path, 0o700);
    return;
  }
  if (!stats.isDirectory())
    throw new DataDirPermissionError(`DATA_DIR ${path} is not a directory.`);
  if (uid() >= 0 && stats.uid !== uid()) {
    throw new DataDirPermissionError(
      `The data directory ${path} belongs to user id ${stats.uid}, but the registry runs as user id ${uid()}. ` +
        `Run the registry as its owner, or give it a directory of its own (chown -R $(id -u) ${path}; chmod 700 ${path}).`,
    );
  }
  if (stats.mode & 0o022) {
    const who = [stats.mode & 0o020 ? 'its group' : '', stats.mode & 0o002 ? 'every user' : '']
      .filter(Boolean)
      .join(' and ');
    throw new DataDirPermissionError(
      `The data directory ${path} is writable by ${who} (mode ${octal(stats.mode)}): anyone who can write there can replace the database ` +
        `or the admin socket. The registry does not start on it. Fix it with: chmod 700 ${path}`,
    );
  }
}

/** chmod go-rwx over the tree: directories 0700, files 0600 (symbolic links are left alone). */
export function tightenDataDir(dir: string): void {
  const walk = (path: string) => {
    let stats;
    try {
      stats = lstatSync(path);
    } catch {
      return; // removed meanwhile
    }
    if (stats.isSymbolicLink()) return;
    if (stats.isDirectory()) {
      if ((stats.mode & 0o777) !== 0o700) chmodSync(path, 0o700);
      for (const name of readdirSync(path)) walk(join(path, name));
    } else if (stats.mode & 0o077) {
      chmodSync(path, stats.mode & 0o700);
    }
  };
  walk(resolve(dir));
}

/**
 * Before the CLI sends a command (and an API token) to the admin socket: the socket must be a
 * socket, owned by this user, with no access for group or others, in a directory only this user
 * may write to. Otherwise another user could have planted it to collect what the CLI sends or to
 * answer with a token of theirs.
 */
export function checkAdminSocket(path: string): void {
  let socket;
  let parent;
  try {
    socket = lstatSync(path);
    parent = lstatSync(dirname(path));
  } catch {
    return; // nothing there: nothing to talk to
  }
  const me = uid();
  const problems: string[] = [];
  if (!socket.isSocket()) problems.push('it is not a socket');
  if (me >= 0 && socket.uid !== me)
    problems.push(`it belongs to user id ${socket.uid}, not to you (${me})`);
  if (socket.mode & 0o077)
    problems.push(`its mode is ${octal(socket.mode)} (group or others may use it)`);
  if (me >= 0 && parent.uid !== me) problems.push(`its directory belongs to user id ${parent.uid}`);
  if (parent.mode & 0o022)
    problems.push(`its directory is writable by others (mode ${octal(parent.mode)})`);
  if (problems.length) {
    throw new DataDirPermissionError(
      `Not talking to the admin socket ${path}: ${problems.join('; ')}. A running registry creates it 0600 in its 0700 data directory; ` +
        'this one may have been planted by another user. Stop here and check who owns the data directory.',
    );
  }
}
