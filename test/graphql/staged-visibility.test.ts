import { beforeAll, describe, expect, it } from 'vitest';
import { rolloutBucket } from '../../src/domain/rollout.js';
import { backends } from '../helpers/backends.js';
import { type TestWorkspace, useServer, workspaces } from '../helpers/fixtures.js';
import { validCode } from '../fixtures/code.js';
import { CREATE, RELEASE, UPDATE } from '../helpers/documents.js';

const SHARE_AT = `mutation($id: ID!, $p: Int) { shareConnector(input: { id: $id, rolloutPercent: $p }) { userErrors { code message } } }`;
const ROLLBACK = `mutation($id: ID!) { rollbackRollout(input: { id: $id }) { userErrors { code message } } }`;
const INSTALL_LINK = `mutation($t: String!) { installConnector(input: { linkToken: $t }) {
  connector { id installedFrom { initialVersion } versions(first: 1) { nodes { code } } } userErrors { code message } } }`;
const INSTALL_LISTING = `mutation($l: ID!) { installConnector(input: { listingId: $l }) {
  connector { installedFrom { initialVersion } versions(first: 1) { nodes { code } } } userErrors { code message } } }`;
const VIEWS = `query($t: String!, $copy: ID!) {
  sharedConnector(token: $t) { latestSharedVersion { number } sharedVersions(first: 20) { nodes { number note code } } }
  communityListings(first: 10) { nodes { connector { title latestSharedVersion { number } sharedVersions(first: 20) { nodes { number note code } } } } }
  copy: connector(id: $copy) { installedFrom { updateAvailable parent { latestSharedVersion { number } sharedVersions(first: 20) { nodes { number note code } } } } }
}`;
/** The library alone: the query the community library cache answers. */
const LIBRARY = `{ communityListings(first: 10) { nodes { connector { title latestSharedVersion { number } } } } }`;

