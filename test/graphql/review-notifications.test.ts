import { webhookReceiver } from '../helpers/webhook-receiver.js';
import { describe, expect } from 'vitest';
import { backends } from '../helpers/backends.js';
import {
  approvedListing,
  installedCopy,
  ok,
  releasedConnector,
  test,
  tokens,
} from '../helpers/fixtures.js';
import { LIST, REVIEW } from '../helpers/documents.js';
import { until } from '../helpers/until.js';

// Issue 23, item 9: the publisher hears of a reviewer's decision on its listing, in the console
// (a notification, live) and by webhook, never only by looking at the listing again.

const NOTES = `query($unread: Boolean) { notifications(first: 10, unreadOnly: $unread) { totalCount edges { node {
  id kind parentVersion listingStatus reviewReason readAt changes { level } connector { id title } } } } }`;
const REGISTER = `mutation($url: String!) { registerWebhook(input: { url: $url, events: [LISTING_REVIEWED] }) {
  webhook { id } userErrors { code message } } }`;

for (const backend of await backends()) {
  describe(`review decisions notify the publisher (${backend})`, () => {
    test('a rejection and an approval each reach the publisher: notification, live, webhook', async ({
      servers,
    }) => {
      const t = await servers(backend, { WEBHOOK_ALLOW_HTTP_LOOPBACK: true });
      const { admin, operator, other, reviewer } = await tokens(t);
      const id = await releasedConnector(t, admin, { title: 'Reviewed CRM' });
      const rx = await webhookReceiver();
      const live = await t.subscribe(
        'subscription { notificationAdded { kind listingStatus reviewReason connector { id } } }',
        admin,
      );
      try {
        await ok(t, admin, REGISTER, { url: rx.url });
        const { listing } = await ok(t, admin, LIST, {
          input: { id, appName: 'Salesforce', categories: ['CRM'] },
        });
        await ok(t, reviewer, REVIEW, {
          input: { id: listing.id, decision: 'REJECT', reason: 'The logo is blurry' },
        });

        // Live, to the console's bell.
        const event = await live.next();
        expect(event.data.notificationAdded).toEqual({
          kind: 'LISTING_REVIEWED',
          listingStatus: 'REJECTED',
          reviewReason: 'The logo is blurry',
          connector: { id },
        });
        // In the list, unread, for every role of the workspace (an OPERATOR reads them too).
        const notes = (await t.gql(NOTES, { unread: true }, operator)).body.data.notifications;
        expect(notes.totalCount).toBe(1);
        const rejected = notes.edges[0].node;
        expect(rejected).toMatchObject({
          kind: 'LISTING_REVIEWED',
          parentVersion: null,
          listingStatus: 'REJECTED',
          reviewReason: 'The logo is blurry',
          readAt: null,
          changes: null,
          connector: { id, title: 'Reviewed CRM' },
        });
        // By webhook, naming the same notification.
        const hook = await until(() => rx.bodies().find((b) => b.type === 'listing.reviewed'));
        expect(hook.data).toMatchObject({
          listing: listing.id,
          connector: id,
          status: 'REJECTED',
          reason: 'The logo is blurry',
          notification: rejected.id,
        });

        // Sent back to review and approved: a second notification, without a reason.
        await ok(t, admin, LIST, { input: { id, appName: 'Salesforce', categories: ['CRM'] } });
        await ok(t, reviewer, REVIEW, { input: { id: listing.id, decision: 'APPROVE' } });
        const after = (await t.gql(NOTES, {}, admin)).body.data.notifications;
        expect(after.edges.map((e: any) => [e.node.kind, e.node.listingStatus])).toEqual([
          ['LISTING_REVIEWED', 'APPROVED'],
          ['LISTING_REVIEWED', 'REJECTED'],
        ]);
        expect(after.edges[0].node.reviewReason).toBeNull();
        await until(() => (rx.received.length >= 2 ? true : undefined));
        expect(rx.bodies().map((b) => b.data.status)).toEqual(['REJECTED', 'APPROVED']);

        // Read like any notification.
        const marked = await ok(
          t,
          operator,
          'mutation($input: MarkNotificationsReadInput!) { markNotificationsRead(input: $input) { marked userErrors { code message } } }',
          { input: { ids: after.edges.map((e: any) => e.node.id) } },
        );
        expect(marked.marked).toBe(2);
        expect(
          (await t.gql(NOTES, { unread: true }, admin)).body.data.notifications.totalCount,
        ).toBe(0);

        // Another workspace hears nothing of it.
        expect((await t.gql(NOTES, {}, other)).body.data.notifications.totalCount).toBe(0);
      } finally {
        live.close();
        await rx.close();
      }
    });

    test('update notifications say their kind and keep their fields', async ({ servers }) => {
      const t = await servers(backend);
      const { admin, other, reviewer } = await tokens(t);
      const id = await releasedConnector(t, admin, { title: 'Updated CRM' });
      const listingId = await approvedListing(t, admin, reviewer, id);
      await installedCopy(t, admin, other, id, { listingId });
      const code = (await import('../fixtures/code.js')).validCode({ title: 'Updated CRM' });
      await ok(
        t,
        admin,
        'mutation($input: UpdateConnectorInput!) { updateConnector(input: $input) { userErrors { code message } } }',
        { input: { id, code: `${code}\n# v2\n`, note: 'second' } },
      );
      await ok(
        t,
        admin,
        'mutation($input: ReleaseConnectorInput!) { releaseConnector(input: $input) { userErrors { code message } } }',
        { input: { id } },
      );
      await ok(
        t,
        admin,
        'mutation($input: ShareConnectorInput!) { shareConnector(input: $input) { userErrors { code message } } }',
        { input: { id } },
      );
      const notes = (await t.gql(NOTES, {}, other)).body.data.notifications;
      expect(notes.edges.map((e: any) => e.node)).toMatchObject([
        {
          kind: 'UPDATE_AVAILABLE',
          parentVersion: 2,
          listingStatus: null,
          reviewReason: null,
          changes: { level: expect.any(String) },
        },
      ]);
      // The publisher's own list has the approval of its listing, nothing about the copy.
      const own = (await t.gql(NOTES, {}, admin)).body.data.notifications;
      expect(own.edges.map((e: any) => e.node.kind)).toEqual(['LISTING_REVIEWED']);
    });
  });
}
