import { beforeAll, describe, expect, it } from 'vitest';
import { rolloutBucket } from '../../src/domain/rollout.js';
import { backends } from '../helpers/backends.js';
import { type TestWorkspace, useServer, workspaces } from '../helpers/fixtures.js';
import { validCode } from '../fixtures/code.js';
import { CREATE, RELEASE, UPDATE } from '../helpers/documents.js';

const ERR = `userErrors { code message field detail }`;
const SHARE_AT = `mutation($id: ID!, $p: Int) { shareConnector(input: { id: $id, rolloutPercent: $p }) { connector { latestSharedVersion rolloutVersion rolloutPercent } ${ERR} } }`;
const LINK_LIMITED = `mutation($id: ID!, $exp: DateTime, $max: Int) { createShareLink(input: { id: $id, expiresAt: $exp, maxInstalls: $max }) { token ${ERR} } }`;
const INSTALL_BY_LINK = `mutation($t: String!) { installConnector(input: { linkToken: $t }) { connector { id latestVersion versions(first: 1) { nodes { code sha256 } } installedFrom { initialVersion baseVersion } } ${ERR} } }`;
const UPDATE_FROM_PARENT = `mutation($id: ID!, $r: ConflictResolution) { updateFromParent(input: { id: $id, resolve: $r }) {
  connector { latestVersion latestReleasedVersion latestVersionNote installedFrom { baseVersion } versions(first: 1) { nodes { code } } }
  conflicts { ours { start end text } base { start end text } theirs { start end text } }
  ${ERR} } }`;
const NOTES = `{ notifications(first: 50, unreadOnly: true) { nodes { parentVersion connector { id } changes { level breaking changes { message } } } } }`;

