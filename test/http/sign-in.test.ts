import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapEmptyRegistry, createSignInCode } from '../../src/domain/sign-in-links.js';
import { backends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { cli } from '../helpers/processes.js';

const VIEWER =
  '{ viewer { member { handle role } workspace { slug } canWrite canViewSource canReview } }';

async function redeem(base: string, code: unknown) {
  const res = await fetch(`${base}/auth/sign-in-link`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

for (const backend of await backends()) {
  describe(`one-time sign-in links (${backend})`, () => {
    let t: TestServer;
    let base: string;
    beforeAll(async () => {
      t = await startTestServer(backend, { SIGN_IN_ATTEMPTS_PER_MINUTE: 1000 });
      base = t.server.url;
    });
    afterAll(() => t.close());

    it('the first start of an empty registry makes a default workspace, its admin and a link; later starts do not', async () => {
      const prisma = t.server.registry.db.prisma;
      const first = await bootstrapEmptyRegistry(prisma);
      expect(first?.code).toMatch(/^sic_/);
      expect(await bootstrapEmptyRegistry(prisma)).toBeNull();
      // Only the hash is stored.
      const stored = await prisma.signInCode.findMany();
      expect(stored.map((s) => s.codeHash)).not.toContain(first!.code);

      const redeemed = await redeem(base, first!.code);
      expect(redeemed.status).toBe(200);
      expect(redeemed.body).toMatchObject({ handle: 'admin', workspace: 'default' });
      const me = await t.gql(VIEWER, {}, redeemed.body.token);
      expect(me.body.data.viewer).toEqual({
        member: { handle: 'admin', role: 'ADMIN' },
        workspace: { slug: 'default' },
        canWrite: true,
        canViewSource: true,
        canReview: false,
      });

      // Single use.
      const again = await redeem(base, first!.code);
      expect(again.status).toBe(400);
      expect(again.body.code).toBe('INVALID_INPUT');
    });

    it('expired, unknown and malformed codes are refused alike and mint nothing', async () => {
      const prisma = t.server.registry.db.prisma;
      await t.token('acme', 'OPERATOR', 'olga');
      const expired = await createSignInCode(prisma, {
        workspace: 'acme',
        handle: 'olga',
        ttlMs: -1000,
      });
      const tokensBefore = await prisma.apiToken.count();
      for (const code of [expired.code, 'sic_unknown', 'crt_not-a-code', 42, '']) {
        const r = await redeem(base, code);
        expect(r.status).toBe(400);
        expect(r.body.token).toBeUndefined();
      }
      expect(await prisma.apiToken.count()).toBe(tokensBefore);
      const res = await fetch(`${base}/auth/sign-in-link`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{not json',
      });
      expect(res.status).toBe(400);
    });

    it('a link signs in the member it was made for, with their role', async () => {
      const { code } = await createSignInCode(t.server.registry.db.prisma, {
        workspace: 'acme',
        handle: 'olga',
      });
      const r = await redeem(base, code);
      const me = await t.gql(VIEWER, {}, r.body.token);
      expect(me.body.data.viewer).toMatchObject({
        member: { handle: 'olga', role: 'OPERATOR' },
        canWrite: false,
        canViewSource: false,
      });
    });

    it('a link gives a console session that expires, and Sign out revokes it (a pasted API token is only forgotten)', async () => {
      const prisma = t.server.registry.db.prisma;
      const olga = await prisma.member.findFirstOrThrow({
        where: { handle: 'olga', workspace: { slug: 'acme' } },
      });
      const active = () =>
        prisma.apiToken.count({
          where: { memberId: olga.id, expiresAt: { not: null }, revokedAt: null },
        });
      const before = await active();
      const sessions: string[] = [];
      for (let i = 0; i < 3; i++) {
        const { code } = await createSignInCode(prisma, { workspace: 'acme', handle: 'olga' });
        const r = await redeem(base, code);
        expect(r.status).toBe(200);
        const expiresIn = new Date(r.body.expiresAt).getTime() - Date.now();
        expect(expiresIn).toBeGreaterThan(11.9 * 3_600_000);
        expect(expiresIn).toBeLessThanOrEqual(12 * 3_600_000);
        expect((await t.gql(VIEWER, {}, r.body.token)).status).toBe(200);
        sessions.push(r.body.token);
      }
      for (const token of sessions) {
        const out = await fetch(`${base}/auth/sign-out`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        });
        expect(out.status).toBe(204);
        const after = await t.gql(VIEWER, {}, token);
        expect(after.status).toBe(401);
        expect(after.body.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
      }
      expect(await active()).toBe(before);
      // A token made with the CLI and pasted into the console survives Sign out.
      const cli = await t.token('acme', 'OPERATOR', 'olga');
      expect(
        (
          await fetch(`${base}/auth/sign-out`, {
            method: 'POST',
            headers: { authorization: `Bearer ${cli}` },
          })
        ).status,
      ).toBe(204);
      expect((await t.gql(VIEWER, {}, cli)).status).toBe(200);
    });

    it('an expired console session is refused', async () => {
      const prisma = t.server.registry.db.prisma;
      const { code } = await createSignInCode(prisma, { workspace: 'acme', handle: 'olga' });
      const r = await redeem(base, code);
      await prisma.$executeRaw`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE expires_at > now()`;
      const res = await t.gql(VIEWER, {}, r.body.token);
      expect(res.status).toBe(401);
    });

    it('refuses text/plain and form bodies (login CSRF), minting nothing', async () => {
      const prisma = t.server.registry.db.prisma;
      const before = await prisma.apiToken.count();
      const { code } = await createSignInCode(prisma, { workspace: 'acme', handle: 'olga' });
      for (const [type, body] of [
        ['text/plain', JSON.stringify({ code })],
        ['text/plain;charset=UTF-8', JSON.stringify({ code })],
        ['application/x-www-form-urlencoded', `code=${code}`],
        [
          'multipart/form-data; boundary=x',
          `--x\r\nContent-Disposition: form-data; name="code"\r\n\r\n${code}\r\n--x--`,
        ],
      ]) {
        const res = await fetch(`${base}/auth/sign-in-link`, {
          method: 'POST',
          headers: { 'content-type': type },
          body,
        });
        expect(res.status, type).toBe(415);
        expect(((await res.json()) as { code: string }).code).toBe('UNSUPPORTED_MEDIA_TYPE');
      }
      expect(await prisma.apiToken.count()).toBe(before);
      // The code is still good for the console, which sends JSON.
      expect((await redeem(base, code)).status).toBe(200);
    });

    it('two tabs racing with one link get one token', async () => {
      const { code } = await createSignInCode(t.server.registry.db.prisma, {
        workspace: 'acme',
        handle: 'olga',
      });
      const results = await Promise.all([
        redeem(base, code),
        redeem(base, code),
        redeem(base, code),
      ]);
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    });
  });
}

for (const backend of await backends()) {
  describe(`sign-in link rate limit (${backend})`, () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await startTestServer(backend, { SIGN_IN_ATTEMPTS_PER_MINUTE: 5 });
    });
    afterAll(() => t.close());

    it('refuses a client that tries more codes than SIGN_IN_ATTEMPTS_PER_MINUTE, before touching the database', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++)
        statuses.push((await redeem(t.server.url, `sic_guess${i}`)).status);
      expect(statuses).toEqual([400, 400, 400, 400, 400, 429, 429, 429]);
      const res = await fetch(`${t.server.url}/auth/sign-in-link`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: 'sic_x' }),
      });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await res.json()) as { code: string }).code).toBe('RATE_LIMITED');
    });
  });
}

