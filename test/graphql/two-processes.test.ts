import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { createReviewerToken, createToken } from '../../src/domain/auth.js';
import { backends } from '../helpers/backends.js';
import { forAll } from '../helpers/hooks.js';
import { gqlAt as gql, twoGateways } from '../helpers/processes.js';
import { sseSubscribe } from '../helpers/server.js';
import { validCode } from '../fixtures/code.js';
import { CREATE, RELEASE, SHARE, UPDATE } from '../helpers/documents.js';

const hasPostgres = (await backends()).includes('postgres');

describe.skipIf(!hasPostgres)('two gateway processes on one PostgreSQL', () => {
  const gateways = forAll(
    () =>
      twoGateways({
        RATE_LIMIT_PER_SECOND: '10000',
        RATE_LIMIT_BURST: '10000',
        GRAPHQL_RATE_LIMIT_POINTS: '100000000',
      }),
    60_000,
  );
  let a: { url: string; child: ChildProcess };
  let b: { url: string; child: ChildProcess };
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    ({ a, b } = gateways);
    const conn = await openDatabase({ url: gateways.db.url });
    tokens.owner = (
      await createToken(conn.prisma, { workspace: 'acme', role: 'ADMIN', handle: 'alice' })
    ).token;
    tokens.beta = (
      await createToken(conn.prisma, { workspace: 'beta', role: 'ADMIN', handle: 'bob' })
    ).token;
    tokens.reviewer = (await createReviewerToken(conn.prisma, 'rita')).token;
    await conn.close();
  }, 60_000);

  it('delivers an update notification raised in process A to a subscriber connected to process B', async () => {
    const id = (
      await gql(a.url, CREATE, { input: { title: 'Crossing', code: validCode() } }, tokens.owner)
    ).data.createConnector.connector.id;
    await gql(a.url, RELEASE, { input: { id } }, tokens.owner);
    await gql(a.url, SHARE, { input: { id } }, tokens.owner);
    const link = await gql(
      a.url,
      `mutation($id: ID!) { createShareLink(input: { id: $id }) { token } }`,
      { id },
      tokens.owner,
    );
    const install = await gql(
      b.url,
      `mutation($t: String!) { installConnector(input: { linkToken: $t }) { connector { id } } }`,
      { t: link.data.createShareLink.token },
      tokens.beta,
    );
    const copyId = install.data.installConnector.connector.id;

    const live = await sseSubscribe(
      b.url,
      `subscription { notificationAdded { parentVersion connector { id } } }`,
      tokens.beta,
    );
    try {
      await gql(a.url, UPDATE, { input: { id, note: 'second' } }, tokens.owner);
      await gql(a.url, RELEASE, { input: { id } }, tokens.owner);
      await gql(a.url, SHARE, { input: { id } }, tokens.owner);
      const event = await live.next(15_000);
      expect(event.data.notificationAdded).toEqual({ parentVersion: 2, connector: { id: copyId } });
    } finally {
      live.close();
    }
  });

  it("clears process B's cached library answer when a listing is approved through process A", async () => {
    const LIBRARY = `{ communityListings(first: 10, search: "Cached") { totalCount nodes { connector { title totalInstalls } } } }`;
    expect((await gql(b.url, LIBRARY, {}, tokens.beta)).data.communityListings.totalCount).toBe(0);
    expect((await gql(b.url, LIBRARY, {}, tokens.beta)).data.communityListings.totalCount).toBe(0); // now cached

    const id = (
      await gql(
        a.url,
        CREATE,
        { input: { title: 'Cached Thing', code: validCode() } },
        tokens.owner,
      )
    ).data.createConnector.connector.id;
    await gql(a.url, RELEASE, { input: { id } }, tokens.owner);
    await gql(a.url, SHARE, { input: { id } }, tokens.owner);
    const listed = await gql(
      a.url,
      `mutation($id: ID!) { listConnector(input: { id: $id, appName: "Slack", categories: ["Chat"] }) { listing { id } } }`,
      { id },
      tokens.owner,
    );
    await gql(
      a.url,
      `mutation($id: ID!) { reviewListing(input: { id: $id, decision: APPROVE }) { userErrors { code } } }`,
      { id: listed.data.listConnector.listing.id },
      tokens.reviewer,
    );

    // NOTIFY is asynchronous: B sees the change within moments, not necessarily at once.
    let total = 0;
    for (let i = 0; i < 50 && total === 0; i++) {
      total = (await gql(b.url, LIBRARY, {}, tokens.beta)).data.communityListings.totalCount;
      if (total === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(total).toBe(1);
  });
});
