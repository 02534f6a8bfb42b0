import { readFileSync } from 'node:fs';
import { ApolloClient, CombinedGraphQLErrors, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { Defer20220824Handler } from '@apollo/client/incremental';
import { relayStylePagination } from '@apollo/client/utilities';
import { Client, fetchExchange, gql as ugql } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { useServer } from '../helpers/fixtures.js';
import { startTestServer } from '../helpers/server.js';
import { validCode } from '../fixtures/code.js';

/**
 * What front-end apps meet with their own clients (issue 23, items 13 to 17): a 401 Apollo Client
 * can read, preflights for the headers tracing and client awareness add, payloads normalized caches
 * can use, refused incremental delivery, and what costs what.
 */
const root = new URL('../..', import.meta.url);
const APP_CREATE = `mutation Create($input: CreateConnectorInput!) { createConnector(input: $input) { connector { id title } connectorEdge { cursor node { id title } } userErrors { code message } } }`;
const APP_RELEASE = `mutation($input: ReleaseConnectorInput!) { releaseConnector(input: $input) { userErrors { code } } }`;
const APP_SHARE = `mutation($input: ShareConnectorInput!) { shareConnector(input: $input) { userErrors { code } } }`;
const APP_UPDATE = `mutation($input: UpdateConnectorInput!) { updateConnector(input: $input) { userErrors { code } } }`;
const APP_LINK = `mutation($input: CreateShareLinkInput!) { createShareLink(input: $input) { token userErrors { code } } }`;
const APP_INSTALL = `mutation($input: InstallConnectorInput!) { installConnector(input: $input) { connector { id } connectorEdge { cursor node { id } } userErrors { code } } }`;

const preflight = (url: string, headers: string) =>
  fetch(url, {
    method: 'OPTIONS',
    headers: {
      origin: 'https://app.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': headers,
    },
  });

/** Records every JSON answer an Apollo/urql client receives (their results hide `extensions`). */
function recordingFetch(seen: any[]): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    if ((res.headers.get('content-type') ?? '').includes('json'))
      seen.push({ status: res.status, headers: res.headers, body: await res.clone().json() });
    return res;
  };
}

