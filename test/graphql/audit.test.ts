import { beforeAll, describe, expect, it } from 'vitest';
import { authenticate, createToken, revokeToken, setMemberRole } from '../../src/domain/auth.js';
import {
  addCatalogApp,
  listConnector,
  reviewListing,
  unlistConnector,
} from '../../src/domain/community.js';
import type { DomainContext } from '../../src/domain/context.js';
import { updateConnector } from '../../src/domain/connectors.js';
import {
  deprecateVersion,
  rollbackRollout,
  setRollout,
  shareConnector,
  yankVersion,
} from '../../src/domain/rollout.js';
import { restoreVersion } from '../../src/domain/history.js';
import { installConnector, updateFromParent } from '../../src/domain/installs.js';
import { exportManifest, importManifest } from '../../src/domain/manifests.js';
import { markNotificationsRead } from '../../src/domain/notifications.js';
import { createShareLink, revokeShareLinks } from '../../src/domain/sharing.js';
import { registerWebhook, removeWebhook } from '../../src/domain/webhooks.js';
import { createConnector, releaseConnector } from '../../src/domain/connectors.js';
import { toGlobalId } from '../../src/domain/global-id.js';
import { backends } from '../helpers/backends.js';
import { useServer } from '../helpers/fixtures.js';
import { PNG_1PX, validCode } from '../fixtures/code.js';
import { CREATE, RELEASE, UPDATE } from '../helpers/documents.js';

const LOG = `query($first: Int, $after: String, $actions: [AuditAction!], $targetId: ID, $actor: String, $since: DateTime, $until: DateTime) {
  auditLog(first: $first, after: $after, actions: $actions, targetId: $targetId, actor: $actor, since: $since, until: $until) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { databaseId at action actorKind actor token workspace targetId requestId before after }
  }
}`;

type Entry = {
  databaseId: number;
  at: string;
  action: string;
  actorKind: string;
  actor: string;
  token: string | null;
  workspace: string | null;
  targetId: string | null;
  requestId: string | null;
  before: any;
  after: any;
};

