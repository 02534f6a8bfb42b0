import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../src/domain/workspaces.js';
import { backends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { validCode } from '../fixtures/code.js';
import { CREATE, RELEASE, UPDATE } from '../helpers/documents.js';
import { releasedConnector } from '../helpers/fixtures.js';

const OEM_SHARE = `mutation($id: ID!) { oemShareConnector(input: { id: $id }) {
  connector { id oemSharedVersion oemSharedAt latestReleasedVersion }
  userErrors { code message } } }`;
const refusal = (res: { body: { data?: any } }) =>
  res.body.data.oemShareConnector.userErrors[0]?.code;
const COPIES = `{ connectors(first: 10) { totalCount nodes { id title latestVersion latestReleasedVersion oemSharedVersion
  installedFrom { source initialVersion baseVersion parent { title } }
  versions(first: 10) { nodes { number code releasedAt } } } } }`;
const OEM_STATE = `query($id: ID!) { connector(id: $id) { oemSharedVersion oemSharedAt } }`;

for (const backend of await backends()) {
  describe(`OEM sharing with managed workspaces (${backend})`, () => {
    let t: TestServer;
    let partner: string;
    let partnerOps: string;
    let custA: string;
    let custB: string;
    let outsider: string;

    beforeAll(async () => {
      t = await startTestServer(backend);
      const prisma = t.server.registry.db.prisma;
      partner = await t.token('embedco', 'ADMIN', 'pia');
      partnerOps = await t.token('embedco', 'OPERATOR', 'otto');
      await createWorkspace(prisma, { slug: 'cust-a', managedBy: 'embedco' });
      await createWorkspace(prisma, { slug: 'cust-b', managedBy: 'embedco' });
      custA = await t.token('cust-a', 'ADMIN', 'ann');
      custB = await t.token('cust-b', 'DEVELOPER', 'ben');
      outsider = await t.token('outsider', 'ADMIN', 'olaf');
    });
    afterAll(() => t.close());

    it('shares the latest released version with every managed workspace, as a released copy tracked like an install, and later versions replace it', async () => {
      const code1 = validCode({ title: 'Embedded' });
      const created = await t.gql(
        CREATE,
        { input: { title: 'Embedded', code: code1, note: 'v1' } },
        partner,
      );
      const id = created.body.data.createConnector.connector!.id;
      expect(created.body.data.createConnector.connector).toMatchObject({
        oemSharedVersion: null,
        oemSharedAt: null,
      });

      const early = await t.gql(OEM_SHARE, { id }, partner);
      expect(refusal(early)).toBe('NOTHING_RELEASED');
      expect(early.body.data.oemShareConnector.connector).toBeNull();
      expect((await t.gql(COPIES, {}, custA)).body.data.connectors.totalCount).toBe(0);

      await t.gql(RELEASE, { input: { id } }, partner);
      const before = Date.now();
      const shared = await t.gql(OEM_SHARE, { id }, partner);
      expect(shared.body.data.oemShareConnector.userErrors).toEqual([]);
      const c = shared.body.data.oemShareConnector.connector;
      expect(c.oemSharedVersion).toBe(1);
      expect(new Date(c.oemSharedAt).getTime()).toBeGreaterThanOrEqual(before - 5_000);
      expect((await t.gql(OEM_STATE, { id }, partner)).body.data.connector).toEqual({
        oemSharedVersion: 1,
        oemSharedAt: c.oemSharedAt,
      });

      const again = await t.gql(OEM_SHARE, { id }, partner);
      expect(refusal(again)).toBe('ALREADY_OEM_SHARED');

      for (const token of [custA, custB]) {
        const copies = (await t.gql(COPIES, {}, token)).body.data.connectors;
        expect(copies.totalCount).toBe(1);
        expect(copies.nodes[0]).toMatchObject({
          title: 'Embedded',
          latestVersion: 1,
          latestReleasedVersion: 1,
          installedFrom: {
            source: 'OEM',
            initialVersion: 1,
            baseVersion: 1,
            parent: { title: 'Embedded' },
          },
        });
        expect(copies.nodes[0].versions.nodes[0]).toMatchObject({ number: 1, code: code1 });
        expect(copies.nodes[0].versions.nodes[0].releasedAt).not.toBeNull();
      }
      expect((await t.gql(COPIES, {}, outsider)).body.data.connectors.totalCount).toBe(0);
      const copyId = (await t.gql(COPIES, {}, custA)).body.data.connectors.nodes[0].id;

      // A new released version, OEM-shared: each copy gets it as its new released version.
      const code2 = validCode({ title: 'Embedded', actions: ['search', 'sync'] });
      await t.gql(UPDATE, { input: { id, code: code2, note: 'v2' } }, partner);
      // Released-but-unchanged is still "already OEM-shared": version 2 is not released yet.
      expect(refusal(await t.gql(OEM_SHARE, { id }, partner))).toBe('ALREADY_OEM_SHARED');
      await t.gql(RELEASE, { input: { id } }, partner);
      expect(
        (await t.gql(OEM_SHARE, { id }, partner)).body.data.oemShareConnector.connector
          .oemSharedVersion,
      ).toBe(2);
      const copies = (await t.gql(COPIES, {}, custA)).body.data.connectors;
      expect(copies.totalCount).toBe(1);
      expect(copies.nodes[0]).toMatchObject({
        id: copyId,
        latestVersion: 2,
        latestReleasedVersion: 2,
        installedFrom: { initialVersion: 1, baseVersion: 2 },
      });
      expect(copies.nodes[0].versions.nodes[0]).toMatchObject({ number: 2, code: code2 });

      // A workspace the partner starts managing later gets the OEM-shared version at once.
      const late = await createWorkspace(t.server.registry.db.prisma, {
        slug: 'cust-late',
        managedBy: 'embedco',
      });
      expect(late.copies).toBe(1);
      const lateToken = await t.token('cust-late', 'ADMIN', 'lou');
      const lateCopies = (await t.gql(COPIES, {}, lateToken)).body.data.connectors;
      expect(lateCopies.nodes[0]).toMatchObject({
        latestVersion: 1,
        latestReleasedVersion: 1,
        installedFrom: { source: 'OEM', baseVersion: 2 },
      });
      expect(lateCopies.nodes[0].versions.nodes[0].code).toBe(code2);

      // The audit log shows the share in the partner's log and each copy in its workspace's.
      const AUDIT = `{ auditLog(first: 20, actions: [OEM_SHARE, OEM_COPY]) { nodes { action targetId after } } }`;
      const partnerLog = (await t.gql(AUDIT, {}, partner)).body.data.auditLog.nodes;
      expect(partnerLog.map((e: { action: string }) => e.action)).toEqual([
        'OEM_SHARE',
        'OEM_SHARE',
      ]);
      expect(partnerLog[0]).toMatchObject({
        targetId: id,
        after: { oemSharedVersion: 2, managedWorkspaces: 2 },
      });
      const custLog = (await t.gql(AUDIT, {}, custA)).body.data.auditLog.nodes;
      expect(
        custLog.map((e: { action: string; targetId: string }) => [e.action, e.targetId]),
      ).toEqual([
        ['OEM_COPY', copyId],
        ['OEM_COPY', copyId],
      ]);
    });

    it('refuses read-only roles, and connectors of other workspaces', async () => {
      const id = await releasedConnector(t, partner, { title: 'Guarded', share: false });
      expect(refusal(await t.gql(OEM_SHARE, { id }, partnerOps))).toBe('FORBIDDEN');
      expect(refusal(await t.gql(OEM_SHARE, { id }, custB))).toBe('NOT_FOUND');
      expect(refusal(await t.gql(OEM_SHARE, { id: 'nope' }, partner))).toBe('NOT_FOUND');
      expect((await t.gql(OEM_STATE, { id }, partner)).body.data.connector).toEqual({
        oemSharedVersion: null,
        oemSharedAt: null,
      });
      expect(
        (await t.gql(COPIES, {}, custB)).body.data.connectors.nodes.map(
          (n: { title: string }) => n.title,
        ),
      ).not.toContain('Guarded');
    });

    it('a workspace without managed workspaces can still OEM-share (nothing is copied)', async () => {
      const id = await releasedConnector(t, outsider, { title: 'Lonely', share: false });
      expect(
        (await t.gql(OEM_SHARE, { id }, outsider)).body.data.oemShareConnector.connector
          .oemSharedVersion,
      ).toBe(1);
    });
  });
}
