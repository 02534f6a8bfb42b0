import { beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { approvedListing, releasedConnector, useServer } from '../helpers/fixtures.js';
import { PNG_1PX, validCode } from '../fixtures/code.js';
import { CREATE, RELEASE, SHARE, UPDATE } from '../helpers/documents.js';

const ERR = `userErrors { code message field detail }`;
const SHARED_FIELDS = `title description logoUrl totalInstalls
  latestSharedVersion { number note actions triggers sourceVisible code }
  sharedVersions(first: 10) { nodes { number note } }
  publisher { workspace listedConnectors totalInstalls }`;

const CREATE_LINK = `mutation($id: ID!) { createShareLink(input: { id: $id }) { token connector { shareLink { prefix } } ${ERR} } }`;
const REVOKE_LINK = `mutation($id: ID!) { revokeShareLink(input: { id: $id }) { revoked connector { shareLink { prefix } } ${ERR} } }`;
const VIEW_LINK = `query($token: String!) { sharedConnector(token: $token) { ${SHARED_FIELDS} } }`;
const LIST_DETAILED = `mutation($input: ListConnectorInput!) { listConnector(input: $input) { listing { id status appName categories app { name } } ${ERR} } }`;
const REVIEW_DETAILED = `mutation($input: ReviewListingInput!) { reviewListing(input: $input) { listing { id status reviewReason } ${ERR} } }`;
const LIBRARY = `query($search: String, $app: String, $category: String) { communityListings(first: 20, search: $search, app: $app, category: $category) {
  totalCount nodes { id appName categories preventDirectInstall landingPageUrl connector { ${SHARED_FIELDS} } } } }`;
const INSTALL_DETAILED = `mutation($input: InstallConnectorInput!) { installConnector(input: $input) {
  connector { id title latestVersion latestReleasedVersion latestVersionNote
    versions(first: 5) { nodes { number code } }
    installedFrom { source initialVersion baseVersion updateAvailable parent { title } } }
  ${ERR} } }`;
const UPDATE_FROM_PARENT = `mutation($id: ID!) { updateFromParent(input: { id: $id }) {
  connector { latestVersion latestVersionNote latestReleasedVersion installedFrom { baseVersion updateAvailable } versions(first: 1) { nodes { code } } }
  ${ERR} } }`;
const NOTIFICATIONS = `query($unread: Boolean) { notifications(first: 20, unreadOnly: $unread) { totalCount nodes { id kind parentVersion note readAt connector { id } } } }`;

for (const backend of await backends()) {
  describe(`sharing, community library and installs (${backend})`, () => {
    const t = useServer(backend);
    let owner: string; // ADMIN of acme, the publisher
    let b: string; // ADMIN of beta, an installer
    let bDev: string;
    let bOps: string; // OPERATOR of beta
    let reviewer: string;

    beforeAll(async () => {
      ({ admin: owner, other: b, reviewer } = t.tokens);
      bDev = await t.token('beta', 'DEVELOPER', 'dave');
      bOps = await t.token('beta', 'OPERATOR', 'olga');
    });

    /** A connector of acme with version 1 released and shared (unless `share: false`). */
    const shared = (title: string, opts: { share?: boolean } = {}) =>
      releasedConnector(t, owner, {
        title,
        ...opts,
        input: { description: `About ${title}`, logo: PNG_1PX },
      });

    /** Lists acme's shared connector `id` and has the reviewer approve it; answers the listing's ID. */
    const listApproved = (id: string, input: Record<string, unknown> = {}) =>
      approvedListing(t, owner, reviewer, id, input);

    describe('private share links', () => {
      it('needs a shared version, shows the latest shared version to other workspaces, hides code from OPERATOR', async () => {
        const id = await shared('Linked', { share: false });
        const early = await t.gql(CREATE_LINK, { id }, owner);
        expect(early.body.data.createShareLink.userErrors[0]).toMatchObject({
          code: 'NOTHING_SHARED',
        });
        await t.gql(SHARE, { input: { id } }, owner);
        // A draft after the share is not what the link shows.
        await t.gql(
          UPDATE,
          {
            input: {
              id,
              code: validCode({ title: 'Draft', actions: ['draft_only'] }),
              note: 'draft',
            },
          },
          owner,
        );

        const created = await t.gql(CREATE_LINK, { id }, owner);
        const { token, connector } = created.body.data.createShareLink;
        expect(token).toMatch(/^crs_/);
        expect(connector.shareLink.prefix).toBe(token.slice(0, 10));

        const asAdmin = await t.gql(VIEW_LINK, { token }, b);
        expect(asAdmin.body.data.sharedConnector).toMatchObject({
          title: 'Linked',
          description: 'About Linked',
          latestSharedVersion: {
            number: 1,
            note: 'first',
            actions: ['search_records', 'create_record'],
            sourceVisible: true,
            code: validCode({ title: 'Linked' }),
          },
          publisher: { workspace: 'acme' },
        });
        const asOps = await t.gql(VIEW_LINK, { token }, bOps);
        expect(asOps.body.data.sharedConnector.latestSharedVersion).toMatchObject({
          sourceVisible: false,
          code: null,
          actions: ['search_records', 'create_record'],
        });
        expect(asOps.body.errors).toBeUndefined();
      });

      it('stops an old link at once when revoked or regenerated', async () => {
        const id = await shared('Rotated');
        const first = (await t.gql(CREATE_LINK, { id }, owner)).body.data.createShareLink.token;
        const second = (await t.gql(CREATE_LINK, { id }, owner)).body.data.createShareLink.token;
        expect((await t.gql(VIEW_LINK, { token: first }, b)).body.data.sharedConnector).toBeNull();
        expect((await t.gql(VIEW_LINK, { token: second }, b)).body.data.sharedConnector.title).toBe(
          'Rotated',
        );
        const install = await t.gql(INSTALL_DETAILED, { input: { linkToken: first } }, b);
        expect(install.body.data.installConnector.userErrors[0]).toMatchObject({
          code: 'NOT_FOUND',
        });

        const revoked = await t.gql(REVOKE_LINK, { id }, owner);
        expect(revoked.body.data.revokeShareLink).toMatchObject({
          revoked: 1,
          connector: { shareLink: null },
        });
        expect((await t.gql(VIEW_LINK, { token: second }, b)).body.data.sharedConnector).toBeNull();
        expect(
          (await t.gql(VIEW_LINK, { token: 'crs_nonsense' }, b)).body.data.sharedConnector,
        ).toBeNull();
        // Only the owner's workspace manages its links.
        const foreign = await t.gql(CREATE_LINK, { id }, b);
        expect(foreign.body.data.createShareLink.userErrors[0].code).toBe('NOT_FOUND');
      });
    });

    describe('community listings', () => {
      it('goes through review: pending is not in the library, approval lists it, rejection and disabling need a reason', async () => {
        const id = await shared('Reviewed Thing');
        const listed = await t.gql(
          LIST_DETAILED,
          {
            input: { id, appId: null, appName: 'Salesforce', categories: ['CRM', 'Sales', 'CRM'] },
          },
          owner,
        );
        const listing = listed.body.data.listConnector.listing;
        expect(listing).toMatchObject({
          status: 'PENDING',
          appName: 'Salesforce',
          app: { name: 'Salesforce' },
          categories: ['CRM', 'Sales'],
        });
        expect(
          (await t.gql(LIBRARY, { search: 'Reviewed' }, b)).body.data.communityListings.totalCount,
        ).toBe(0);

        const byOwner = await t.gql(
          REVIEW_DETAILED,
          { input: { id: listing.id, decision: 'APPROVE' } },
          owner,
        );
        expect(byOwner.body.data.reviewListing.userErrors[0]).toMatchObject({ code: 'FORBIDDEN' });
        const noReason = await t.gql(
          REVIEW_DETAILED,
          { input: { id: listing.id, decision: 'REJECT' } },
          reviewer,
        );
        expect(noReason.body.data.reviewListing.userErrors[0]).toMatchObject({
          code: 'INVALID_INPUT',
          field: ['input', 'reason'],
        });
        const rejected = await t.gql(
          REVIEW_DETAILED,
          { input: { id: listing.id, decision: 'REJECT', reason: 'Logo is not the app logo' } },
          reviewer,
        );
        expect(rejected.body.data.reviewListing.listing).toMatchObject({
          status: 'REJECTED',
          reviewReason: 'Logo is not the app logo',
        });
        const approveRejected = await t.gql(
          REVIEW_DETAILED,
          { input: { id: listing.id, decision: 'APPROVE' } },
          reviewer,
        );
        expect(approveRejected.body.data.reviewListing.userErrors[0]).toMatchObject({
          code: 'LISTING_STATE',
        });

        // Changing the listing sends it back to review.
        const again = await t.gql(
          LIST_DETAILED,
          { input: { id, appName: 'Salesforce', categories: ['CRM'] } },
          owner,
        );
        expect(again.body.data.listConnector.listing.status).toBe('PENDING');
        const queue = await t.gql(
          `{ listingsForReview(first: 50) { nodes { id status } } }`,
          {},
          reviewer,
        );
        expect(queue.body.data.listingsForReview.nodes.map((n: { id: string }) => n.id)).toContain(
          listing.id,
        );
        const queueForbidden = await t.gql(
          `{ listingsForReview(first: 5) { nodes { id } } }`,
          {},
          owner,
        );
        expect(queueForbidden.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

        expect(
          (
            await t.gql(
              REVIEW_DETAILED,
              { input: { id: listing.id, decision: 'APPROVE' } },
              reviewer,
            )
          ).body.data.reviewListing.listing.status,
        ).toBe('APPROVED');
        const lib = await t.gql(LIBRARY, { search: 'reviewed thing' }, b);
        expect(lib.body.data.communityListings.nodes).toHaveLength(1);
        expect(lib.body.data.communityListings.nodes[0].connector).toMatchObject({
          title: 'Reviewed Thing',
          description: 'About Reviewed Thing',
          logoUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/logos\/[0-9a-f]{64}\.png$/),
        });

        const disabled = await t.gql(
          REVIEW_DETAILED,
          {
            input: {
              id: listing.id,
              decision: 'DISABLE',
              reason: 'Categories do not match the app',
            },
          },
          reviewer,
        );
        expect(disabled.body.data.reviewListing.listing.status).toBe('DISABLED');
        expect(
          (await t.gql(LIBRARY, { search: 'reviewed thing' }, b)).body.data.communityListings
            .totalCount,
        ).toBe(0);
        // Its owner still sees it, with the reason.
        const mine = await t.gql(
          `query($id: ID!) { node(id: $id) { ... on Listing { status reviewReason } } }`,
          { id: listing.id },
          owner,
        );
        expect(mine.body.data.node).toEqual({
          status: 'DISABLED',
          reviewReason: 'Categories do not match the app',
        });
        expect(
          (await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: listing.id }, b)).body.data
            .node,
        ).toBeNull();
      });

      it('needs a shared connector, a valid app and categories, and a landing page when direct installs are prevented', async () => {
        const unshared = await shared('Not yet', { share: false });
        expect(
          (
            await t.gql(
              LIST_DETAILED,
              { input: { id: unshared, appName: 'X', categories: ['a'] } },
              owner,
            )
          ).body.data.listConnector.userErrors[0].code,
        ).toBe('NOTHING_SHARED');
        const id = await shared('Validated');
        const bad: [Record<string, unknown>, string][] = [
          [{ appName: 'X', categories: [] }, 'input.categories'],
          [{ categories: ['a'] }, 'input.appId'],
          [{ appId: 'Q2F0YWxvZ0FwcDo5OTk5OTk=', categories: ['a'] }, 'input.appId'],
          [{ appName: 'X', categories: ['a'], preventDirectInstall: true }, 'input.landingPageUrl'],
          [
            {
              appName: 'X',
              categories: ['a'],
              preventDirectInstall: true,
              landingPageUrl: 'javascript:alert(1)',
            },
            'input.landingPageUrl',
          ],
        ];
        for (const [input, field] of bad) {
          const res = await t.gql(LIST_DETAILED, { input: { id, ...input } }, owner);
          expect(res.body.data.listConnector.userErrors[0], JSON.stringify(input)).toMatchObject({
            field: field.split('.'),
          });
        }
        expect(
          (await t.gql(`query($id: ID!) { connector(id: $id) { listing { id } } }`, { id }, owner))
            .body.data.connector.listing,
        ).toBeNull();
      });

      it('searches by title, app (catalog or free text) and category, and shows publisher stats', async () => {
        const apps = await t.gql(
          `{ catalogApps(search: "sales", first: 10) { nodes { id name } } }`,
          {},
          b,
        );
        expect(apps.body.data.catalogApps.nodes.map((a: { name: string }) => a.name)).toEqual([
          'Salesforce',
        ]);
        const added = await t.gql(
          `mutation { addCatalogApp(input: { name: "Acme ERP" }) { catalogApp { name } ${ERR} } }`,
          {},
          reviewer,
        );
        expect(added.body.data.addCatalogApp.catalogApp.name).toBe('Acme ERP');
        const notReviewer = await t.gql(
          `mutation { addCatalogApp(input: { name: "Sneaky" }) { userErrors { code } } }`,
          {},
          owner,
        );
        expect(notReviewer.body.data.addCatalogApp.userErrors[0].code).toBe('FORBIDDEN');

        const erp = await shared('Ledger Sync');
        await listApproved(erp, { appName: 'Acme ERP', categories: ['Finance'] });
        const custom = await shared('Weather Feed');
        await listApproved(custom, { appName: 'OpenSky Weather', categories: ['Data', 'Weather'] });

        const byApp = await t.gql(LIBRARY, { app: 'acme erp' }, b);
        expect(byApp.body.data.communityListings.nodes.map((n: any) => n.connector.title)).toEqual([
          'Ledger Sync',
        ]);
        const byCategory = await t.gql(LIBRARY, { category: 'Weather' }, b);
        expect(
          byCategory.body.data.communityListings.nodes.map((n: any) => n.connector.title),
        ).toEqual(['Weather Feed']);
        const byFreeApp = await t.gql(LIBRARY, { app: 'OpenSky Weather' }, b);
        expect(byFreeApp.body.data.communityListings.nodes[0]).toMatchObject({
          appName: 'OpenSky Weather',
          categories: ['Data', 'Weather'],
        });
        const publisher = byApp.body.data.communityListings.nodes[0].connector.publisher;
        expect(publisher.workspace).toBe('acme');
        expect(publisher.listedConnectors).toBeGreaterThanOrEqual(2);
      });
    });

    describe('installs and updates', () => {
      it('installs a listed connector as a copy of its shared version, counts it, and lets only ADMIN and DEVELOPER install', async () => {
        const id = await shared('Installable');
        const listingId = await listApproved(id);

        const denied = await t.gql(INSTALL_DETAILED, { input: { listingId } }, bOps);
        expect(denied.body.data.installConnector.userErrors[0]).toMatchObject({
          code: 'FORBIDDEN',
        });
        const own = await t.gql(INSTALL_DETAILED, { input: { listingId } }, owner);
        expect(own.body.data.installConnector.userErrors[0]).toMatchObject({
          code: 'OWN_CONNECTOR',
        });

        const copy = (await t.gql(INSTALL_DETAILED, { input: { listingId } }, b)).body.data
          .installConnector.connector;
        expect(copy).toMatchObject({
          title: 'Installable',
          latestVersion: 1,
          latestReleasedVersion: null,
          latestVersionNote: 'first',
          installedFrom: {
            source: 'LISTING',
            initialVersion: 1,
            baseVersion: 1,
            updateAvailable: false,
            parent: { title: 'Installable' },
          },
        });
        expect(copy.versions.nodes[0].code).toBe(validCode({ title: 'Installable' }));
        const second = (await t.gql(INSTALL_DETAILED, { input: { listingId } }, bDev)).body.data
          .installConnector.connector;
        expect(second.id).not.toBe(copy.id);

        const lib = await t.gql(LIBRARY, { search: 'Installable' }, b);
        expect(lib.body.data.communityListings.nodes[0].connector.totalInstalls).toBe(2);

        // The copy is an ordinary connector of beta: editable and releasable.
        const edited = await t.gql(
          UPDATE,
          {
            input: {
              id: copy.id,
              code: validCode({ title: 'Mine now', actions: ['extra'] }),
              note: 'ours',
            },
          },
          b,
        );
        expect(edited.body.data.updateConnector.connector.latestVersion).toBe(2);
        expect(
          (await t.gql(RELEASE, { input: { id: copy.id } }, b)).body.data.releaseConnector
            .connector!.latestReleasedVersion,
        ).toBe(2);
        // And the parent did not change.
        const parent = await t.gql(
          `query($id: ID!) { connector(id: $id) { latestVersion installCount } }`,
          { id },
          owner,
        );
        expect(parent.body.data.connector).toEqual({ latestVersion: 1, installCount: 2 });
      });

      it('sends people to the landing page when direct installs are prevented, while private links still install', async () => {
        const id = await shared('Gated');
        const listingId = await listApproved(id, {
          preventDirectInstall: true,
          landingPageUrl: 'https://gated.example/contact',
        });
        const res = await t.gql(INSTALL_DETAILED, { input: { listingId } }, b);
        expect(res.body.data.installConnector.userErrors[0]).toMatchObject({
          code: 'DIRECT_INSTALL_PREVENTED',
          detail: 'https://gated.example/contact',
        });
        const token = (await t.gql(CREATE_LINK, { id }, owner)).body.data.createShareLink.token;
        const viaLink = await t.gql(INSTALL_DETAILED, { input: { linkToken: token } }, b);
        expect(viaLink.body.data.installConnector.connector.installedFrom.source).toBe('LINK');
        const both = await t.gql(INSTALL_DETAILED, { input: { linkToken: token, listingId } }, b);
        expect(both.body.data.installConnector.userErrors[0].code).toBe('INVALID_INPUT');
      });

      it('notifies installers when a newer version is shared (query and live subscription), and updateFromParent leaves the released version alone', async () => {
        const id = await shared('Evolving');
        const token = (await t.gql(CREATE_LINK, { id }, owner)).body.data.createShareLink.token;
        const copy = (await t.gql(INSTALL_DETAILED, { input: { linkToken: token } }, b)).body.data
          .installConnector.connector;
        expect(
          (await t.gql(RELEASE, { input: { id: copy.id } }, b)).body.data.releaseConnector
            .connector!.latestReleasedVersion,
        ).toBe(1);

        const up = await t.gql(UPDATE_FROM_PARENT, { id: copy.id }, b);
        expect(up.body.data.updateFromParent.userErrors[0]).toMatchObject({ code: 'UP_TO_DATE' });

        const live = await t.subscribe(
          `subscription { notificationAdded { parentVersion note connector { id } } }`,
          b,
        );
        try {
          const v2 = validCode({
            title: 'Evolving',
            actions: ['search_records', 'create_record', 'delete_record'],
          });
          await t.gql(UPDATE, { input: { id, code: v2, note: 'adds delete' } }, owner);
          await t.gql(RELEASE, { input: { id } }, owner);
          // Releasing alone notifies nobody; sharing does.
          expect(
            (await t.gql(NOTIFICATIONS, { unread: true }, b)).body.data.notifications.nodes.filter(
              (n: any) => n.connector.id === copy.id,
            ),
          ).toHaveLength(0);
          await t.gql(SHARE, { input: { id } }, owner);

          const event = await live.next();
          expect(event.data.notificationAdded).toEqual({
            parentVersion: 2,
            note: 'adds delete',
            connector: { id: copy.id },
          });

          const unread = (
            await t.gql(NOTIFICATIONS, { unread: true }, b)
          ).body.data.notifications.nodes.filter((n: any) => n.connector.id === copy.id);
          expect(unread).toHaveLength(1);
          // The publisher is told of nothing about its own share (its listings' review
          // decisions, made earlier in this file, are its only notifications).
          expect(
            (
              await t.gql(NOTIFICATIONS, { unread: true }, owner)
            ).body.data.notifications.nodes.filter((n: any) => n.kind !== 'LISTING_REVIEWED'),
          ).toEqual([]);

          // Filtered to one copy: its notification only; another workspace's connector finds none; a malformed ID is refused.
          const NOTES_OF = `query($connector: ID) { notifications(first: 5, connector: $connector) { totalCount nodes { parentVersion connector { id } } } }`;
          expect(
            (await t.gql(NOTES_OF, { connector: copy.id }, b)).body.data.notifications,
          ).toEqual({ totalCount: 1, nodes: [{ parentVersion: 2, connector: { id: copy.id } }] });
          expect((await t.gql(NOTES_OF, { connector: id }, b)).body.data.notifications).toEqual({
            totalCount: 0,
            nodes: [],
          });
          const bad = await t.gql(NOTES_OF, { connector: 'nope' }, b);
          expect(bad.status).toBe(200);
          expect(bad.body.errors?.[0]).toMatchObject({
            message: 'No Connector with id "nope".',
            extensions: { code: 'NOT_FOUND' },
          });

          const updated = await t.gql(UPDATE_FROM_PARENT, { id: copy.id }, b);
          expect(updated.body.data.updateFromParent.connector).toMatchObject({
            latestVersion: 2,
            latestVersionNote: 'adds delete',
            latestReleasedVersion: 1,
            installedFrom: { baseVersion: 2, updateAvailable: false },
            versions: { nodes: [{ code: v2 }] },
          });
          // Taking the update reads its notification.
          const after = (
            await t.gql(NOTIFICATIONS, { unread: true }, b)
          ).body.data.notifications.nodes.filter((n: any) => n.connector.id === copy.id);
          expect(after).toHaveLength(0);
        } finally {
          live.close();
        }
      });

      it('marks notifications read only in their own workspace, and refuses updateFromParent on a connector without parent', async () => {
        const id = await shared('Marked');
        const token = (await t.gql(CREATE_LINK, { id }, owner)).body.data.createShareLink.token;
        const copy = (await t.gql(INSTALL_DETAILED, { input: { linkToken: token } }, bDev)).body
          .data.installConnector.connector;
        await t.gql(UPDATE, { input: { id, note: 'v2' } }, owner);
        await t.gql(RELEASE, { input: { id } }, owner);
        await t.gql(SHARE, { input: { id } }, owner);
        const note = (
          await t.gql(NOTIFICATIONS, { unread: true }, b)
        ).body.data.notifications.nodes.find((n: any) => n.connector.id === copy.id);
        const MARK = `mutation($ids: [ID!]!) { markNotificationsRead(input: { ids: $ids }) { marked ${ERR} } }`;
        expect(
          (await t.gql(MARK, { ids: [note.id] }, owner)).body.data.markNotificationsRead
            .userErrors[0].code,
        ).toBe('NOT_FOUND');
        expect(
          (await t.gql(MARK, { ids: [note.id] }, bOps)).body.data.markNotificationsRead,
        ).toEqual({ marked: 1, userErrors: [] });
        expect(
          (await t.gql(MARK, { ids: [note.id] }, b)).body.data.markNotificationsRead.marked,
        ).toBe(0);

        const plain = (await t.gql(CREATE, { input: { title: 'Plain', code: validCode() } }, b))
          .body.data.createConnector.connector!.id;
        expect(
          (await t.gql(UPDATE_FROM_PARENT, { id: plain }, b)).body.data.updateFromParent
            .userErrors[0].code,
        ).toBe('NOT_AN_INSTALL');
        expect(
          (await t.gql(UPDATE_FROM_PARENT, { id }, b)).body.data.updateFromParent.userErrors[0]
            .code,
        ).toBe('NOT_FOUND');
      });
    });
  });
}