describe('npm start on an empty data directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'registry-first-start-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /**
   * Starts `serve` as a newcomer would (logging at info, JSON lines on stdout), returns what it
   * printed on stderr (the terminal) once it listens, checks that stdout (the log stream) never
   * carries a sign-in code, runs `check` beside it, then stops it.
   */
  async function firstLines(
    check?: (env: NodeJS.ProcessEnv, base: string) => Promise<void>,
  ): Promise<string> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: join(dir, 'pglite'),
      PORT: '0',
      LOG_LEVEL: 'info',
    };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, ['bin/connector-registry.js', 'serve'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let log = '';
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      log += d.toString();
      out += d
        .toString()
        .split('\n')
        .filter((l) => l.startsWith('console on'))
        .map((l) => `${l}\n`)
        .join('');
    });
    const deadline = Date.now() + 60_000;
    while (
      !/console on .*\n/.test(out) ||
      (out.includes('empty registry') && !/sign-in#code=\S+\n/.test(out))
    ) {
      if (Date.now() > deadline) throw new Error(`serve printed: ${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const url = /sign-in#code=(\S+)/.exec(out);
    if (url) {
      const base = /console on (http:\/\/\S+?)\//.exec(out)![1];
      const r = await redeem(base, url[1]);
      expect(r.status).toBe(200);
    }
    if (check) await check(env, /console on (http:\/\/\S+?)\//.exec(out)![1]);
    // The log stream did carry log lines (written asynchronously: a loaded machine takes a while)…
    await expect.poll(() => log).toMatch(/"msg"/);
    expect(log).not.toMatch(/sic_/); // …and never a sign-in code
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    return out;
  }

  it('prints a sign-in link the first time only', async () => {
    const first = await firstLines();
    expect(first).toMatch(
      /Sign in \(one time, within 24 hours\):\s+http:\/\/127\.0\.0\.1:\d+\/sign-in#code=sic_/,
    );
    const second = await firstLines(async (env, base) => {
      // The CLI beside it, with its own PORT unset: the link names the running server's address.
      const cliEnv = { ...env };
      delete cliEnv.PORT;
      const made = await cli(cliEnv, 'sign-in-link', '--workspace', 'default', '--handle', 'admin');
      expect(made.code).toBe(0);
      expect(made.stdout.trim()).toMatch(
        new RegExp(`^${base.replace(/[.]/g, '\\.')}/sign-in#code=sic_`),
      );
      const code = /code=(\S+)/.exec(made.stdout)![1];
      expect((await redeem(base, code)).status).toBe(200);
    });
    expect(second).not.toMatch(/sign-in#code/);
  }, 150_000);
});
