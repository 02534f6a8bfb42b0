import { randomUUID } from 'node:crypto';
import { chmod, rm } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { createServer, request, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import type { Logger } from '../log.js';
import { DomainError } from '../domain/errors.js';
import {
  checkArguments,
  findCommand,
  type CommandHost,
  type CommandIO,
  type Invocation,
} from './commands.js';

/**
 * The CLI beside a running embedded server. PGlite is one process's database, so while `serve`
 * holds a data directory it also listens on a Unix socket inside it; a CLI command that finds the
 * directory locked sends the command there and the server runs it (the same code as a direct run,
 * src/cli/commands.ts) on its own database, in its own transactions, with its live events.
 *
 * Security: the socket is created mode 0600 in the data directory (0700, src/db/data-dir-permissions.ts),
 * so only the user who owns the database files (who can read them anyway) can connect; it never
 * listens on the network. The CLI checks the socket's owner and mode before it sends anything, and
 * the server records its own OS user as the operator, whatever name the caller claims.
 * Protocol: HTTP over the socket, `POST /run` with `{command, args, operator, requestId}`, answered
 * by newline-delimited JSON frames: `{out}`, `{err}`, `{progress}`, then `{result}` or `{error}`.
 */
export const ADMIN_SOCKET_NAME = '.registry-admin.sock';

/** The operator recorded for commands over the socket: the OS user the server runs as (the only one who can connect). */
const SOCKET_OPERATOR = (() => {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return `cli:uid-${process.getuid?.() ?? 'unknown'}`;
  }
})();

/** Unix socket paths are limited to ~107 bytes. */
const MAX_SOCKET_PATH = 100;

export function adminSocketPath(dataDir: string): string {
  return join(resolve(dataDir), ADMIN_SOCKET_NAME);
}

export interface AdminSocket {
  path: string | null;
  close(): Promise<void>;
}

export async function startAdminSocket(
  dataDir: string,
  host: CommandHost,
  log: Logger,
): Promise<AdminSocket> {
  const path = adminSocketPath(dataDir);
  if (path.length > MAX_SOCKET_PATH) {
    log.warn(
      { path },
      'data directory path too long for the admin socket: CLI commands need the server stopped',
    );
    return { path: null, close: async () => {} };
  }
  // A crashed server's socket file: this process holds the directory lock, so nobody listens on it.
  await rm(path, { force: true });
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/run') {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      const send = (frame: unknown) => res.write(`${JSON.stringify(frame)}\n`);
      const io: CommandIO = {
        out: (line) => send({ out: line }),
        err: (line) => send({ err: line }),
        progress: (phase, done, total) => send({ progress: [phase, done, total] }),
      };
      void (async () => {
        try {
          const request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            command?: unknown;
            args?: unknown;
            operator?: unknown;
            requestId?: unknown;
          } | null;
          // Who runs the command is not the caller's to say: only this server's own user can
          // connect (0600 socket in a 0700 directory), so that user is the operator on record. The
          // caller's request id is kept only in the CLI's own shape.
          const who: Invocation = {
            operator: SOCKET_OPERATOR,
            requestId:
              typeof request?.requestId === 'string' &&
              /^cli-[0-9a-f-]{36}$/.test(request.requestId)
                ? request.requestId
                : `cli-${randomUUID()}`,
          };
          const command = findCommand(request?.command as string);
          const args = checkArguments(request?.args);
          log.info(
            { command: request?.command, operator: who.operator, requestId: who.requestId },
            'cli command through the admin socket',
          );
          const result = await command(host, args, io, who);
          send({ result: result ?? null });
        } catch (error) {
          if (!(error instanceof DomainError)) log.error({ err: error }, 'cli command failed');
          send({ error: errorFrame(error) });
        }
        res.end();
      })();
    });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(path, () => done());
  });
  await chmod(path, 0o600);
  return {
    path,
    async close() {
      await new Promise<void>((done) => closeServer(server, done));
      await rm(path, { force: true });
    },
  };
}

function closeServer(server: Server, done: () => void) {
  server.close(() => done());
  server.closeAllConnections();
}

function errorFrame(error: unknown) {
  if (error instanceof DomainError)
    return { message: error.message, code: error.code, field: error.field };
  return {
    message: error instanceof Error ? error.message : String(error),
    code: null,
    field: null,
  };
}

/** A refusal the server reported for a command, with the domain's code and field. */
export class RemoteCommandError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
    readonly field: string | null,
  ) {
    super(message);
  }
}

/** Runs a command in the server listening on `path`; streams its output into `io`. */
export function runRemote(
  path: string,
  command: string,
  args: Record<string, unknown>,
  io: CommandIO,
  who: Invocation,
): Promise<unknown> {
  return new Promise((resolvePromise, reject) => {
    const req = request(
      {
        socketPath: path,
        method: 'POST',
        path: '/run',
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let buffer = '';
        let settled = false;
        const handle = (line: string) => {
          if (!line) return;
          const frame = JSON.parse(line) as {
            out?: string;
            err?: string;
            progress?: ['check' | 'write', number, number];
            result?: unknown;
            error?: { message: string; code: string | null; field: string | null };
          };
          if (frame.out !== undefined) io.out(frame.out);
          else if (frame.err !== undefined) io.err(frame.err);
          else if (frame.progress) io.progress(...frame.progress);
          else if ('result' in frame) {
            settled = true;
            resolvePromise(frame.result);
          } else if (frame.error) {
            settled = true;
            reject(
              new RemoteCommandError(frame.error.message, frame.error.code, frame.error.field),
            );
          }
        };
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let end;
          while ((end = buffer.indexOf('\n')) >= 0) {
            handle(buffer.slice(0, end));
            buffer = buffer.slice(end + 1);
          }
        });
        res.on('end', () => {
          handle(buffer);
          if (!settled)
            reject(new Error('the server closed the admin socket before the command finished'));
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ command, args, ...who }));
  });
}

/** Whether a live server answers on `path` (a crashed server's leftover file refuses connections). */
export async function adminSocketAnswers(path: string, who: Invocation): Promise<boolean> {
  const silent: CommandIO = { out() {}, err() {}, progress() {} };
  try {
    return (
      (await Promise.race([
        runRemote(path, 'ping', {}, silent, who),
        new Promise((r) => setTimeout(() => r(null), 2_000).unref()),
      ])) === 'pong'
    );
  } catch {
    return false;
  }
}
