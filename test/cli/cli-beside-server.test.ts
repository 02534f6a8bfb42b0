import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type createPostgresDatabase } from '../helpers/backends.js';
import { cli, startServerProcess, stopProcess } from '../helpers/processes.js';
import { migratedDatabase } from '../helpers/templates.js';
import { validCode } from '../fixtures/code.js';
import { CREATE, RELEASE } from '../helpers/documents.js';

async function gql(url: string, query: string, variables: Record<string, unknown>, token: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: res.status,
    body: (await res.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] },
  };
}

const WHO = `{ connectors(first: 1) { totalCount } }`;

/**
 * The CLI while `serve` runs on the same data (PGlite: the same directory, PostgreSQL: the same
 * database), and right after the server was killed: every command works, and what it does is
 * live in the server at once.
 */
for (const backend of await backends()) {
  describe(`CLI beside a running server (${backend})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'registry-cli-srv-'));
    let env: NodeJS.ProcessEnv;
    let pgdb: Awaited<ReturnType<typeof createPostgresDatabase>> | null = null;
    let server: { url: string; child: ChildProcess } | null = null;
    const run = (...args: string[]) => cli(env, ...args);

    beforeAll(async () => {
      // A migrated database to start from (test/cli/migrate-cli.test.ts covers an empty one).
      const db = await migratedDatabase(backend, join(dir, 'd'));
      pgdb = db.pgdb;
      env = db.env({
        ...process.env,
        PORT: '0',
        LOG_LEVEL: 'silent',
        RATE_LIMIT_PER_SECOND: '1000',
        RATE_LIMIT_BURST: '1000',
      });
      delete env.REGISTRY_TOKEN;
      server = await startServerProcess(env);
    }, 120_000);
    afterAll(async () => {
      if (server) await stopProcess(server.child, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      await pgdb?.drop();
    });

    it('creates, lists and revokes tokens and changes roles while the server runs; the server sees it at once', async () => {
      const created = await run(
        'token',
        'create',
        '--workspace',
        'acme',
        '--role',
        'ADMIN',
        '--handle',
        'alice',
      );
      expect(created.stderr).toContain('for alice (ADMIN) in workspace acme');
      expect(created.code).toBe(0);
      const alice = created.stdout.trim();
      expect((await gql(server!.url, WHO, {}, alice)).status).toBe(200);

      // No silent role change of an existing member: refused, explicitly done with member set-role.
      const demote = await run(
        'token',
        'create',
        '--workspace',
        'acme',
        '--handle',
        'alice',
        '--role',
        'operator',
      );
      expect(demote.code).not.toBe(0);
      expect(demote.stderr).toContain('member set-role');
      expect(demote.stdout).toBe('');
      expect((await run('member', 'list', '--workspace', 'acme')).stdout).toMatch(
        /^alice\tADMIN\t/m,
      );
      // Without --role an existing member keeps its role.
      const second = await run('token', 'create', '--workspace', 'acme', '--handle', 'alice');
      expect(second.stderr).toContain('for alice (ADMIN)');
      const dev = (
        await run(
          'token',
          'create',
          '--workspace',
          'acme',
          '--role',
          'Developer',
          '--handle',
          'dave',
        )
      ).stdout.trim();
      const setRole = await run(
        'member',
        'set-role',
        '--workspace',
        'acme',
        '--handle',
        'dave',
        '--role',
        'OPERATOR',
      );
      expect(setRole.stdout).toContain('dave in acme: DEVELOPER → OPERATOR');
      const write = await gql(
        server!.url,
        CREATE,
        { input: { title: 'Nope', code: validCode() } },
        dev,
      );
      expect(write.body.data.createConnector.userErrors[0].code).toBe('FORBIDDEN');

      const listed = await run('token', 'list', '--workspace', 'acme');
      expect(listed.stdout.trim().split('\n')).toHaveLength(3);
      const id = listed.stdout
        .split('\n')
        .find((l) => l.includes('\tdave\t'))!
        .split('\t')[0];
      expect((await run('token', 'revoke', id)).stdout).toContain(`token ${id} revoked`);
      expect((await gql(server!.url, WHO, {}, dev)).status).toBe(401);
      expect((await gql(server!.url, WHO, {}, alice)).status).toBe(200);
    }, 300_000);

    it('answers clearly for a workspace that does not exist, a bad role, and --version', async () => {
      const nope = await run('token', 'list', '--workspace', 'nope');
      expect(nope.code).toBe(1);
      expect(nope.stderr).toContain('Workspace nope does not exist');
      const badRole = await run('token', 'create', '--workspace', 'acme', '--role', 'owner');
      expect(badRole.code).not.toBe(0);
      expect(badRole.stderr).toContain('ADMIN, DEVELOPER, OPERATOR');
      const version = await run('--version');
      expect(version.stdout.trim()).toBe(
        JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version,
      );
    }, 120_000);

    it('exports, imports and exports the audit log while the server runs', async () => {
      const sandbox = (
        await run('token', 'create', '--workspace', 'sandbox', '--handle', 'sam')
      ).stdout.trim();
      const prod = (
        await run('token', 'create', '--workspace', 'prod', '--role', 'admin', '--handle', 'pat')
      ).stdout.trim();
      const c = await gql(
        server!.url,
        CREATE,
        { input: { title: 'Moving', code: validCode({ title: 'Moving' }) } },
        sandbox,
      );
      await gql(
        server!.url,
        RELEASE,
        { input: { id: c.body.data.createConnector.connector.id } },
        sandbox,
      );
      const file = join(dir, 'm.json');
      expect((await run('export', '--out', file, '--token', sandbox)).stdout).toContain(
        'exported 1 connector(s) from sandbox',
      );
      const imported = await run('import', file, '--token', prod);
      expect(imported.code).toBe(0);
      expect(imported.stdout).toContain('create\tMoving\tversion 1');
      const seen = await gql(
        server!.url,
        `{ connectors(first: 5) { nodes { title latestReleasedVersion } } }`,
        {},
        prod,
      );
      expect(seen.body.data.connectors.nodes).toEqual([
        { title: 'Moving', latestReleasedVersion: 1 },
      ]);

      const out = join(dir, 'audit.jsonl');
      const audit = await run('audit', 'export', '--workspace', 'prod', '--out', out);
      expect(audit.code).toBe(0);
      const entries = readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(entries.map((e) => e.action)).toEqual([
        'WORKSPACE_CREATE',
        'MEMBER_CREATE',
        'TOKEN_CREATE',
        'MANIFEST_IMPORT',
      ]);
      expect(entries.every((e) => e.workspace === 'prod')).toBe(true);
      expect(entries[0].actor.kind).toBe('CLI');
      expect(entries[0].actor.handle).toMatch(/^cli:/);
      expect(entries[3].actor).toMatchObject({ kind: 'MEMBER', handle: 'pat' });
      expect(entries[3].requestId).toMatch(/^cli-/);
      // Every workspace, to stdout.
      const all = await run('audit', 'export', '--action', 'TOKEN_REVOKE', 'MEMBER_ROLE_CHANGE');
      expect(
        all.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).action)
          .sort(),
      ).toEqual(['MEMBER_ROLE_CHANGE', 'TOKEN_REVOKE']);
    }, 300_000);

    it('works right after the server was killed, and beside the restarted server', async () => {
      await stopProcess(server!.child, 'SIGKILL');
      server = null;
      const after = await run('token', 'create', '--workspace', 'crash', '--handle', 'carl');
      expect(after.stderr).toContain('in workspace crash');
      expect(after.code).toBe(0);
      const carl = after.stdout.trim();
      server = await startServerProcess(env);
      expect((await gql(server.url, WHO, {}, carl)).status).toBe(200);
      expect(
        (await run('workspace', 'create', 'crash-customer', '--managed-by', 'crash')).stdout,
      ).toContain('managed by crash');
      expect((await run('workspace', 'list')).stdout).toMatch(
        /^crash-customer\tmanaged by crash\t/m,
      );
      if (backend === 'pglite')
        expect(existsSync(join(env.DATA_DIR!, '.registry-admin.sock'))).toBe(true);
    }, 300_000);
  });
}
