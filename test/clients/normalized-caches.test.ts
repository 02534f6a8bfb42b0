import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { getMainDefinition } from '@apollo/client/utilities';
import { print } from 'graphql';
import { createClient as createSSEClient, type Client as SSEClient } from 'graphql-sse';
import { Observable } from 'rxjs';
import { Client, fetchExchange, gql as ugql } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { useServer } from '../helpers/fixtures.js';
import { validCode } from '../fixtures/code.js';

/**
 * Apollo Client 4 (default InMemoryCache) and urql with graphcache (default config, no schema)
 * against the real server: the flow a front-end runs, with a refusal read from userErrors, and a
 * subscription over each client's own HTTP transport (Apollo's HttpLink: multipart/mixed;
 * urql's fetchExchange with `fetchSubscriptions`: text/event-stream).
 */
const APP_LIST = `query List($after: String) { connectors(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id title } } }`;
const APP_CREATE = `mutation Create($input: CreateConnectorInput!) { createConnector(input: $input) { connector { id title latestVersion } userErrors { code message field } } }`;
const APP_UPDATE = `mutation Update($input: UpdateConnectorInput!) { updateConnector(input: $input) { connector { id title latestVersion } userErrors { code message field } } }`;
const APP_RELEASE = `mutation Release($input: ReleaseConnectorInput!) { releaseConnector(input: $input) { connector { id latestReleasedVersion } userErrors { code message field detail } } }`;
const EVENTS = `subscription Events { lifecycleEvents { type data } }`;
const APP_SHARE = `mutation Share($input: ShareConnectorInput!) { shareConnector(input: $input) { connector { id latestSharedVersion } userErrors { code message } } }`;

/**
 * The link Yoga's and graphql-sse's documentation give for Apollo: subscriptions through the
 * graphql-sse client (distinct connections mode: one SSE response per subscription on /graphql).
 * Apollo's own HTTP multipart subscriptions are not served by Yoga, which streams subscriptions
 * only as text/event-stream.
 */
class SSELink extends ApolloLink {
  constructor(private readonly client: SSEClient) {
    super();
  }
  override request(operation: ApolloLink.Operation) {
    return new Observable<ApolloLink.Result>((sink) =>
      this.client.subscribe<any>(
        {
          query: print(operation.query),
          variables: operation.variables,
          operationName: operation.operationName,
        },
        {
          next: (r) => sink.next(r as ApolloLink.Result),
          complete: () => sink.complete(),
          error: (e) => sink.error(e),
        },
      ),
    );
  }
}

/**
 * A subscription is live once the server has it, which the client does not announce: create
 * connectors (each one a `version.created` event) until the subscription delivers one of them,
 * and expect that event to say what was created.
 */
async function expectCreatedEvent(
  create: () => Promise<string>,
  events: any[],
  errors: unknown[],
): Promise<void> {
  const ids: string[] = [];
  for (let attempt = 0; attempt < 40; attempt++) {
    if (errors.length) throw new Error(`subscription failed: ${String(errors[0])}`);
    ids.push(await create());
    await new Promise((r) => setTimeout(r, 250));
    const seen = ids.find((id) => events.some((e) => e.data.connector === id));
    if (seen) {
      expect(events.find((e) => e.data.connector === seen)).toMatchObject({
        type: 'VERSION_CREATED',
        data: { connector: seen, version: 1 },
      });
      return;
    }
  }
  throw new Error(`no event after ${ids.length} mutations (events: ${JSON.stringify(events)})`);
}

