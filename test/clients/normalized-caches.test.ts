import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { Client, fetchExchange, gql as ugql } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { validCode } from '../fixtures/code.js';

/**
 * Apollo Client 4 (default InMemoryCache) and urql with graphcache (default config, no schema)
 * against the real server: the flow a front-end runs, with a refusal read from userErrors.
 */
const LIST = `query List($after: String) { connectors(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id title } } }`;
const CREATE = `mutation Create($input: CreateConnectorInput!) { createConnector(input: $input) { connector { id title latestVersion } userErrors { code message field } } }`;
const UPDATE = `mutation Update($input: UpdateConnectorInput!) { updateConnector(input: $input) { connector { id title latestVersion } userErrors { code message field } } }`;
const RELEASE = `mutation Release($input: ReleaseConnectorInput!) { releaseConnector(input: $input) { connector { id latestReleasedVersion } userErrors { code message field detail } } }`;
const SHARE = `mutation Share($input: ShareConnectorInput!) { shareConnector(input: $input) { connector { id latestSharedVersion } userErrors { code message } } }`;

for (const backend of await backends()) {
  describe(`typed clients with default caches (${backend})`, () => {
    let t: TestServer;
    let token: string;
    beforeAll(async () => {
      t = await startTestServer(backend);
      token = await t.token('clients', 'ADMIN', 'ada');
    }, 60_000);
    afterAll(() => t.close());

    it('Apollo Client: lists with pagination, creates, updates, releases, reads the code of a refused second release, shares', async () => {
      const client = new ApolloClient({
        link: new HttpLink({ uri: t.url, headers: { authorization: `Bearer ${token}` } }),
        cache: new InMemoryCache(),
      });
      const created = [];
      for (const title of ['Apollo A', 'Apollo B', 'Apollo C']) {
        const { data } = await client.mutate<any>({ mutation: gql(CREATE), variables: { input: { title, code: validCode({ title }) } } });
        expect(data.createConnector.userErrors).toEqual([]);
        created.push(data.createConnector.connector);
      }
      const page1 = (await client.query<any>({ query: gql(LIST), fetchPolicy: 'network-only' })).data.connectors;
      expect(page1.nodes).toHaveLength(2);
      expect(page1.pageInfo.hasNextPage).toBe(true);
      const page2 = (await client.query<any>({ query: gql(LIST), variables: { after: page1.pageInfo.endCursor }, fetchPolicy: 'network-only' })).data.connectors;
      expect([...page1.nodes, ...page2.nodes].map((n: any) => n.title).filter((x: string) => x.startsWith('Apollo')).sort()).toEqual(['Apollo A', 'Apollo B', 'Apollo C']);

      const id = created[0].id;
      const updated = await client.mutate<any>({ mutation: gql(UPDATE), variables: { input: { id, code: validCode({ title: 'Apollo A2' }) } } });
      expect(updated.data.updateConnector.connector.latestVersion).toBe(2);
      const first = await client.mutate<any>({ mutation: gql(RELEASE), variables: { input: { id } } });
      expect(first.data.releaseConnector).toMatchObject({ connector: { latestReleasedVersion: 2 }, userErrors: [] });
      const again = await client.mutate<any>({ mutation: gql(RELEASE), variables: { input: { id } } });
      expect(again.data.releaseConnector.connector).toBeNull();
      expect(again.data.releaseConnector.userErrors[0]).toMatchObject({ code: 'ALREADY_RELEASED', message: expect.stringContaining('already released') });
      const shared = await client.mutate<any>({ mutation: gql(SHARE), variables: { input: { id } } });
      expect(shared.data.shareConnector).toMatchObject({ connector: { id, latestSharedVersion: 2 }, userErrors: [] });
    }, 120_000);

    it('urql with graphcache: the same flow, the refusal code survives the normalized cache', async () => {
      const client = new Client({
        url: t.url,
        exchanges: [cacheExchange({}), fetchExchange],
        fetchOptions: { headers: { authorization: `Bearer ${token}` } },
      });
      const made = await client.mutation(ugql(CREATE), { input: { title: 'Urql A', code: validCode({ title: 'Urql A' }) } }).toPromise();
      expect(made.error).toBeUndefined();
      const id = made.data.createConnector.connector.id;
      const page = await client.query(ugql(LIST), {}, { requestPolicy: 'network-only' }).toPromise();
      expect(page.data.connectors.nodes).toHaveLength(2);
      expect(page.data.connectors.totalCount).toBeGreaterThanOrEqual(4);
      const next = await client.query(ugql(LIST), { after: page.data.connectors.pageInfo.endCursor }, { requestPolicy: 'network-only' }).toPromise();
      expect(next.data.connectors.nodes.length).toBeGreaterThan(0);
      const updated = await client.mutation(ugql(UPDATE), { input: { id, title: 'Urql A renamed' } }).toPromise();
      expect(updated.data.updateConnector.connector.title).toBe('Urql A renamed');
      expect((await client.mutation(ugql(RELEASE), { input: { id } }).toPromise()).data.releaseConnector.userErrors).toEqual([]);
      const again = await client.mutation(ugql(RELEASE), { input: { id } }).toPromise();
      expect(again.data.releaseConnector.userErrors[0]).toMatchObject({ code: 'ALREADY_RELEASED', field: null });
      const shared = await client.mutation(ugql(SHARE), { input: { id } }).toPromise();
      expect(shared.data.shareConnector).toMatchObject({ connector: { latestSharedVersion: 1 }, userErrors: [] });
    }, 120_000);
  });
}
