import { beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { approvedListing, releasedConnector, useServer } from '../helpers/fixtures.js';
import { validCode } from '../fixtures/code.js';
import { CREATE, RELEASE, SHARE, UPDATE } from '../helpers/documents.js';

const LIBRARY = `{ communityListings(first: 10) { nodes { appName connector { title totalInstalls latestSharedVersion { number } } } } }`;

const [backend] = await backends();

describe(`community library cache (${backend})`, () => {
  const t = useServer(backend);
  let id: string;
  let listingId: string;

  beforeAll(async () => {
    const { admin, reviewer } = t.tokens;
    id = await releasedConnector(t, admin, { title: 'Cache Me', code: validCode() });
    listingId = await approvedListing(t, admin, reviewer, id, {
      appName: 'Jira',
      categories: ['Dev'],
    });
  });

  /** Changes the stored app name behind the registry's back: only a cached answer can hide it. */
  const sneak = (name: string) =>
    t.server.registry.db.sql.query(`UPDATE listings SET app_name = $1`, [name]);
  const appNames = async (token = t.tokens.other) =>
    (await t.gql(LIBRARY, {}, token)).body.data.communityListings.nodes.map(
      (n: { appName: string }) => n.appName,
    );

  it('answers repeated library queries from the cache', async () => {
    expect(await appNames()).toEqual(['Jira']);
    await sneak('Sneaky');
    expect(await appNames()).toEqual(['Jira']);
  });

  it('drops cached answers when a connector is installed, shared or reviewed', async () => {
    await sneak('After install');
    const link = (
      await t.gql(
        `mutation($id: ID!) { createShareLink(input: { id: $id }) { token } }`,
        { id },
        t.tokens.admin,
      )
    ).body.data.createShareLink.token;
    await t.gql(
      `mutation($t: String!) { installConnector(input: { linkToken: $t }) { userErrors { code } } }`,
      { t: link },
      t.tokens.other,
    );
    const afterInstall = (await t.gql(LIBRARY, {}, t.tokens.other)).body.data.communityListings
      .nodes[0];
    expect(afterInstall).toMatchObject({
      appName: 'After install',
      connector: { totalInstalls: 1 },
    });

    await sneak('After share');
    await t.gql(UPDATE, { input: { id, note: 'v2' } }, t.tokens.admin);
    await t.gql(RELEASE, { input: { id } }, t.tokens.admin);
    await t.gql(SHARE, { input: { id } }, t.tokens.admin);
    expect(
      (await t.gql(LIBRARY, {}, t.tokens.other)).body.data.communityListings.nodes[0],
    ).toMatchObject({
      appName: 'After share',
      connector: { latestSharedVersion: { number: 2 } },
    });

    await t.gql(
      `mutation($id: ID!) { reviewListing(input: { id: $id, decision: DISABLE, reason: "Broken" }) { userErrors { code } } }`,
      { id: listingId },
      t.tokens.reviewer,
    );
    expect(await appNames()).toEqual([]);
  });

  it('never serves a cached answer to a role that may not see the code', async () => {
    await t.gql(
      `mutation($id: ID!) { reviewListing(input: { id: $id, decision: APPROVE }) { userErrors { code } } }`,
      { id: listingId },
      t.tokens.reviewer,
    );
    const q = `{ communityListings(first: 1) { nodes { connector { latestSharedVersion { code } } } } }`;
    const ops = await t.token('beta', 'OPERATOR', 'olga');
    expect(
      (await t.gql(q, {}, t.tokens.other)).body.data.communityListings.nodes[0].connector
        .latestSharedVersion.code,
    ).toBe(validCode());
    expect(
      (await t.gql(q, {}, ops)).body.data.communityListings.nodes[0].connector.latestSharedVersion
        .code,
    ).toBeNull();
  });

  it('does not cache operations that also read workspace data', async () => {
    const q = `{ communityListings(first: 1) { totalCount } connectors(first: 5) { totalCount } }`;
    const before = (await t.gql(q, {}, t.tokens.admin)).body.data.connectors.totalCount;
    await t.gql(CREATE, { input: { title: 'Another', code: validCode() } }, t.tokens.admin);
    expect((await t.gql(q, {}, t.tokens.admin)).body.data.connectors.totalCount).toBe(before + 1);
  });
});
