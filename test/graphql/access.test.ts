import { beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { revokeToken, setMemberRole } from '../../src/domain/auth.js';
import { backends } from '../helpers/backends.js';
import { ok, useServer } from '../helpers/fixtures.js';
import { validCode } from '../fixtures/code.js';
import { CREATE, GET, RELEASE, SHARE, UPDATE } from '../helpers/documents.js';

for (const backend of await backends()) {
  describe(`authentication, roles and tenant isolation (${backend})`, () => {
    const t = useServer(backend);
    let connectorId: string;
    let versionId: string;

    beforeAll(async () => {
      const { connector } = await ok(t, t.tokens.admin, CREATE, {
        input: { title: 'Secret', code: validCode() },
      });
      connectorId = connector.id;
      const v = await ok(
        t,
        t.tokens.admin,
        `query($id: ID!) { connector(id: $id) { versions(first: 1) { nodes { id } } } }`,
        { id: connectorId },
      );
      versionId = v.versions.nodes[0].id;
    });

    /** Each write (document, variables, its payload's field), sent with `token`, is refused with `code`. */
    async function expectRefused(
      token: string,
      code: string,
      attempts: readonly (readonly [string, Record<string, unknown>, string])[],
    ) {
      for (const [doc, vars, field] of attempts) {
        const res = await t.gql(doc, vars, token);
        expect(res.body.data[field], field).toMatchObject({
          connector: null,
          userErrors: [{ code }],
        });
      }
    }

    it('needs a token to read or write', async () => {
      const read = await t.gql(`{ connectors(first: 5) { nodes { id } } }`);
      expect(read.status).toBe(401);
      expect(read.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const write = await t.gql(CREATE, { input: { title: 'x', code: validCode() } });
      expect(write.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const bad = await t.gql(`{ connectors(first: 5) { nodes { id } } }`, {}, 'crt_notarealtoken');
      expect(bad.status).toBe(401);
      expect(bad.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('stops a revoked token at once', async () => {
      const token = await t.token('acme', 'DEVELOPER', 'temp');
      expect((await t.gql(`{ connectors(first: 1) { totalCount } }`, {}, token)).status).toBe(200);
      const row = await t.server.registry.db.prisma.apiToken.findFirstOrThrow({
        where: { member: { handle: 'temp' } },
      });
      await revokeToken(t.server.registry.db.prisma, row.id);
      const after = await t.gql(`{ connectors(first: 1) { totalCount } }`, {}, token);
      expect(after.status).toBe(401);
    });

    it('applies a role change to the very next request of a token that was just used', async () => {
      const token = await t.token('acme', 'DEVELOPER', 'demoted');
      // Used a few times in a row: a token lookup the server may remember.
      for (let i = 0; i < 3; i++)
        expect((await t.gql(`{ connectors(first: 1) { totalCount } }`, {}, token)).status).toBe(
          200,
        );
      await setMemberRole(t.server.registry.db.prisma, {
        workspace: 'acme',
        handle: 'demoted',
        role: 'OPERATOR',
      });
      const write = await t.gql(
        CREATE,
        { input: { title: 'After demotion', code: validCode() } },
        token,
      );
      expect(write.body.data.createConnector.userErrors[0].code).toBe('FORBIDDEN');
      await setMemberRole(t.server.registry.db.prisma, {
        workspace: 'acme',
        handle: 'demoted',
        role: 'DEVELOPER',
      });
      const again = await t.gql(
        CREATE,
        { input: { title: 'Promoted again', code: validCode() } },
        token,
      );
      expect(again.body.data.createConnector.userErrors).toEqual([]);
    });

    // PostgreSQL only: there the announcements travel on a LISTEN connection that can drop.
    if (backend === 'postgres') {
      it('refuses a token revoked while the server could not hear announcements (its listening connection dropped)', async () => {
        const token = await t.token('acme', 'DEVELOPER', 'unheard');
        for (let i = 0; i < 3; i++)
          expect((await t.gql(`{ connectors(first: 1) { totalCount } }`, {}, token)).status).toBe(
            200,
          );
        const row = await t.server.registry.db.prisma.apiToken.findFirstOrThrow({
          where: { member: { handle: 'unheard' } },
        });
        const admin = new pg.Client({ connectionString: t.databaseUrl });
        await admin.connect();
        const listeners = `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %' AND pid <> pg_backend_pid()`;
        try {
          // Cut the gateway's LISTEN connection and revoke without any announcement (one sent now would be lost).
          const [{ pid }] = (await admin.query<{ pid: number }>(listeners)).rows;
          await admin.query('SELECT pg_terminate_backend($1)', [pid]);
          await admin.query('UPDATE api_tokens SET revoked_at = now() WHERE id = $1', [row.id]);
          // The gateway listens again (on a new connection) well within the cache's lifetime.
          for (let i = 0; i < 100; i++) {
            const now = (await admin.query<{ pid: number }>(listeners)).rows;
            if (now.length === 1 && now[0].pid !== pid) break;
            await new Promise((r) => setTimeout(r, 20));
          }
        } finally {
          await admin.end();
        }
        expect((await t.gql(`{ connectors(first: 1) { totalCount } }`, {}, token)).status).toBe(
          401,
        );
      });
    }

    it('stores tokens only as hashes', async () => {
      const rows = await t.server.registry.db.prisma.apiToken.findMany();
      for (const r of rows) {
        expect(r.tokenHash).toMatch(/^[0-9a-f]{64}$/);
        expect(Object.values(t.tokens)).not.toContain(r.tokenHash);
      }
    });

    it('lets OPERATOR read but not write', async () => {
      const read = await t.gql(GET, { id: connectorId }, t.tokens.operator);
      expect(read.body.data.connector!.title).toBe('Secret');
      await expectRefused(t.tokens.operator, 'FORBIDDEN', [
        [CREATE, { input: { title: 'x', code: validCode() } }, 'createConnector'],
        [UPDATE, { input: { id: connectorId, note: 'x' } }, 'updateConnector'],
        [RELEASE, { input: { id: connectorId } }, 'releaseConnector'],
        [SHARE, { input: { id: connectorId } }, 'shareConnector'],
      ]);
      const after = await t.gql(GET, { id: connectorId }, t.tokens.admin);
      expect(after.body.data.connector).toMatchObject({
        latestVersion: 1,
        latestReleasedVersion: null,
      });
    });

    it('lets DEVELOPER write', async () => {
      const res = await t.gql(
        UPDATE,
        { input: { id: connectorId, note: 'by dev' } },
        t.tokens.developer,
      );
      expect(res.body.data.updateConnector.connector!.latestVersion).toBe(2);
    });

    it('shows workspace B nothing of workspace A by ID, and lets it change nothing', async () => {
      const read = await t.gql(
        `query($id: ID!, $v: ID!) { connector(id: $id) { id } node(id: $id) { id } v: node(id: $v) { id } }`,
        { id: connectorId, v: versionId },
        t.tokens.other,
      );
      expect(read.body.errors).toBeUndefined();
      expect(read.body.data).toEqual({ connector: null, node: null, v: null });
      const list = await t.gql(
        `{ connectors(first: 100) { totalCount nodes { id } } }`,
        {},
        t.tokens.other,
      );
      expect(list.body.data.connectors).toEqual({ totalCount: 0, nodes: [] });
      await expectRefused(t.tokens.other, 'NOT_FOUND', [
        [
          UPDATE,
          { input: { id: connectorId, title: 'pwned', code: validCode({ title: 'x' }) } },
          'updateConnector',
        ],
        [RELEASE, { input: { id: connectorId } }, 'releaseConnector'],
        [SHARE, { input: { id: connectorId } }, 'shareConnector'],
      ]);
      const after = await t.gql(GET, { id: connectorId }, t.tokens.admin);
      expect(after.body.data.connector).toMatchObject({
        title: 'Secret',
        latestVersion: 2,
        latestReleasedVersion: null,
      });
    });
  });
}