for (const backend of await backends()) {
  describe(`safe upgrades (${backend})`, () => {
    const t = useServer(backend);
    let installers: TestWorkspace[];
    beforeAll(async () => {
      installers = await workspaces(t, 'ws-', 12);
    });

    async function publish(code: string, title = 'Upgradable') {
      const c = (await t.gql(CREATE, { input: { title, code, note: 'v1' } }, t.tokens.admin)).body
        .data.createConnector.connector;
      await t.gql(RELEASE, { input: { id: c!.id } }, t.tokens.admin);
      expect(
        (await t.gql(SHARE_AT, { id: c!.id }, t.tokens.admin)).body.data.shareConnector.userErrors,
      ).toEqual([]);
      const token = (await t.gql(LINK_LIMITED, { id: c!.id }, t.tokens.admin)).body.data
        .createShareLink.token;
      return { id: c!.id as string, databaseId: c!.databaseId as number, token: token as string };
    }

    async function newVersion(id: string, code: string, note: string, rolloutPercent?: number) {
      await t.gql(UPDATE, { input: { id, code, note } }, t.tokens.admin);
      await t.gql(RELEASE, { input: { id } }, t.tokens.admin);
      return t.gql(SHARE_AT, { id, p: rolloutPercent }, t.tokens.admin);
    }

    it('merges the parent update into an edited copy, reports conflicts without writing, and resolves them on request', async () => {
      const base = validCode({ title: 'Merge' });
      const parent = await publish(base, 'Merge me');
      const ws = installers[0];
      const copy = (await t.gql(INSTALL_BY_LINK, { t: parent.token }, ws.token)).body.data
        .installConnector.connector;
      // The installer customises the title line; the publisher changes the base URI.
      const ours = base.replace("title: 'Merge'", "title: 'Merge (ours)'");
      await t.gql(UPDATE, { input: { id: copy.id, code: ours, note: 'local' } }, ws.token);
      await t.gql(RELEASE, { input: { id: copy.id } }, ws.token);
      const theirs = base.replace('.acme.test"', '.acme.example"');
      await newVersion(parent.id, theirs, 'new host');

      const clean = await t.gql(UPDATE_FROM_PARENT, { id: copy.id }, ws.token);
      const merged = clean.body.data.updateFromParent.connector;
      expect(merged).toMatchObject({
        latestVersion: 3,
        latestReleasedVersion: 2,
        latestVersionNote: 'Merged version 2 of the parent: new host',
        installedFrom: { baseVersion: 2 },
      });
      expect(merged.versions.nodes[0].code).toContain("title: 'Merge (ours)'");
      expect(merged.versions.nodes[0].code).toContain('.acme.example"');

      // Both sides now change the same line.
      const ours2 = merged.versions.nodes[0].code.replace("get('/me')", "get('/me?mine')");
      await t.gql(UPDATE, { input: { id: copy.id, code: ours2 } }, ws.token);
      await newVersion(parent.id, theirs.replace("get('/me')", "get('/me?theirs')"), 'me endpoint');
      const conflict = await t.gql(UPDATE_FROM_PARENT, { id: copy.id }, ws.token);
      const line = ours2.split('\n').findIndex((l: string) => l.includes("get('/me?mine')")) + 1;
      expect(conflict.body.data.updateFromParent).toMatchObject({
        connector: null,
        userErrors: [{ code: 'MERGE_CONFLICT', field: ['input', 'resolve'] }],
        conflicts: [
          {
            ours: { start: line, end: line, text: "    get('/me?mine')" },
            theirs: { text: "    get('/me?theirs')" },
            base: { text: "    get('/me')" },
          },
        ],
      });
      const unchanged = await t.gql(
        `query($id: ID!) { connector(id: $id) { latestVersion installedFrom { baseVersion } } }`,
        { id: copy.id },
        ws.token,
      );
      expect(unchanged.body.data.connector).toEqual({
        latestVersion: 4,
        installedFrom: { baseVersion: 2 },
      });

      const resolved = await t.gql(UPDATE_FROM_PARENT, { id: copy.id, r: 'THEIRS' }, ws.token);
      const code = resolved.body.data.updateFromParent.connector.versions.nodes[0].code;
      expect(code).toContain("get('/me?theirs')");
      expect(code).toContain("title: 'Merge (ours)'");
      expect(resolved.body.data.updateFromParent.connector.installedFrom.baseVersion).toBe(3);
    });

    it('names breaking changes on diffs, on the share preview and on update notifications', async () => {
      const parent = await publish(
        validCode({ actions: ['search_records', 'create_record'] }),
        'Breaking',
      );
      const ws = installers[1];
      const copy = (await t.gql(INSTALL_BY_LINK, { t: parent.token }, ws.token)).body.data
        .installConnector.connector;
      await t.gql(
        UPDATE,
        {
          input: {
            id: parent.id,
            code: validCode({ actions: ['search_records'] }),
            note: 'drop create',
          },
        },
        t.tokens.admin,
      );
      await t.gql(RELEASE, { input: { id: parent.id } }, t.tokens.admin);
      const preview = await t.gql(
        `query($id: ID!) { connector(id: $id) { sharePreview { level changes { breaking message } } diff(from: 1, to: 2) { compatibility { level } } } }`,
        { id: parent.id },
        t.tokens.admin,
      );
      expect(preview.body.data.connector.sharePreview).toEqual({
        level: 'BREAKING',
        changes: [
          { breaking: true, message: "The action 'create_record' was removed (or renamed)." },
        ],
      });
      expect(preview.body.data.connector.diff.compatibility.level).toBe('BREAKING');
      await t.gql(SHARE_AT, { id: parent.id }, t.tokens.admin);
      const notes = (await t.gql(NOTES, {}, ws.token)).body.data.notifications.nodes.filter(
        (n: any) => n.connector.id === copy.id,
      );
      expect(notes).toEqual([
        {
          parentVersion: 2,
          connector: { id: copy.id },
          changes: {
            level: 'BREAKING',
            breaking: true,
            changes: [{ message: "The action 'create_record' was removed (or renamed)." }],
          },
        },
      ]);
    });

    it('rolls a share out to a stable share of installers, widens it, and rolls it back', async () => {
      const parent = await publish(validCode({ title: 'Rollout' }), 'Rollout');
      const copies = new Map<string, string>();
      for (const ws of installers)
        copies.set(
          ws.slug,
          (await t.gql(INSTALL_BY_LINK, { t: parent.token }, ws.token)).body.data.installConnector
            .connector.id,
        );
      const share = await newVersion(parent.id, validCode({ title: 'Rollout v2' }), 'v2', 30);
      expect(share.body.data.shareConnector.connector).toMatchObject({
        latestSharedVersion: 1,
        rolloutVersion: 2,
        rolloutPercent: 30,
      });

      const bucketOf = (ws: (typeof installers)[number]) => rolloutBucket(parent.databaseId, ws.id);
      const notified = async () => {
        const out: string[] = [];
        for (const ws of installers) {
          const nodes = (await t.gql(NOTES, {}, ws.token)).body.data.notifications.nodes;
          if (
            nodes.some((n: any) => n.connector.id === copies.get(ws.slug) && n.parentVersion === 2)
          )
            out.push(ws.slug);
        }
        return out;
      };
      const in30 = installers.filter((ws) => bucketOf(ws) < 30).map((ws) => ws.slug);
      expect(await notified()).toEqual(in30);
      // Stable: asking again changes nothing; the selected workspaces get v2, the others stay on v1.
      expect(await notified()).toEqual(in30);
      for (const ws of installers) {
        const res = await t.gql(UPDATE_FROM_PARENT, { id: copies.get(ws.slug) }, ws.token);
        if (in30.includes(ws.slug))
          expect(res.body.data.updateFromParent.connector.installedFrom.baseVersion).toBe(2);
        else expect(res.body.data.updateFromParent.userErrors[0].code).toBe('UP_TO_DATE');
      }

      const widened = await t.gql(
        `mutation($id: ID!) { setRollout(input: { id: $id, rolloutPercent: 70 }) { connector { rolloutPercent } } }`,
        { id: parent.id },
        t.tokens.admin,
      );
      expect(widened.body.data.setRollout.connector.rolloutPercent).toBe(70);
      const in70 = installers.filter((ws) => bucketOf(ws) < 70).map((ws) => ws.slug);
      expect(in70).toEqual(expect.arrayContaining(in30));
      const newly = in70.filter((s) => !in30.includes(s));
      expect((await notified()).sort()).toEqual(newly.sort());

      const rolledBack = await t.gql(
        `mutation($id: ID!) { rollbackRollout(input: { id: $id }) { connector { latestSharedVersion rolloutVersion } } }`,
        { id: parent.id },
        t.tokens.admin,
      );
      expect(rolledBack.body.data.rollbackRollout.connector).toEqual({
        latestSharedVersion: 1,
        rolloutVersion: null,
      });
      expect(await notified()).toEqual([]);
      const fresh = await t.token('ws-fresh', 'ADMIN', 'f');
      const freshCopy = (await t.gql(INSTALL_BY_LINK, { t: parent.token }, fresh)).body.data
        .installConnector.connector;
      expect(freshCopy.installedFrom.initialVersion).toBe(1);
    });

    it('deprecates and yanks shared versions: new installs skip yanked ones, existing copies keep working', async () => {
      const parent = await publish(validCode({ title: 'Yank' }), 'Yank');
      await newVersion(parent.id, validCode({ title: 'Yank v2' }), 'v2');
      const early = (await t.gql(INSTALL_BY_LINK, { t: parent.token }, installers[2].token)).body
        .data.installConnector.connector;
      expect(early.installedFrom.initialVersion).toBe(2);

      const dep = await t.gql(
        `mutation($id: ID!) { deprecateVersion(input: { id: $id, version: 1, message: "Use v2: v1 misses pagination", replacementVersion: 2 }) { userErrors { code } } }`,
        { id: parent.id },
        t.tokens.admin,
      );
      expect(dep.body.data.deprecateVersion.userErrors).toEqual([]);
      const view = await t.gql(
        `query($t: String!) { sharedConnector(token: $t) { sharedVersions(first: 10) { nodes { number deprecationMessage replacementVersion yanked sha256 } } } }`,
        { t: parent.token },
        installers[3].token,
      );
      expect(view.body.data.sharedConnector.sharedVersions.nodes).toMatchObject([
        {
          number: 2,
          deprecationMessage: null,
          yanked: false,
          sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        },
        { number: 1, deprecationMessage: 'Use v2: v1 misses pagination', replacementVersion: 2 },
      ]);

      await t.gql(
        `mutation($id: ID!) { yankVersion(input: { id: $id, version: 2 }) { userErrors { code } } }`,
        { id: parent.id },
        t.tokens.admin,
      );
      // What an install gets now is what the link shows.
      const shown = await t.gql(
        `query($t: String!) { sharedConnector(token: $t) { latestSharedVersion { number } } }`,
        { t: parent.token },
        installers[3].token,
      );
      expect(shown.body.data.sharedConnector.latestSharedVersion).toEqual({ number: 1 });
      const later = (await t.gql(INSTALL_BY_LINK, { t: parent.token }, installers[3].token)).body
        .data.installConnector.connector;
      expect(later.installedFrom.initialVersion).toBe(1);
      const stillThere = await t.gql(
        `query($id: ID!) { connector(id: $id) { latestVersion versions(first: 1) { nodes { code } } } }`,
        { id: early.id },
        installers[2].token,
      );
      expect(stillThere.body.data.connector.versions.nodes[0].code).toBe(
        validCode({ title: 'Yank v2' }),
      );
      await t.gql(
        `mutation($id: ID!) { yankVersion(input: { id: $id, version: 1 }) { userErrors { code } } }`,
        { id: parent.id },
        t.tokens.admin,
      );
      const none = await t.gql(INSTALL_BY_LINK, { t: parent.token }, installers[4].token);
      expect(none.body.data.installConnector.userErrors[0].code).toBe('VERSION_YANKED');
      const unyank = await t.gql(
        `mutation($id: ID!) { yankVersion(input: { id: $id, version: 2, yanked: false }) { userErrors { code } } }`,
        { id: parent.id },
        t.tokens.admin,
      );
      expect(unyank.body.data.yankVersion.userErrors).toEqual([]);
    });

    it('refuses expired and exhausted links, and logs who used a link', async () => {
      const parent = await publish(validCode({ title: 'Links' }), 'Links');
      const past = await t.gql(
        LINK_LIMITED,
        { id: parent.id, exp: new Date(Date.now() - 1000).toISOString() },
        t.tokens.admin,
      );
      expect(past.body.data.createShareLink.userErrors[0]).toMatchObject({
        code: 'INVALID_INPUT',
        field: ['input', 'expiresAt'],
      });

      const once = (await t.gql(LINK_LIMITED, { id: parent.id, max: 1 }, t.tokens.admin)).body.data
        .createShareLink.token;
      expect(
        (await t.gql(INSTALL_BY_LINK, { t: once }, installers[5].token)).body.data.installConnector
          .userErrors,
      ).toEqual([]);
      expect(
        (await t.gql(INSTALL_BY_LINK, { t: once }, installers[6].token)).body.data.installConnector
          .userErrors[0].code,
      ).toBe('LINK_EXHAUSTED');

      const soon = (
        await t.gql(
          LINK_LIMITED,
          { id: parent.id, exp: new Date(Date.now() + 1500).toISOString() },
          t.tokens.admin,
        )
      ).body.data.createShareLink.token;
      expect(
        (await t.gql(INSTALL_BY_LINK, { t: soon }, installers[7].token)).body.data.installConnector
          .userErrors,
      ).toEqual([]);
      await new Promise((r) => setTimeout(r, 1700));
      expect(
        (await t.gql(INSTALL_BY_LINK, { t: soon }, installers[8].token)).body.data.installConnector
          .userErrors[0].code,
      ).toBe('LINK_EXPIRED');

      const log = await t.gql(
        `query($id: ID!) { connector(id: $id) { shareLinks(first: 20) { nodes { maxInstalls installCount expiresAt uses(first: 20) { nodes { workspace member { handle } usedAt } } } } } }`,
        { id: parent.id },
        t.tokens.admin,
      );
      const links = log.body.data.connector.shareLinks.nodes;
      expect(links[0].uses.nodes.map((u: any) => u.workspace)).toEqual(['ws-7']);
      expect(links.find((l: any) => l.maxInstalls === 1)).toMatchObject({
        installCount: 1,
        uses: { nodes: [{ workspace: 'ws-5', member: { handle: 'admin5' } }] },
      });
    });

    it('verifies digests: a copy of code that no longer matches its digest is refused and nothing is written', async () => {
      const parent = await publish(validCode({ title: 'Digest' }), 'Digest');
      await t.server.registry.db.sql.query(
        `UPDATE connector_versions SET code = code || '# tampered' WHERE connector_id = $1`,
        [parent.databaseId],
      );
      const before = (
        await t.gql(`{ connectors(first: 1) { totalCount } }`, {}, installers[9].token)
      ).body.data.connectors.totalCount;
      const res = await t.gql(INSTALL_BY_LINK, { t: parent.token }, installers[9].token);
      expect(res.body.data.installConnector.userErrors[0]).toMatchObject({
        code: 'DIGEST_MISMATCH',
      });
      expect(
        (await t.gql(`{ connectors(first: 1) { totalCount } }`, {}, installers[9].token)).body.data
          .connectors.totalCount,
      ).toBe(before);
    });

    it('counts installs and updates per version over time', async () => {
      const parent = await publish(validCode({ title: 'Stats' }), 'Stats');
      const a = (await t.gql(INSTALL_BY_LINK, { t: parent.token }, installers[10].token)).body.data
        .installConnector.connector;
      await t.gql(INSTALL_BY_LINK, { t: parent.token }, installers[11].token);
      await newVersion(parent.id, validCode({ title: 'Stats v2' }), 'v2');
      await t.gql(UPDATE_FROM_PARENT, { id: a.id }, installers[10].token);
      const STATS = `query($id: ID!, $after: String) { connector(id: $id) { versionStats(first: 1, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } nodes { id version installs updates daily { day installs updates } } } } }`;
      const today = new Date().toISOString().slice(0, 10);
      const first = (await t.gql(STATS, { id: parent.id }, t.tokens.admin)).body.data.connector
        .versionStats;
      expect(first).toMatchObject({
        totalCount: 2,
        pageInfo: { hasNextPage: true },
        nodes: [
          { version: 2, installs: 0, updates: 1, daily: [{ day: today, installs: 0, updates: 1 }] },
        ],
      });
      const second = (
        await t.gql(STATS, { id: parent.id, after: first.pageInfo.endCursor }, t.tokens.admin)
      ).body.data.connector.versionStats;
      expect(second).toMatchObject({
        totalCount: 2,
        pageInfo: { hasNextPage: false },
        nodes: [
          { version: 1, installs: 2, updates: 0, daily: [{ day: today, installs: 2, updates: 0 }] },
        ],
      });

      // Each entry is a Node: refetchable by its owner, invisible to other workspaces.
      const NODE = `query($id: ID!) { node(id: $id) { ... on VersionStat { version installs updates } } }`;
      expect(
        (await t.gql(NODE, { id: second.nodes[0].id }, t.tokens.admin)).body.data.node,
      ).toEqual({
        version: 1,
        installs: 2,
        updates: 0,
      });
      expect(
        (await t.gql(NODE, { id: second.nodes[0].id }, installers[10].token)).body.data.node,
      ).toBeNull();

      // The per-day window is bounded: 1 to 366 days.
      const DAYS = `query($id: ID!, $days: Int) { connector(id: $id) { versionStats(last: 1) { nodes { version daily(days: $days) { day installs } } } } }`;
      expect(
        (await t.gql(DAYS, { id: parent.id, days: 1 }, t.tokens.admin)).body.data.connector
          .versionStats.nodes,
      ).toEqual([{ version: 1, daily: [{ day: today, installs: 2 }] }]);
      const refused = await t.gql(DAYS, { id: parent.id, days: 367 }, t.tokens.admin);
      expect(refused.body.errors?.[0]).toMatchObject({ extensions: { code: 'INVALID_INPUT' } });
    });
  });
}
