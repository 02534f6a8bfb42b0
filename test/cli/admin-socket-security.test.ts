import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { adminSocketPath, RemoteCommandError, runRemote } from '../../src/cli/admin-socket.js';
import { lockDataDir } from '../../src/db/data-dir-lock.js';
import { cli } from '../helpers/processes.js';
import { startTestServer } from '../helpers/server.js';

const silent = { out() {}, err() {}, progress() {} };

/** A server listening where the registry's admin socket would be, noting every command sent to it. */
async function plantedSocket(path: string) {
  const received: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push(body);
      const { command } = JSON.parse(body) as { command: string };
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.end(
        `${JSON.stringify({ out: 'crt_attackers_token' })}\n${JSON.stringify({ result: command === 'ping' ? 'pong' : null })}\n`,
      );
    });
  });
  await new Promise<void>((r) => server.listen(path, () => r()));
  return { received, close: () => new Promise((r) => server.close(r)) };
}

/**
 * The CLI beside an embedded server talks to a Unix socket in the data directory. It checks the
 * socket before sending anything (another user's socket, or one others may use, gets nothing), and
 * the server does not believe the operator name a caller claims.
 */
describe('the admin socket', () => {
  const root = mkdtempSync(join(tmpdir(), 'registry-sock-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is refused by the CLI when it is open to others or belongs to another user', async () => {
    const dir = join(root, 'planted');
    mkdirSync(dir, { mode: 0o700 });
    const unlock = await lockDataDir(dir); // as a running server holds it
    const planted = await plantedSocket(adminSocketPath(dir));
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'silent' };
    delete env.DATABASE_URL;
    try {
      chmodSync(adminSocketPath(dir), 0o666);
      let run = await cli(env, 'token', 'create', '--workspace', 'acme');
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/Not talking to the admin socket .*mode is 0666/);
      expect(run.stdout).not.toContain('crt_attackers_token');
      chmodSync(adminSocketPath(dir), 0o600);
      if (process.getuid?.() === 0) {
        chownSync(adminSocketPath(dir), 65534, 65534);
        run = await cli(env, 'token', 'list', '--workspace', 'acme');
        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(/belongs to user id 65534/);
      }
      expect(planted.received).toEqual([]);
    } finally {
      await planted.close();
      await unlock();
    }
  }, 60_000);

  it("records the server's own user as the operator, whatever the caller claims, and answers bad commands and NUL in words", async () => {
    const dir = join(root, 'real');
    const t = await startTestServer('pglite', { DATA_DIR: dir });
    try {
      const socket = adminSocketPath(dir);
      for (const claimed of ['constructor', '__proto__', 'mallory\u0000', 'cli:someone-else']) {
        await runRemote(
          socket,
          'workspace create',
          { slug: `ws${claimed.length}${claimed.charCodeAt(0)}` },
          silent,
          { operator: claimed, requestId: 'x\u0000' },
        );
      }
      const actors = await t.server.registry.db.sql.query<{ actor: string; request_id: string }>(
        `SELECT actor_handle AS actor, request_id FROM audit_entries WHERE action = 'WORKSPACE_CREATE'`,
      );
      expect(actors.length).toBe(4);
      for (const a of actors) {
        expect(a.actor).toBe(`cli:${userInfo().username}`);
        expect(a.request_id).toMatch(/^cli-[0-9a-f-]{36}$/);
      }
      for (const command of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
        const refused = await runRemote(socket, command, {}, silent, {
          operator: 'x',
          requestId: 'y',
        }).catch((e: unknown) => e);
        expect(refused, command).toBeInstanceOf(RemoteCommandError);
        expect((refused as RemoteCommandError).code).toBe('NOT_FOUND');
      }
      const nul = await runRemote(socket, 'workspace create', { slug: 'a\u0000b' }, silent, {
        operator: 'x',
        requestId: 'y',
      }).catch((e: unknown) => e);
      expect(nul).toBeInstanceOf(RemoteCommandError);
      expect((nul as RemoteCommandError).code).toBe('INVALID_INPUT');
      expect((nul as Error).message).toMatch(/NUL/);
      // The server still answers.
      expect(await runRemote(socket, 'ping', {}, silent, { operator: 'x', requestId: 'y' })).toBe(
        'pong',
      );
    } finally {
      await t.close();
    }
  }, 120_000);
});