for (const backend of await backends()) {
  describe(`typed clients with default caches (${backend})`, () => {
    const t = useServer(backend);

    it('Apollo Client: lists with pagination, creates, updates, releases, reads the code of a refused second release, shares', async () => {
      const client = new ApolloClient({
        link: new HttpLink({ uri: t.url, headers: { authorization: `Bearer ${t.tokens.admin}` } }),
        cache: new InMemoryCache(),
      });
      const created = [];
      for (const title of ['Apollo A', 'Apollo B', 'Apollo C']) {
        const { data } = await client.mutate<any>({
          mutation: gql(APP_CREATE),
          variables: { input: { title, code: validCode({ title }) } },
        });
        expect(data.createConnector.userErrors).toEqual([]);
        created.push(data.createConnector.connector);
      }
      const page1 = (await client.query<any>({ query: gql(APP_LIST), fetchPolicy: 'network-only' }))
        .data.connectors;
      expect(page1.nodes).toHaveLength(2);
      expect(page1.pageInfo.hasNextPage).toBe(true);
      const page2 = (
        await client.query<any>({
          query: gql(APP_LIST),
          variables: { after: page1.pageInfo.endCursor },
          fetchPolicy: 'network-only',
        })
      ).data.connectors;
      expect(
        [...page1.nodes, ...page2.nodes]
          .map((n: any) => n.title)
          .filter((x: string) => x.startsWith('Apollo'))
          .sort(),
      ).toEqual(['Apollo A', 'Apollo B', 'Apollo C']);

      const id = created[0].id;
      const updated = await client.mutate<any>({
        mutation: gql(APP_UPDATE),
        variables: { input: { id, code: validCode({ title: 'Apollo A2' }) } },
      });
      expect(updated.data.updateConnector.connector.latestVersion).toBe(2);
      const first = await client.mutate<any>({
        mutation: gql(APP_RELEASE),
        variables: { input: { id } },
      });
      expect(first.data.releaseConnector).toMatchObject({
        connector: { latestReleasedVersion: 2 },
        userErrors: [],
      });
      const again = await client.mutate<any>({
        mutation: gql(APP_RELEASE),
        variables: { input: { id } },
      });
      expect(again.data.releaseConnector.connector).toBeNull();
      expect(again.data.releaseConnector.userErrors[0]).toMatchObject({
        code: 'ALREADY_RELEASED',
        message: expect.stringContaining('already released'),
      });
      const shared = await client.mutate<any>({
        mutation: gql(APP_SHARE),
        variables: { input: { id } },
      });
      expect(shared.data.shareConnector).toMatchObject({
        connector: { id, latestSharedVersion: 2 },
        userErrors: [],
      });

      // The normalized cache holds one Connector under its global ID, updated by every payload;
      // the refused release (connector: null) left it as the first release made it.
      const cached = client.cache.readFragment<any>({
        id: client.cache.identify({ __typename: 'Connector', id }),
        fragment: gql`fragment Cached on Connector { title latestVersion latestReleasedVersion latestSharedVersion }`,
      });
      expect(cached).toMatchObject({
        title: 'Apollo A',
        latestVersion: 2,
        latestReleasedVersion: 2,
        latestSharedVersion: 2,
      });
    }, 120_000);

    it('Apollo Client: a subscription through a graphql-sse link receives the event of a mutation', async () => {
      const headers = { authorization: `Bearer ${t.tokens.admin}` };
      const sse = createSSEClient({ url: t.url, headers, retryAttempts: 0 });
      const isSubscription = ({ query }: ApolloLink.Operation) => {
        const def = getMainDefinition(query);
        return def.kind === 'OperationDefinition' && def.operation === 'subscription';
      };
      const client = new ApolloClient({
        link: ApolloLink.split(
          isSubscription,
          new SSELink(sse),
          new HttpLink({ uri: t.url, headers }),
        ),
        cache: new InMemoryCache(),
      });
      const events: any[] = [];
      const errors: unknown[] = [];
      const sub = client.subscribe<any>({ query: gql(EVENTS) }).subscribe({
        next: (r) => (r.error ? errors.push(r.error) : events.push(r.data.lifecycleEvents)),
        error: (e) => errors.push(e),
      });
      try {
        await expectCreatedEvent(
          () =>
            client
              .mutate<any>({
                mutation: gql(APP_CREATE),
                variables: {
                  input: { title: 'Apollo live', code: validCode({ title: 'Apollo live' }) },
                },
              })
              .then((r) => r.data.createConnector.connector.id),
          events,
          errors,
        );
      } finally {
        sub.unsubscribe();
        sse.dispose();
      }
    }, 60_000);

    it('urql with graphcache: the same flow, the refusal code survives the normalized cache', async () => {
      const client = new Client({
        url: t.url,
        exchanges: [cacheExchange({}), fetchExchange],
        fetchOptions: { headers: { authorization: `Bearer ${t.tokens.admin}` } },
      });
      const made = await client
        .mutation(ugql(APP_CREATE), {
          input: { title: 'Urql A', code: validCode({ title: 'Urql A' }) },
        })
        .toPromise();
      expect(made.error).toBeUndefined();
      const id = made.data.createConnector.connector.id;
      const page = await client
        .query(ugql(APP_LIST), {}, { requestPolicy: 'network-only' })
        .toPromise();
      expect(page.data.connectors.nodes).toHaveLength(2);
      expect(page.data.connectors.totalCount).toBeGreaterThanOrEqual(4);
      const next = await client
        .query(
          ugql(APP_LIST),
          { after: page.data.connectors.pageInfo.endCursor },
          { requestPolicy: 'network-only' },
        )
        .toPromise();
      expect(next.data.connectors.nodes.length).toBeGreaterThan(0);
      const updated = await client
        .mutation(ugql(APP_UPDATE), { input: { id, title: 'Urql A renamed' } })
        .toPromise();
      expect(updated.data.updateConnector.connector.title).toBe('Urql A renamed');
      expect(
        (await client.mutation(ugql(APP_RELEASE), { input: { id } }).toPromise()).data
          .releaseConnector.userErrors,
      ).toEqual([]);
      const again = await client.mutation(ugql(APP_RELEASE), { input: { id } }).toPromise();
      expect(again.data.releaseConnector.userErrors[0]).toMatchObject({
        code: 'ALREADY_RELEASED',
        field: null,
      });
      const shared = await client.mutation(ugql(APP_SHARE), { input: { id } }).toPromise();
      expect(shared.data.shareConnector).toMatchObject({
        connector: { latestSharedVersion: 1 },
        userErrors: [],
      });
    }, 120_000);

    it('urql with graphcache: a subscription through fetchExchange (fetchSubscriptions) receives the event of a mutation', async () => {
      const client = new Client({
        url: t.url,
        exchanges: [cacheExchange({}), fetchExchange],
        fetchSubscriptions: true,
        fetchOptions: { headers: { authorization: `Bearer ${t.tokens.admin}` } },
      });
      const events: any[] = [];
      const errors: unknown[] = [];
      const sub = client
        .subscription(ugql(EVENTS), {})
        .subscribe((r) => (r.error ? errors.push(r.error) : events.push(r.data.lifecycleEvents)));
      try {
        await expectCreatedEvent(
          () =>
            client
              .mutation(ugql(APP_CREATE), {
                input: { title: 'Urql live', code: validCode({ title: 'Urql live' }) },
              })
              .toPromise()
              .then((r) => r.data.createConnector.connector.id),
          events,
          errors,
        );
      } finally {
        sub.unsubscribe();
      }
    }, 60_000);
  });
}
