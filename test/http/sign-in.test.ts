import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapEmptyRegistry, createSignInCode } from '../../src/domain/sign-in-links.js';
import { backends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const VIEWER = '{ viewer { member { handle role } workspace { slug } canWrite canViewSource canReview } }';

async function redeem(base: string, code: unknown) {
  const res = await fetch(`${base}/auth/sign-in-link`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

for (const backend of await backends()) {
  describe(`one-time sign-in links (${backend})`, () => {
    let t: TestServer;
    let base: string;
    beforeAll(async () => {
      t = await startTestServer(backend);
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
      expect(me.body.data.viewer).toEqual({ member: { handle: 'admin', role: 'ADMIN' }, workspace: { slug: 'default' }, canWrite: true, canViewSource: true, canReview: false });

      // Single use.
      const again = await redeem(base, first!.code);
      expect(again.status).toBe(400);
      expect(again.body.code).toBe('INVALID_INPUT');
    });

    it('expired, unknown and malformed codes are refused alike and mint nothing', async () => {
      const prisma = t.server.registry.db.prisma;
      await t.token('acme', 'OPERATOR', 'olga');
      const expired = await createSignInCode(prisma, { workspace: 'acme', handle: 'olga', ttlMs: -1000 });
      const tokensBefore = await prisma.apiToken.count();
      for (const code of [expired.code, 'sic_unknown', 'crt_not-a-code', 42, '']) {
        const r = await redeem(base, code);
        expect(r.status).toBe(400);
        expect(r.body.token).toBeUndefined();
      }
      expect(await prisma.apiToken.count()).toBe(tokensBefore);
      const res = await fetch(`${base}/auth/sign-in-link`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
      expect(res.status).toBe(400);
    });

    it('a link signs in the member it was made for, with their role', async () => {
      const { code } = await createSignInCode(t.server.registry.db.prisma, { workspace: 'acme', handle: 'olga' });
      const r = await redeem(base, code);
      const me = await t.gql(VIEWER, {}, r.body.token);
      expect(me.body.data.viewer).toMatchObject({ member: { handle: 'olga', role: 'OPERATOR' }, canWrite: false, canViewSource: false });
    });

    it('two tabs racing with one link get one token', async () => {
      const { code } = await createSignInCode(t.server.registry.db.prisma, { workspace: 'acme', handle: 'olga' });
      const results = await Promise.all([redeem(base, code), redeem(base, code), redeem(base, code)]);
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    });
  });
}

describe('npm start on an empty data directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'registry-first-start-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Starts `serve` as a newcomer would, returns what it printed once it listens, then stops it. */
  async function firstLines(): Promise<string> {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: join(dir, 'pglite'), PORT: '0', LOG_LEVEL: 'silent' };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, ['bin/connector-registry.js', 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 60_000;
    while (!/console on .*\n/.test(out) || (out.includes('empty registry') && !/sign-in#code=\S+\n/.test(out))) {
      if (Date.now() > deadline) throw new Error(`serve printed: ${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const url = /sign-in#code=(\S+)/.exec(out);
    if (url) {
      const base = /console on (http:\/\/\S+?)\//.exec(out)![1];
      const r = await redeem(base, url[1]);
      expect(r.status).toBe(200);
    }
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    return out;
  }

  it('prints a sign-in link the first time only', async () => {
    const first = await firstLines();
    expect(first).toMatch(/Sign in \(one time, within 24 hours\):\s+http:\/\/127\.0\.0\.1:\d+\/sign-in#code=sic_/);
    const second = await firstLines();
    expect(second).not.toMatch(/sign-in#code/);
  }, 150_000);
});