for (const backend of await backends()) {
  describe(`client apps (${backend})`, () => {
    const t = useServer(backend);

    it('13: Apollo Client reads UNAUTHENTICATED from a 401 (negotiated media type), and every 401 names the Bearer scheme', async () => {
      for (const headers of [{ authorization: 'Bearer crt_not_a_real_token' }, {}] as Record<
        string,
        string
      >[]) {
        const seen: any[] = [];
        const client = new ApolloClient({
          link: new HttpLink({ uri: t.url, headers, fetch: recordingFetch(seen) }),
          cache: new InMemoryCache(),
        });
        const error = await client.query({ query: gql`query Me { viewer { handle } }` }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(CombinedGraphQLErrors.is(error), String(error)).toBe(true);
        expect((error as CombinedGraphQLErrors).errors[0].extensions?.code).toBe('UNAUTHENTICATED');
        expect(seen[0].status).toBe(401);
        expect(seen[0].headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
        expect(seen[0].headers.get('www-authenticate')).toMatch(/^Bearer\b/);
      }
      // A client that asks for plain JSON still gets it.
      const plain = await fetch(t.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          authorization: 'Bearer nope',
        },
        body: '{"query":"{ viewer { handle } }"}',
      });
      expect(plain.status).toBe(401);
      expect(plain.headers.get('content-type')).toMatch(/^application\/json/);
      expect(plain.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      // REST: the same header whether the token is missing or refused.
      for (const req of [{}, { token: 'crt_revoked_or_unknown' }]) {
        const rest = await t.rest('GET', '/api/custom_connectors', req);
        expect(rest.status).toBe(401);
        expect(rest.headers['www-authenticate']).toMatch(/^Bearer\b/);
      }
    });

    it('14: preflights pass for traceparent, sentry-trace, baggage and Apollo client awareness headers', async () => {
      const wanted =
        'authorization,content-type,traceparent,tracestate,sentry-trace,baggage,apollographql-client-name,apollographql-client-version';
      const res = await preflight(t.url, wanted);
      expect(res.status).toBeLessThan(300);
      const allowed = (res.headers.get('access-control-allow-headers') ?? '')
        .toLowerCase()
        .split(/\s*,\s*/);
      for (const h of wanted.split(',')) expect(allowed, h).toContain(h);

      // Apollo Client 4 sends its client-awareness headers when told its name: the request passes.
      const client = new ApolloClient({
        link: new HttpLink({
          uri: t.url,
          headers: {
            authorization: `Bearer ${t.tokens.admin}`,
            traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
          },
        }),
        cache: new InMemoryCache(),
        clientAwareness: { name: 'web-app', version: '1.2.3' },
      });
      expect(
        (await client.query<any>({ query: gql`query Me { viewer { handle } }` })).data.viewer
          .handle,
      ).toBe('alice');
    });

    it('15: payloads carry edges for Relay-style lists, the removed webhook ID, and the notifications marked read', async () => {
      // Apollo: the new connector's edge cursor pages the list from exactly after it.
      const client = new ApolloClient({
        link: new HttpLink({ uri: t.url, headers: { authorization: `Bearer ${t.tokens.admin}` } }),
        cache: new InMemoryCache(),
      });
      const made = [];
      for (const title of ['Edge A', 'Edge B']) {
        const { data } = await client.mutate<any>({
          mutation: gql(APP_CREATE),
          variables: { input: { title, code: validCode({ title }) } },
        });
        expect(data.createConnector.connectorEdge.node).toEqual({
          __typename: 'Connector',
          id: data.createConnector.connector.id,
          title,
        });
        made.push(data.createConnector);
      }
      const after = await client.query<any>({
        query: gql`query Page($after: String) { connectors(first: 5, after: $after) { edges { cursor node { id } } } }`,
        variables: { after: made[1].connectorEdge.cursor },
      });
      // Newest first: right after "Edge B" comes "Edge A".
      expect(after.data.connectors.edges[0].node.id).toBe(made[0].connector.id);

      // removeWebhook answers the ID a cache deletes (Relay's @deleteRecord).
      const hook = await t.gql(
        `mutation { registerWebhook(input: { url: "https://hooks.example.com/x", events: [VERSION_CREATED] }) { webhook { id } webhookEdge { cursor node { id } } userErrors { code } } }`,
        {},
        t.tokens.admin,
      );
      const webhookId = hook.body.data.registerWebhook.webhook.id;
      expect(hook.body.data.registerWebhook.webhookEdge.node.id).toBe(webhookId);
      const removed = await t.gql(
        `mutation($id: ID!) { removeWebhook(input: { id: $id }) { removed deletedWebhookId userErrors { code } } }`,
        { id: webhookId },
        t.tokens.admin,
      );
      expect(removed.body.data.removeWebhook).toEqual({
        removed: true,
        deletedWebhookId: webhookId,
        userErrors: [],
      });

      // A notification in another workspace (an install, then a newer share).
      const parent = made[0].connector.id;
      await t.gql(APP_RELEASE, { input: { id: parent } }, t.tokens.admin);
      await t.gql(APP_SHARE, { input: { id: parent } }, t.tokens.admin);
      const linkToken = (await t.gql(APP_LINK, { input: { id: parent } }, t.tokens.admin)).body.data
        .createShareLink.token;
      const other = await t.token('installer', 'ADMIN', 'ivy');
      const installed = (await t.gql(APP_INSTALL, { input: { linkToken } }, other)).body.data
        .installConnector;
      expect(installed.connectorEdge.node.id).toBe(installed.connector.id);
      await t.gql(
        APP_UPDATE,
        {
          input: {
            id: parent,
            code: validCode({
              title: 'Edge A',
              actions: ['search_records', 'create_record', 'update_record'],
            }),
          },
        },
        t.tokens.admin,
      );
      await t.gql(APP_RELEASE, { input: { id: parent } }, t.tokens.admin);
      await t.gql(APP_SHARE, { input: { id: parent } }, t.tokens.admin);

      // urql + graphcache (default config): marking read updates the cached notification and the
      // unread list without a refetch, because the payload returns the notifications.
      const urql = new Client({
        url: t.url,
        exchanges: [cacheExchange({}), fetchExchange],
        fetchOptions: { headers: { authorization: `Bearer ${other}` } },
        requestPolicy: 'cache-first',
      });
      const LIST = ugql`query Notes { notifications(first: 10) { nodes { id readAt } } }`;
      const before = await urql.query(LIST, {}).toPromise();
      expect(before.error).toBeUndefined();
      const note = before.data.notifications.nodes[0];
      expect(note.readAt).toBeNull();
      const marked = await urql
        .mutation(
          ugql`mutation Mark($ids: [ID!]!) { markNotificationsRead(input: { ids: $ids }) { marked notifications { id readAt } userErrors { code } } }`,
          { ids: [note.id] },
        )
        .toPromise();
      expect(marked.data.markNotificationsRead.marked).toBe(1);
      const cached = await urql.query(LIST, {}, { requestPolicy: 'cache-only' }).toPromise();
      expect(
        cached.data.notifications.nodes.find((n: any) => n.id === note.id).readAt,
      ).not.toBeNull();
    });

    it('16: a @defer request from a JSON-only client is refused with a body and costs nothing; schema.graphql declares @defer and @stream', async () => {
      await t.gql(
        APP_CREATE,
        { input: { title: 'Deferred', code: validCode({ title: 'Deferred' }) } },
        t.tokens.admin,
      );
      const cheap = async () =>
        (await t.gql(`{ viewer { handle } }`, {}, t.tokens.admin)).body.extensions.rateLimit as {
          remaining: number;
          cost: number;
        };
      const start = await cheap();
      const deferred = `query Deferred { connectors(first: 20) { totalCount ... @defer { nodes { id title versions(first: 10) { nodes { number } } } } } }`;
      for (let i = 0; i < 3; i++) {
        const res = await fetch(t.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            authorization: `Bearer ${t.tokens.admin}`,
          },
          body: JSON.stringify({ query: deferred }),
        });
        expect(res.status).toBe(406);
        const body = await res.json();
        expect(body.errors[0].extensions.code).toBe('NOT_ACCEPTABLE');
        expect(body.errors[0].message).toMatch(/multipart\/mixed/);
      }
      // Only the second cheap read was spent since the first.
      const end = await cheap();
      expect(end.remaining).toBe(start.remaining - end.cost);
      // The same operation with Apollo Client, which accepts multipart/mixed, is answered in parts.
      const client = new ApolloClient({
        link: new HttpLink({ uri: t.url, headers: { authorization: `Bearer ${t.tokens.admin}` } }),
        cache: new InMemoryCache(),
        incrementalHandler: new Defer20220824Handler(),
      });
      const { data } = await client.query<any>({ query: gql(deferred) });
      expect(data.connectors.nodes).toBeDefined();
      expect(data.connectors.totalCount).toBeGreaterThan(0);

      // Tools that validate operations against schema.graphql (graphql-inspector, graphql-eslint) accept it.
      const printed = buildSchema(readFileSync(new URL('schema.graphql', root), 'utf8'));
      expect(validate(printed, parse(deferred)).map((e) => e.message)).toEqual([]);
      expect(
        validate(
          printed,
          parse(`{ connectors(first: 10) { nodes @stream(initialCount: 2) { id } } }`),
        ).map((e) => e.message),
      ).toEqual([]);
    });

    it('17: __typename costs nothing (Apollo and by hand cost the same)', async () => {
      const seen: any[] = [];
      const client = new ApolloClient({
        link: new HttpLink({
          uri: t.url,
          headers: { authorization: `Bearer ${t.tokens.admin}` },
          fetch: recordingFetch(seen),
        }),
        cache: new InMemoryCache(),
      });
      const query = `query Costly { connectors(first: 100) { totalCount nodes { id title versions(first: 2) { nodes { number } } } } }`;
      await client.query({ query: gql(query) });
      const byHand = await t.gql(query, {}, t.tokens.admin);
      expect(JSON.stringify(seen[0].body)).toContain('__typename');
      expect(seen[0].body.extensions.cost.requestedQueryCost).toBe(
        byHand.body.extensions.cost.requestedQueryCost,
      );
    });

    it('17: the pagination example of docs/clients.md selects edges and merges pages with Apollo relayStylePagination', async () => {
      const docs = readFileSync(new URL('docs/clients.md', root), 'utf8');
      const example = /```graphql\n(query ConnectorsPage[\s\S]*?)```/.exec(docs)?.[1];
      expect(example, 'docs/clients.md has a ConnectorsPage example').toBeTruthy();
      const client = new ApolloClient({
        link: new HttpLink({ uri: t.url, headers: { authorization: `Bearer ${t.tokens.admin}` } }),
        cache: new InMemoryCache({
          typePolicies: { Query: { fields: { connectors: relayStylePagination(['search']) } } },
        }),
      });
      const query = gql(example!);
      const first = await client.query<any>({ query, variables: { first: 1 } });
      const total = first.data.connectors.totalCount;
      expect(total).toBeGreaterThan(1);
      const watched = client.watchQuery<any>({ query, variables: { first: 1 } });
      await watched.fetchMore({
        variables: { first: 1, after: first.data.connectors.pageInfo.endCursor },
      });
      const merged = client.readQuery<any>({ query, variables: { first: 1 } });
      expect(merged.connectors.edges).toHaveLength(2);
    });
  });
}

