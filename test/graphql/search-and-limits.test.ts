import { beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { approvedListing, releasedConnector, useServer } from '../helpers/fixtures.js';
import { validCode } from '../fixtures/code.js';
import { CREATE } from '../helpers/documents.js';

const SEARCH = `query($s: String) { connectors(first: 50, search: $s) { totalCount nodes { title } } }`;
const LIBRARY = `query($search: String, $app: String) { communityListings(first: 50, search: $search, app: $app) { totalCount nodes { connector { title } appName } } }`;
const CATALOG = `query($s: String) { catalogApps(search: $s, first: 20) { nodes { name } } }`;

const TITLES = ['Acme', 'A_me Labs', '100% Cool', 'Back\\slash', 'Plain'];

for (const backend of await backends()) {
  describe(`literal search, list limits and honest titles (${backend})`, () => {
    const t = useServer(backend);
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      const { other, reviewer } = t.tokens;
      for (const title of TITLES) {
        const c = (await t.gql(CREATE, { input: { title, code: validCode() } }, t.tokens.admin))
          .body.data.createConnector.connector;
        ids[title] = c!.id;
        // The same titles in another workspace's community listings, with apps whose names hold wildcards.
        const p = await releasedConnector(t, other, { title, code: validCode() });
        const app = title === 'Plain' ? 'Zoom' : `${title} App`;
        await approvedListing(t, other, reviewer, p, { appName: app, categories: ['Tools'] });
        await t.gql(
          `mutation($n: String!) { addCatalogApp(input: { name: $n }) { userErrors { code } } }`,
          { n: app },
          reviewer,
        );
      }
    }, 180_000); // a loaded two-core machine can take a minute to set this up on PGlite

    const titles = (nodes: { title: string }[]) => nodes.map((n) => n.title).sort();

    it('treats %, _ and \\ in connectors(search) as literal characters, in any case', async () => {
      const cases: [string, string[]][] = [
        ['%', ['100% Cool']],
        ['_', ['A_me Labs']],
        ['A_me', ['A_me Labs']],
        ['a_ME', ['A_me Labs']],
        ['\\', ['Back\\slash']],
        ['k\\s', ['Back\\slash']],
        ['K\\S', ['Back\\slash']],
        ['cme', ['Acme']],
        ['ACME', ['Acme']],
        ['% cOOL', ['100% Cool']],
        ['%%', []],
      ];
      for (const [s, expected] of cases) {
        const res = await t.gql(SEARCH, { s }, t.tokens.admin);
        expect(titles(res.body.data.connectors.nodes), s).toEqual(expected);
        expect(res.body.data.connectors.totalCount, s).toBe(expected.length);
      }
    });

    it('treats them literally in the REST search too, which stays case-sensitive as the spec documents', async () => {
      for (const [title, expected] of [
        ['%', ['100% Cool']],
        ['_', ['A_me Labs']],
        ['\\', ['Back\\slash']],
        ['Acme', ['Acme']],
        ['acme', []],
      ] as const) {
        const res = await t.rest(
          'GET',
          `/api/custom_connectors/search?title=${encodeURIComponent(title)}`,
          { token: t.tokens.admin },
        );
        expect(res.status).toBe(200);
        expect(res.body.data.map((r: { title: string }) => r.title).sort(), title).toEqual(
          expected,
        );
      }
    });

    it('treats them literally in communityListings(search, app) and catalogApps(search)', async () => {
      const bySearch = await t.gql(LIBRARY, { search: '%' }, t.tokens.admin);
      expect(bySearch.body.data.communityListings.nodes.map((n: any) => n.connector.title)).toEqual(
        ['100% Cool'],
      );
      const underscore = await t.gql(LIBRARY, { search: 'a_ME' }, t.tokens.admin); // any case, still literal
      expect(
        underscore.body.data.communityListings.nodes.map((n: any) => n.connector.title),
      ).toEqual(['A_me Labs']);
      const app = await t.gql(LIBRARY, { app: '%' }, t.tokens.admin);
      expect(app.body.data.communityListings.totalCount).toBe(0);
      const appExact = await t.gql(LIBRARY, { app: 'a_me labs app' }, t.tokens.admin);
      expect(appExact.body.data.communityListings.nodes.map((n: any) => n.appName)).toEqual([
        'A_me Labs App',
      ]);
      const appWildcard = await t.gql(LIBRARY, { app: 'Zoo_' }, t.tokens.admin);
      expect(appWildcard.body.data.communityListings.totalCount).toBe(0);
      const catalog = await t.gql(CATALOG, { s: '%' }, t.tokens.admin);
      expect(catalog.body.data.catalogApps.nodes.map((a: any) => a.name)).toEqual([
        '100% Cool App',
      ]);
      const catalogUnderscore = await t.gql(CATALOG, { s: '_' }, t.tokens.admin);
      expect(catalogUnderscore.body.data.catalogApps.nodes.map((a: any) => a.name)).toEqual([
        'A_me Labs App',
      ]);
    });

    it('refuses first and last together on every connection', async () => {
      const docs = [
        `{ connectors(first: 5, last: 5) { nodes { id } } }`,
        `{ communityListings(first: 2, last: 2) { nodes { id } } }`,
        `{ notifications(first: 1, last: 1) { nodes { id } } }`,
        `query($id: ID!) { connector(id: $id) { versions(first: 1, last: 1) { nodes { number } } } }`,
      ];
      for (const doc of docs) {
        const res = await t.gql(doc, { id: ids.Acme }, t.tokens.admin);
        expect(res.body.errors?.[0]?.extensions?.code, doc).toBe('BAD_USER_INPUT');
        expect(res.body.errors?.[0]?.message, doc).toMatch(/both `first` and `last`/);
      }
      // Each alone still works.
      expect(
        (await t.gql(`{ connectors(last: 2) { nodes { title } } }`, {}, t.tokens.admin)).body.data
          .connectors.nodes,
      ).toHaveLength(2);
    });

    it('pages the connector list forwards and backwards with cursors, newest first, without gaps or repeats', async () => {
      const PAGE = `query($first: Int, $after: String, $last: Int, $before: String) {
        connectors(first: $first, after: $after, last: $last, before: $before) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { title } } }`;
      const newestFirst = [...TITLES].reverse();
      const forward: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page: any = (await t.gql(PAGE, { first: 2, after }, t.tokens.admin)).body.data
          .connectors;
        forward.push(...page.nodes.map((n: { title: string }) => n.title));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(forward).toEqual(newestFirst);
      const backward: string[] = [];
      let before: string | null = null;
      for (;;) {
        const page: any = (
          await t.gql(PAGE, before ? { last: 2, before } : { last: 2 }, t.tokens.admin)
        ).body.data.connectors;
        backward.unshift(...page.nodes.map((n: { title: string }) => n.title));
        if (!page.pageInfo.hasPreviousPage) break;
        before = page.pageInfo.startCursor;
      }
      expect(backward).toEqual(newestFirst);
    });

    it('takes at most 100 IDs in nodes(ids), and charges for each', async () => {
      const query = `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`;
      const hundred = Array.from({ length: 100 }, () => ids.Acme);
      const ok = await t.gql(query, { ids: hundred }, t.tokens.admin);
      expect(ok.body.errors).toBeUndefined();
      expect(ok.body.data.nodes).toHaveLength(100);
      const one = await t.gql(query, { ids: [ids.Acme] }, t.tokens.admin);
      expect(ok.body.extensions.cost.requestedQueryCost).toBeGreaterThanOrEqual(
        100 * one.body.extensions.cost.requestedQueryCost - 100,
      );

      const tooMany = await t.gql(query, { ids: [...hundred, ids.Plain] }, t.tokens.admin);
      expect(tooMany.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(tooMany.body.data?.nodes ?? null).toBeNull();

      // 20 000 IDs of a costly object are refused up front, quickly, never as an internal error.
      const started = Date.now();
      const huge = await t.gql(
        `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Connector { versions(first: 10) { nodes { code } } } } }`,
        { ids: Array.from({ length: 20_000 }, () => ids.Acme) },
        t.tokens.admin,
      );
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(['QUERY_TOO_COSTLY', 'BAD_USER_INPUT']).toContain(
        huge.body.errors?.[0]?.extensions?.code,
      );
    });

    it('refuses titles with control characters or bidirectional overrides, and writes nothing', async () => {
      const bad = [
        'Acme\u202Eevil',
        'Tab\there',
        'Line\nbreak',
        'Bell\u0007',
        'Isolate\u2067x\u2069',
        'Mark\u200F',
        'Del\u007F',
      ];
      const before = (await t.gql(SEARCH, {}, t.tokens.admin)).body.data.connectors.totalCount;
      for (const title of bad) {
        const created = await t.gql(
          CREATE,
          { input: { title, code: validCode() } },
          t.tokens.admin,
        );
        expect(
          created.body.data.createConnector.userErrors[0],
          JSON.stringify(title),
        ).toMatchObject({ code: 'INVALID_INPUT', field: ['input', 'title'] });
        const updated = await t.gql(
          `mutation($id: ID!, $title: String!) { updateConnector(input: { id: $id, title: $title }) { userErrors { code field } } }`,
          { id: ids.Plain, title },
          t.tokens.admin,
        );
        expect(
          updated.body.data.updateConnector.userErrors[0],
          JSON.stringify(title),
        ).toMatchObject({ code: 'INVALID_INPUT', field: ['input', 'title'] });
      }
      const rest = await t.rest('POST', '/api/custom_connectors', {
        token: t.tokens.admin,
        body: { title: 'x\u202Ey', code: validCode() },
      });
      expect(rest.status).toBe(400);
      expect(rest.body.error_code).toBe('INVALID_INPUT');
      expect((await t.gql(SEARCH, {}, t.tokens.admin)).body.data.connectors.totalCount).toBe(
        before,
      );
      expect(
        (
          await t.gql(
            `query($id: ID!) { connector(id: $id) { title } }`,
            { id: ids.Plain },
            t.tokens.admin,
          )
        ).body.data.connector.title,
      ).toBe('Plain');
      // Letters of any script, emoji and joiners inside them are fine.
      const ok = await t.gql(
        CREATE,
        { input: { title: 'שלום Café 👩‍💻', code: validCode() } },
        t.tokens.admin,
      );
      expect(ok.body.data.createConnector.connector!.title).toBe('שלום Café 👩‍💻');
    });
  });
}
