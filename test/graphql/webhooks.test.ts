import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { useServer } from '../helpers/fixtures.js';
import { startTestServer } from '../helpers/server.js';
import { validCode } from '../fixtures/code.js';
import { CREATE, RELEASE } from '../helpers/documents.js';
import { until } from '../helpers/until.js';
import { webhookReceiver } from '../helpers/webhook-receiver.js';

const REGISTER = `mutation($url: String!, $events: [LifecycleEventType!]!) { registerWebhook(input: { url: $url, events: $events }) {
  secret webhook { id url events } userErrors { code field } } }`;

for (const backend of await backends()) {
  describe(`lifecycle webhooks (${backend})`, () => {
    const t = useServer(backend, {
      WEBHOOK_ALLOW_HTTP_LOOPBACK: true,
      WEBHOOK_RETRY_BASE_MS: 100,
      WEBHOOK_MAX_ATTEMPTS: 4,
    });

    it('delivers signed events, retrying with backoff until the receiver accepts, and logs every attempt', async () => {
      const rx = await webhookReceiver(2);
      try {
        const reg = (
          await t.gql(
            REGISTER,
            { url: rx.url, events: ['VERSION_CREATED', 'VERSION_RELEASED'] },
            t.tokens.admin,
          )
        ).body.data.registerWebhook;
        expect(reg.webhook).toMatchObject({
          url: rx.url,
          events: ['VERSION_CREATED', 'VERSION_RELEASED'],
        });
        expect(reg.secret).toMatch(/^whsec_/);

        const live = await t.subscribe(
          `subscription { lifecycleEvents { type data } }`,
          t.tokens.admin,
        );
        const id = (
          await t.gql(CREATE, { input: { title: 'Hooked', code: validCode() } }, t.tokens.admin)
        ).body.data.createConnector.connector!.id;
        const event = await live.next();
        live.close();
        // Global IDs in event data: the same ID node(id:) and the mutations take.
        expect(event.data.lifecycleEvents).toEqual({
          type: 'VERSION_CREATED',
          data: { connector: id, version: 1 },
        });
        const viaNode = await t.gql(
          `query($id: ID!) { node(id: $id) { ... on Connector { title } } }`,
          { id: event.data.lifecycleEvents.data.connector },
          t.tokens.admin,
        );
        expect(viaNode.body.data.node).toEqual({ title: 'Hooked' });

        // Two 500s, then 204: three attempts of the same delivery.
        const attempts = await until(() => (rx.received.length >= 3 ? rx.received : undefined));
        const [first, , third] = attempts;
        expect(third.body).toBe(first.body);
        expect(third.headers['x-registry-delivery']).toBe(first.headers['x-registry-delivery']);
        const payload = JSON.parse(third.body);
        expect(payload).toMatchObject({
          type: 'version.created',
          data: { connector: id, version: 1 },
        });
        const ws = await t.gql(`{ viewer { workspace { id } } }`, {}, t.tokens.admin);
        expect(payload.workspace).toBe(ws.body.data.viewer.workspace.id);
        expect(third.headers['x-registry-event']).toBe('version.created');
        const expected =
          'sha256=' +
          createHmac('sha256', reg.secret)
            .update(`${third.headers['x-registry-timestamp']}.${third.body}`)
            .digest('hex');
        expect(third.headers['x-registry-signature']).toBe(expected);

        const log = await until(async () => {
          const hooks = (
            await t.gql(
              `{ webhooks(first: 5) { nodes { deliveries(first: 20) { nodes { event status attempts lastStatus } } } } }`,
              {},
              t.tokens.admin,
            )
          ).body.data.webhooks;
          const d = hooks.nodes[0].deliveries.nodes.find((x: any) => x.event === 'VERSION_CREATED');
          return d?.status === 'DELIVERED' ? d : undefined;
        });
        expect(log).toEqual({
          event: 'VERSION_CREATED',
          status: 'DELIVERED',
          attempts: 3,
          lastStatus: 204,
        });
      } finally {
        await rx.close();
      }
    });

    it('gives up after the last attempt and marks the delivery failed', async () => {
      const rx = await webhookReceiver(100);
      try {
        await t.gql(REGISTER, { url: rx.url, events: ['VERSION_RELEASED'] }, t.tokens.admin);
        const c = (
          await t.gql(CREATE, { input: { title: 'Doomed', code: validCode() } }, t.tokens.admin)
        ).body.data.createConnector.connector;
        await t.gql(RELEASE, { input: { id: c!.id } }, t.tokens.admin);
        const failed = await until(async () => {
          const hooks = (
            await t.gql(
              `{ webhooks(first: 5) { nodes { url deliveries(first: 1) { nodes { event status attempts lastStatus lastError } } } } }`,
              {},
              t.tokens.admin,
            )
          ).body.data.webhooks;
          const d = hooks.nodes.find((h: any) => h.url === rx.url)?.deliveries.nodes[0];
          return d?.status === 'FAILED' ? d : undefined;
        });
        expect(failed).toMatchObject({
          event: 'VERSION_RELEASED',
          attempts: 4,
          lastStatus: 500,
          lastError: 'HTTP 500',
        });
        expect(rx.received).toHaveLength(4);
      } finally {
        await rx.close();
      }
    });

    it('tells the publisher when a listing is reviewed', async () => {
      const reviewer = await t.reviewerToken('rev');
      const c = (
        await t.gql(CREATE, { input: { title: 'Listed', code: validCode() } }, t.tokens.admin)
      ).body.data.createConnector.connector;
      await t.gql(RELEASE, { input: { id: c!.id } }, t.tokens.admin);
      await t.gql(
        `mutation($id: ID!) { shareConnector(input: { id: $id }) { userErrors { code } } }`,
        { id: c!.id },
        t.tokens.admin,
      );
      const listed = await t.gql(
        `mutation($id: ID!) { listConnector(input: { id: $id, appName: "Jira", categories: ["Dev"] }) { listing { id } } }`,
        { id: c!.id },
        t.tokens.admin,
      );
      const live = await t.subscribe(
        `subscription { lifecycleEvents { type data } }`,
        t.tokens.admin,
      );
      try {
        await t.gql(
          `mutation($id: ID!) { reviewListing(input: { id: $id, decision: REJECT, reason: "Wrong logo" }) { userErrors { code } } }`,
          { id: listed.body.data.listConnector.listing.id },
          reviewer,
        );
        const event = await live.next();
        expect(event.data.lifecycleEvents).toMatchObject({
          type: 'LISTING_REVIEWED',
          data: {
            listing: listed.body.data.listConnector.listing.id,
            connector: c!.id,
            status: 'REJECTED',
            reason: 'Wrong logo',
          },
        });
      } finally {
        live.close();
      }
    });

    it('accepts only HTTPS endpoints (loopback http only when configured) and known events', async () => {
      const cases: [string, string[], string][] = [
        ['http://example.com/hook', ['VERSION_CREATED'], 'input.url'],
        ['not a url', ['VERSION_CREATED'], 'input.url'],
        ['https://example.com/hook', [], 'input.events'],
      ];
      for (const [url, events, field] of cases) {
        expect(
          (await t.gql(REGISTER, { url, events }, t.tokens.admin)).body.data.registerWebhook
            .userErrors[0],
          url,
        ).toMatchObject({ code: 'INVALID_INPUT', field: field.split('.') });
      }
      const strict = await startTestServer(backend);
      try {
        const token = await strict.token('strict');
        expect(
          (
            await strict.gql(
              REGISTER,
              { url: 'http://127.0.0.1:9/x', events: ['VERSION_CREATED'] },
              token,
            )
          ).body.data.registerWebhook.userErrors[0].field,
        ).toEqual(['input', 'url']);
        expect(
          (
            await strict.gql(
              REGISTER,
              { url: 'https://hooks.example.com/x', events: ['VERSION_CREATED'] },
              token,
            )
          ).body.data.registerWebhook.userErrors,
        ).toEqual([]);
      } finally {
        await strict.close();
      }
    });
  });
}