/** Settings other than the defaults: one server each, on the embedded database. */
describe('client apps under other settings', () => {
  it("14: CORS_ALLOWED_HEADERS replaces the default extra headers; the API's own stay", async () => {
    const custom = await startTestServer('pglite', { CORS_ALLOWED_HEADERS: ['x-tenant-hint'] });
    try {
      const own = (
        (await preflight(custom.url, 'authorization,x-tenant-hint')).headers.get(
          'access-control-allow-headers',
        ) ?? ''
      ).toLowerCase();
      expect(own).toContain('x-tenant-hint');
      expect(own).toContain('authorization'); // the API's own headers stay
      expect(own).not.toContain('sentry-trace');
    } finally {
      await custom.close();
    }
  }, 120_000);

  it('17: an operation costing more than the whole budget is told it can never pass, and spends nothing', async () => {
    const small = await startTestServer('pglite', { GRAPHQL_RATE_LIMIT_POINTS: 50 });
    try {
      const own = await small.token('small', 'ADMIN', 'sam');
      const res = await small.gql(`{ connectors(first: 100) { nodes { id title } } }`, {}, own);
      expect(res.body.errors?.[0].extensions?.code).toBe('QUERY_OVER_BUDGET');
      expect(res.body.errors?.[0].message).toMatch(/can never pass/);
      expect(res.headers.get('retry-after')).toBeNull();
      // Nothing was spent: a small query still has the whole budget but its own cost.
      const ok = await small.gql(`{ viewer { handle } }`, {}, own);
      expect(ok.body.extensions.rateLimit.remaining).toBe(50 - ok.body.extensions.rateLimit.cost);
    } finally {
      await small.close();
    }
  }, 120_000);
});