for (const backend of await backends()) {
  describe(`audit log (${backend})`, () => {
    const t = useServer(backend, { WEBHOOK_ALLOW_HTTP_LOOPBACK: true });
    let ctx: (token: string) => Promise<DomainContext>;

    beforeAll(() => {
      const prisma = t.server.registry.db.prisma;
      ctx = async (token) => ({
        prisma,
        actor: await authenticate(prisma, token),
        requestId: 'test-request',
      });
    });

    async function log(token: string, vars: Record<string, unknown> = {}): Promise<Entry[]> {
      const res = await t.gql(LOG, { first: 100, ...vars }, token);
      expect(res.body.errors).toBeUndefined();
      return res.body.data.auditLog.nodes;
    }

    it('records changes made through the API with actor, target, request id and before/after, code only by its digest', async () => {
      const code = validCode({ title: 'Audited' });
      const created = await fetch(t.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${t.tokens.developer}`,
          'x-request-id': 'req-create-1',
        },
        body: JSON.stringify({
          query: CREATE,
          variables: { input: { title: 'Audited', code, note: 'first', logo: PNG_1PX } },
        }),
      }).then((r) => r.json());
      const id = created.data.createConnector.connector.id;
      const code2 = validCode({ title: 'Audited', actions: ['search', 'create'] });
      await t.gql(
        UPDATE,
        { input: { id, title: 'Audited 2', code: code2, note: 'second' } },
        t.tokens.admin,
      );
      await t.gql(RELEASE, { input: { id } }, t.tokens.admin);

      const entries = await log(t.tokens.admin, { targetId: id });
      expect(entries.map((e) => e.action)).toEqual([
        'VERSION_RELEASE',
        'CONNECTOR_UPDATE',
        'CONNECTOR_CREATE',
      ]);
      const [release, update, create] = entries;
      expect(create).toMatchObject({
        actorKind: 'MEMBER',
        actor: 'dave',
        workspace: 'acme',
        targetId: id,
        requestId: 'req-create-1',
        before: null,
      });
      expect(create.after).toMatchObject({ title: 'Audited', latestVersion: 1, note: 'first' });
      expect(create.after.codeSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(create.after.logoSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(create.token).toMatch(/.+/);
      // Only what changed, before and after; the code by its digest, never the code itself.
      expect(update.actor).toBe('alice');
      expect(update.before).toMatchObject({
        title: 'Audited',
        latestVersion: 1,
        note: 'first',
        codeSha256: create.after.codeSha256,
      });
      expect(update.after).toMatchObject({ title: 'Audited 2', latestVersion: 2, note: 'second' });
      expect(update.after.codeSha256).not.toBe(create.after.codeSha256);
      expect(Object.keys(update.after)).not.toContain('description');
      expect(release).toMatchObject({
        before: { releasedVersion: null },
        after: { releasedVersion: 2, codeSha256: update.after.codeSha256 },
      });
      expect(update.requestId).toMatch(/^[0-9a-f-]{36}$/); // no X-Request-Id given: the generated one
      const text = JSON.stringify(entries);
      expect(text).not.toContain(code.slice(0, 40));
      expect(text).not.toContain(PNG_1PX.slice(0, 40));
      expect(new Date(create.at).getTime()).toBeLessThanOrEqual(new Date(release.at).getTime());
    });

    it('appends nothing for a refused change (the entry is in the same transaction)', async () => {
      const c = await createConnector(await ctx(t.tokens.admin), {
        title: 'Twice',
        code: validCode({ title: 'Twice' }),
      });
      await releaseConnector(await ctx(t.tokens.admin), c.id);
      const before = await log(t.tokens.admin, { targetId: toGlobalId('Connector', c.id) });
      const again = await t.gql(
        RELEASE,
        { input: { id: toGlobalId('Connector', c.id) } },
        t.tokens.admin,
      );
      expect(again.body.data.releaseConnector.userErrors[0].code).toBe('ALREADY_RELEASED');
      // A no-op update is not a change either.
      await updateConnector(await ctx(t.tokens.admin), c.id, { title: 'Twice' });
      expect(await log(t.tokens.admin, { targetId: toGlobalId('Connector', c.id) })).toEqual(
        before,
      );
    });

    it('records every kind of state change', async () => {
      const a = await ctx(t.tokens.admin);
      const b = await ctx(t.tokens.other);
      const r = await ctx(t.tokens.reviewer);
      const c = await createConnector(a, {
        title: 'Everything',
        code: validCode({ title: 'Everything' }),
      });
      await releaseConnector(a, c.id);
      await shareConnector(a, c.id);
      await updateConnector(a, c.id, {
        code: validCode({ title: 'Everything', actions: ['two'] }),
      });
      await releaseConnector(a, c.id);
      await shareConnector(a, c.id, { rolloutPercent: 10 });
      await setRollout(a, c.id, 20);
      await rollbackRollout(a, c.id);
      await deprecateVersion(a, c.id, 1, { message: 'superseded' });
      await yankVersion(a, c.id, 1);
      await yankVersion(a, c.id, 1, false);
      await restoreVersion(a, c.id, 1, { release: true });
      const { token: linkToken } = await createShareLink(a, c.id);
      const copy = await installConnector(b, { linkToken });
      await revokeShareLinks(a, c.id);
      await addCatalogApp(r, 'AuditApp');
      const listing = await listConnector(a, c.id, { appName: 'AuditApp', categories: ['CRM'] });
      await reviewListing(r, listing.id, 'APPROVE');
      await unlistConnector(a, c.id);
      await updateConnector(a, c.id, {
        code: validCode({ title: 'Everything', actions: ['three'] }),
      });
      await releaseConnector(a, c.id);
      await shareConnector(a, c.id);
      const notes = await t.server.registry.db.prisma.notification.findMany({
        where: { workspace: { slug: 'beta' } },
      });
      await markNotificationsRead(
        b,
        notes.map((n) => n.id),
      );
      await updateFromParent(b, copy.id);
      const hook = await registerWebhook(
        a,
        { url: 'http://127.0.0.1:9/hook', events: ['version.created'] },
        { allowHttpLoopback: true },
      );
      await removeWebhook(a, hook.webhook.id);
      const manifest = await exportManifest(a, [c.id]);
      await importManifest(b, manifest);
      const minted = await createToken(t.server.registry.db.prisma, {
        workspace: 'acme',
        handle: 'newbie',
        role: 'DEVELOPER',
      });
      await setMemberRole(t.server.registry.db.prisma, {
        workspace: 'acme',
        handle: 'newbie',
        role: 'OPERATOR',
      });
      await revokeToken(t.server.registry.db.prisma, minted.tokenId);

      const acme = new Set((await log(t.tokens.admin)).map((e) => e.action));
      for (const action of [
        'CONNECTOR_CREATE',
        'VERSION_RELEASE',
        'CONNECTOR_SHARE',
        'CONNECTOR_UPDATE',
        'ROLLOUT_SET',
        'ROLLOUT_ROLLBACK',
        'VERSION_DEPRECATE',
        'VERSION_YANK',
        'VERSION_UNYANK',
        'VERSION_RESTORE',
        'SHARE_LINK_CREATE',
        'SHARE_LINK_REVOKE',
        'LISTING_SUBMIT',
        'LISTING_REVIEW',
        'LISTING_UNLIST',
        'WEBHOOK_REGISTER',
        'WEBHOOK_REMOVE',
        'MEMBER_CREATE',
        'TOKEN_CREATE',
        'MEMBER_ROLE_CHANGE',
        'TOKEN_REVOKE',
      ])
        expect(acme, action).toContain(action);
      const beta = new Set((await log(t.tokens.other)).map((e) => e.action));
      for (const action of [
        'CONNECTOR_INSTALL',
        'NOTIFICATIONS_READ',
        'UPDATE_FROM_PARENT',
        'MANIFEST_IMPORT',
      ])
        expect(beta, action).toContain(action);
      // Nothing of acme's in beta's log and the other way round.
      expect((await log(t.tokens.other)).every((e) => e.workspace === 'beta')).toBe(true);

      const [role] = await log(t.tokens.admin, { actions: ['MEMBER_ROLE_CHANGE'] });
      expect(role).toMatchObject({
        actorKind: 'CLI',
        actor: 'cli',
        before: { handle: 'newbie', role: 'DEVELOPER' },
        after: { handle: 'newbie', role: 'OPERATOR' },
      });
      const [webhook] = await log(t.tokens.admin, { actions: ['WEBHOOK_REGISTER'] });
      expect(JSON.stringify(webhook)).not.toContain(hook.secret);
      const [review] = await log(t.tokens.admin, { actions: ['LISTING_REVIEW'] });
      expect(review).toMatchObject({
        actorKind: 'REVIEWER',
        actor: 'rita',
        targetId: toGlobalId('Listing', listing.id),
        before: { status: 'PENDING' },
        after: { status: 'APPROVED' },
      });
    });

    it('filters by action, target, actor and time, and pages with first/after', async () => {
      const a = await ctx(t.tokens.admin);
      const start = new Date();
      const ids = [];
      for (const title of ['Page 1', 'Page 2', 'Page 3'])
        ids.push((await createConnector(a, { title, code: validCode({ title }) })).id);
      const created = await log(t.tokens.admin, {
        actions: ['CONNECTOR_CREATE'],
        since: start.toISOString(),
      });
      expect(created.map((e) => e.targetId)).toEqual(
        ids.reverse().map((id) => toGlobalId('Connector', id)),
      );
      expect(
        await log(t.tokens.admin, {
          actions: ['CONNECTOR_CREATE'],
          until: new Date(start.getTime() - 60_000).toISOString(),
          since: new Date(start.getTime() - 120_000).toISOString(),
        }),
      ).toEqual([]);
      expect((await log(t.tokens.admin, { actor: 'dave' })).every((e) => e.actor === 'dave')).toBe(
        true,
      );
      expect((await log(t.tokens.admin, { actor: 'dave' })).length).toBeGreaterThan(0);

      const first = await t.gql(
        LOG,
        { first: 2, actions: ['CONNECTOR_CREATE'], since: start.toISOString() },
        t.tokens.admin,
      );
      expect(first.body.data.auditLog.totalCount).toBe(3);
      expect(first.body.data.auditLog.pageInfo.hasNextPage).toBe(true);
      const rest = await t.gql(
        LOG,
        {
          first: 2,
          after: first.body.data.auditLog.pageInfo.endCursor,
          actions: ['CONNECTOR_CREATE'],
          since: start.toISOString(),
        },
        t.tokens.admin,
      );
      expect(rest.body.data.auditLog.nodes.map((e: Entry) => e.targetId)).toEqual([
        toGlobalId('Connector', ids[2]),
      ]);

      const bad = await t.gql(LOG, { first: 5, actions: ['NOPE'] }, t.tokens.admin);
      expect(bad.body.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
      const unbounded = await t.gql(`{ auditLog { totalCount } }`, {}, t.tokens.admin);
      expect(unbounded.body.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('is for ADMINs of the workspace; reviewers read review actions only', async () => {
      for (const token of [t.tokens.developer, t.tokens.operator]) {
        const res = await t.gql(LOG, { first: 5 }, token);
        expect(res.body.errors![0].extensions?.code).toBe('FORBIDDEN');
        expect(res.body.data?.auditLog ?? null).toBeNull();
      }
      expect((await t.gql(LOG, { first: 5 })).body.errors![0].extensions?.code).toBe(
        'UNAUTHENTICATED',
      );
      const seen = await log(t.tokens.reviewer);
      expect(seen.length).toBeGreaterThan(0);
      expect(new Set(seen.map((e) => e.action))).toEqual(
        new Set(['LISTING_SUBMIT', 'LISTING_REVIEW', 'LISTING_UNLIST', 'CATALOG_APP_ADD']),
      );
    });

    it('cannot be changed or deleted, not even with SQL on the database', async () => {
      const sql = t.server.registry.db.sql;
      const [{ n }] = await sql.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM audit_entries',
      );
      await expect(sql.query(`UPDATE audit_entries SET actor_handle = 'mallory'`)).rejects.toThrow(
        /append-only/,
      );
      await expect(sql.query('DELETE FROM audit_entries')).rejects.toThrow(/append-only/);
      await expect(sql.query('TRUNCATE audit_entries')).rejects.toThrow(/append-only/);
      // Not even in a session that claims to be a replica (the triggers are ENABLE ALWAYS).
      for (const statement of [
        'DELETE FROM audit_entries',
        `UPDATE audit_entries SET actor_handle = 'mallory'`,
        'TRUNCATE audit_entries',
      ]) {
        await expect(
          sql.transaction(async (tx) => {
            await tx.query(`SET LOCAL session_replication_role = replica`);
            await tx.query(statement);
          }),
          statement,
        ).rejects.toThrow(/append-only/);
      }
      const [{ n: after }] = await sql.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM audit_entries',
      );
      expect(after).toBe(n);
      const [{ m }] = await sql.query<{ m: number }>(
        `SELECT count(*)::int AS m FROM audit_entries WHERE actor_handle = 'mallory'`,
      );
      expect(m).toBe(0);
      // And no mutation of the API writes the log.
      const schema = await t.gql(
        `{ __type(name: "Mutation") { fields { name } } }`,
        {},
        t.tokens.admin,
      );
      expect(
        schema.body.data.__type.fields
          .map((f: { name: string }) => f.name)
          .filter((n: string) => /audit/i.test(n)),
      ).toEqual([]);
    });
  });
}