for (const backend of await backends()) {
  describe(`staged versions are seen and installed only inside their rollout (${backend})`, () => {
    const t = useServer(backend);
    let viewers: TestWorkspace[];
    beforeAll(async () => {
      viewers = await workspaces(t, 'viewer-', 12);
    });

    it('shows and installs a staged version only inside the rollout, and a rolled-back one to nobody new', async () => {
      const reviewer = await t.reviewerToken('rex');
      const c = (
        await t.gql(
          CREATE,
          { input: { title: 'Staged', code: validCode({ title: 'v1' }), note: 'one' } },
          t.tokens.admin,
        )
      ).body.data.createConnector.connector;
      await t.gql(RELEASE, { input: { id: c!.id } }, t.tokens.admin);
      await t.gql(SHARE_AT, { id: c!.id }, t.tokens.admin);
      const link = (
        await t.gql(
          `mutation($id: ID!) { createShareLink(input: { id: $id }) { token } }`,
          { id: c!.id },
          t.tokens.admin,
        )
      ).body.data.createShareLink.token;
      const listing = (
        await t.gql(
          `mutation($id: ID!) { listConnector(input: { id: $id, appName: "Staged", categories: ["Ops"] }) { listing { id } } }`,
          { id: c!.id },
          t.tokens.admin,
        )
      ).body.data.listConnector.listing.id;
      await t.gql(
        `mutation($id: ID!) { reviewListing(input: { id: $id, decision: APPROVE }) { userErrors { code } } }`,
        { id: listing },
        reviewer,
      );

      // A rollout percentage that puts at least two workspaces inside and two outside.
      const byBucket = [...viewers].sort(
        (a, b) => rolloutBucket(c!.databaseId, a.id) - rolloutBucket(c!.databaseId, b.id),
      );
      const k = [1, 2, 3, 4, 5, 6, 7, 8, 9].find(
        (i) =>
          rolloutBucket(c!.databaseId, byBucket[i].id) <
          rolloutBucket(c!.databaseId, byBucket[i + 1].id),
      )!;
      const percent = rolloutBucket(c!.databaseId, byBucket[k].id) + 1;
      const [inside, insideFresh] = [byBucket[0], byBucket[1]];
      const [outside, outsideFresh] = [byBucket[11], byBucket[10]];

      // Two holders of a copy of version 1, one inside and one outside.
      const copies = new Map<string, string>();
      for (const ws of [inside, outside]) {
        const copy = (await t.gql(INSTALL_LINK, { t: link }, ws.token)).body.data.installConnector
          .connector;
        expect(copy.installedFrom.initialVersion).toBe(1);
        copies.set(ws.slug, copy.id);
      }

      await t.gql(
        UPDATE,
        { input: { id: c!.id, code: validCode({ title: 'v2 staged' }), note: 'two' } },
        t.tokens.admin,
      );
      await t.gql(RELEASE, { input: { id: c!.id } }, t.tokens.admin);
      expect(
        (await t.gql(SHARE_AT, { id: c!.id, p: percent }, t.tokens.admin)).body.data.shareConnector
          .userErrors,
      ).toEqual([]);

      const numbers = (list: { number: number; code: string | null }[]) =>
        list.map((v) => v.number);
      const seenBy = async (ws: TestWorkspace) => {
        const res = await t.gql(
          VIEWS,
          { t: link, copy: copies.get(ws.slug) ?? copies.get(inside.slug) },
          ws.token,
        );
        expect(res.body.errors).toBeUndefined();
        const d = res.body.data;
        const listed = d.communityListings.nodes.find(
          (n: any) => n.connector.title === 'Staged',
        ).connector;
        const library = (await t.gql(LIBRARY, {}, ws.token)).body.data.communityListings.nodes.find(
          (n: any) => n.connector.title === 'Staged',
        ).connector;
        return {
          // "The version you get", wherever it is shown: what an install would give this workspace.
          youGet: {
            link: d.sharedConnector.latestSharedVersion?.number,
            listing: listed.latestSharedVersion?.number,
            library: library.latestSharedVersion?.number,
            parent: d.copy?.installedFrom.parent.latestSharedVersion?.number,
          },
          updateAvailable: d.copy?.installedFrom.updateAvailable,
          link: numbers(d.sharedConnector.sharedVersions.nodes),
          library: numbers(
            d.communityListings.nodes.find((n: any) => n.connector.title === 'Staged').connector
              .sharedVersions.nodes,
          ),
          parent: d.copy ? numbers(d.copy.installedFrom.parent.sharedVersions.nodes) : null,
          text: JSON.stringify(d),
        };
      };

      // Outside first, so that a cached library answer for them exists when the inside asks.
      const out = await seenBy(outside);
      expect(out).toMatchObject({
        link: [1],
        library: [1],
        parent: [1],
        youGet: { link: 1, listing: 1, library: 1, parent: 1 },
        updateAvailable: false,
      });
      expect(out.text).not.toContain('v2 staged');
      const outFresh = await seenBy(outsideFresh);
      expect(outFresh).toMatchObject({
        link: [1],
        library: [1],
        parent: null,
        youGet: { link: 1, listing: 1, library: 1 },
      });
      expect(outFresh.text).not.toContain('v2 staged');
      const inn = await seenBy(inside);
      expect(inn).toMatchObject({
        link: [2, 1],
        library: [2, 1],
        parent: [2, 1],
        youGet: { link: 2, listing: 2, library: 2, parent: 2 },
        updateAvailable: true,
      });
      expect(inn.text).toContain('v2 staged');
      const innFresh = await seenBy(insideFresh);
      expect(innFresh.youGet).toMatchObject({ link: 2, listing: 2, library: 2 });
      // A reviewer (no workspace) is shown what everybody outside the rollout gets.
      const reviewed = (await t.gql(LIBRARY, {}, reviewer)).body.data.communityListings.nodes.find(
        (n: any) => n.connector.title === 'Staged',
      ).connector;
      expect(reviewed.latestSharedVersion.number).toBe(1);

      // The inside copy takes the staged version: it is then up to date (no banner), as update says.
      const UPDATE_COPY = `mutation($id: ID!) { updateFromParent(input: { id: $id }) { connector { installedFrom { baseVersion updateAvailable } } userErrors { code } } }`;
      const took = (await t.gql(UPDATE_COPY, { id: copies.get(inside.slug) }, inside.token)).body
        .data.updateFromParent;
      expect(took).toEqual({
        connector: { installedFrom: { baseVersion: 2, updateAvailable: false } },
        userErrors: [],
      });
      expect(
        (await t.gql(UPDATE_COPY, { id: copies.get(inside.slug) }, inside.token)).body.data
          .updateFromParent.userErrors,
      ).toEqual([{ code: 'UP_TO_DATE' }]);

      // Installs follow the same rule, by link and by listing.
      const outInstall = (await t.gql(INSTALL_LISTING, { l: listing }, outsideFresh.token)).body
        .data.installConnector.connector;
      expect(outInstall.installedFrom.initialVersion).toBe(1);
      expect(outInstall.versions.nodes[0].code).not.toContain('v2 staged');

      expect(
        (await t.gql(ROLLBACK, { id: c!.id }, t.tokens.admin)).body.data.rollbackRollout.userErrors,
      ).toEqual([]);
      for (const ws of [inside, insideFresh, outside]) {
        const after = await seenBy(ws);
        expect(after.link, ws.slug).toEqual([1]);
        expect(after.library, ws.slug).toEqual([1]);
        expect(after.youGet, ws.slug).toMatchObject({ link: 1, listing: 1, library: 1 });
        if (ws === inside)
          expect(after).toMatchObject({ youGet: { parent: 1 }, updateAvailable: false }); // it keeps version 2
        expect(after.text, ws.slug).not.toContain('v2 staged');
      }
      const lateInstall = (await t.gql(INSTALL_LINK, { t: link }, insideFresh.token)).body.data
        .installConnector.connector;
      expect(lateInstall.installedFrom.initialVersion).toBe(1);

      // Sharing a later version to everybody does not bring the rolled-back one back.
      await t.gql(
        UPDATE,
        { input: { id: c!.id, code: validCode({ title: 'v3' }), note: 'three' } },
        t.tokens.admin,
      );
      await t.gql(RELEASE, { input: { id: c!.id } }, t.tokens.admin);
      await t.gql(SHARE_AT, { id: c!.id }, t.tokens.admin);
      const later = await seenBy(outside);
      expect(later).toMatchObject({ link: [3, 1], library: [3, 1], parent: [3, 1] });
      expect(later.text).not.toContain('v2 staged');
      // Nor does yanking the newest make the rolled-back one the fallback.
      await t.gql(
        `mutation($id: ID!) { yankVersion(input: { id: $id, version: 3 }) { userErrors { code } } }`,
        { id: c!.id },
        t.tokens.admin,
      );
      const afterYank = (
        await t.gql(
          INSTALL_LINK,
          { t: link },
          viewers.find((w) => ![inside, insideFresh, outside, outsideFresh].includes(w))!.token,
        )
      ).body.data.installConnector.connector;
      expect(afterYank.installedFrom.initialVersion).toBe(1);
    });
  });
}
