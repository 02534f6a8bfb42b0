import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeToken } from '../../src/domain/auth.js';
import { backends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { validCode } from '../fixtures/code.js';
import { CREATE, GET, RELEASE, SHARE, UPDATE } from './ops.js';

for (const backend of await backends()) {
  describe(`authentication, roles and tenant isolation (${backend})`, () => {
    let t: TestServer;
    let adminA: string;
    let operatorA: string;
    let developerA: string;
    let adminB: string;
    let connectorId: string;
    let versionId: string;

    beforeAll(async () => {
      t = await startTestServer(backend);
      adminA = await t.token('team-a', 'ADMIN', 'ann');
      operatorA = await t.token('team-a', 'OPERATOR', 'otto');
      developerA = await t.token('team-a', 'DEVELOPER', 'dev');
      adminB = await t.token('team-b', 'ADMIN', 'bob');
      const res = await t.gql(CREATE, { input: { title: 'Secret', code: validCode() } }, adminA);
      connectorId = res.body.data.createConnector.connector.id;
      const v = await t.gql(`query($id: ID!) { connector(id: $id) { versions(first: 1) { nodes { id } } } }`, { id: connectorId }, adminA);
      versionId = v.body.data.connector.versions.nodes[0].id;
    });
    afterAll(() => t.close());

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
      const token = await t.token('team-a', 'DEVELOPER', 'temp');
      expect((await t.gql(`{ connectors(first: 1) { totalCount } }`, {}, token)).status).toBe(200);
      const row = await t.server.registry.db.prisma.apiToken.findFirstOrThrow({ where: { member: { handle: 'temp' } } });
      await revokeToken(t.server.registry.db.prisma, row.id);
      const after = await t.gql(`{ connectors(first: 1) { totalCount } }`, {}, token);
      expect(after.status).toBe(401);
    });

    it('stores tokens only as hashes', async () => {
      const rows = await t.server.registry.db.prisma.apiToken.findMany();
      for (const r of rows) {
        expect(r.tokenHash).toMatch(/^[0-9a-f]{64}$/);
        expect([adminA, operatorA, developerA, adminB]).not.toContain(r.tokenHash);
      }
    });

    it('lets OPERATOR read but not write', async () => {
      const read = await t.gql(GET, { id: connectorId }, operatorA);
      expect(read.body.data.connector.title).toBe('Secret');
      const attempts = [
        [CREATE, { input: { title: 'x', code: validCode() } }, 'createConnector'],
        [UPDATE, { input: { id: connectorId, note: 'x' } }, 'updateConnector'],
        [RELEASE, { id: connectorId }, 'releaseConnector'],
        [SHARE, { id: connectorId }, 'shareConnector'],
      ] as const;
      for (const [doc, vars, field] of attempts) {
        const res = await t.gql(doc, vars, operatorA);
        expect(res.body.data[field], field).toMatchObject({ connector: null, userErrors: [{ code: 'FORBIDDEN' }] });
      }
      const after = await t.gql(GET, { id: connectorId }, adminA);
      expect(after.body.data.connector).toMatchObject({ latestVersion: 1, latestReleasedVersion: null });
    });

    it('lets DEVELOPER write', async () => {
      const res = await t.gql(UPDATE, { input: { id: connectorId, note: 'by dev' } }, developerA);
      expect(res.body.data.updateConnector.connector.latestVersion).toBe(2);
    });

    it('shows workspace B nothing of workspace A by ID, and lets it change nothing', async () => {
      const read = await t.gql(`query($id: ID!, $v: ID!) { connector(id: $id) { id } node(id: $id) { id } v: node(id: $v) { id } }`, { id: connectorId, v: versionId }, adminB);
      expect(read.body.errors).toBeUndefined();
      expect(read.body.data).toEqual({ connector: null, node: null, v: null });
      const list = await t.gql(`{ connectors(first: 100) { totalCount nodes { id } } }`, {}, adminB);
      expect(list.body.data.connectors).toEqual({ totalCount: 0, nodes: [] });
      const attempts = [
        [UPDATE, { input: { id: connectorId, title: 'pwned', code: validCode({ title: 'x' }) } }, 'updateConnector'],
        [RELEASE, { id: connectorId }, 'releaseConnector'],
        [SHARE, { id: connectorId }, 'shareConnector'],
      ] as const;
      for (const [doc, vars, field] of attempts) {
        const res = await t.gql(doc, vars, adminB);
        expect(res.body.data[field], field).toMatchObject({ connector: null, userErrors: [{ code: 'NOT_FOUND' }] });
      }
      const after = await t.gql(GET, { id: connectorId }, adminA);
      expect(after.body.data.connector).toMatchObject({ title: 'Secret', latestVersion: 2, latestReleasedVersion: null });
    });
  });
}
