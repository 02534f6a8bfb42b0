import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { useServer } from '../helpers/fixtures.js';
import { startTestServer } from '../helpers/server.js';
import { validCode } from '../fixtures/code.js';
import { CREATE } from '../helpers/documents.js';

const [backend] = await backends(); // limits do not depend on the database

describe(`query depth, aliases, cost and rate limits (${backend})`, () => {
  const t = useServer(backend, { MAX_QUERY_COMPLEXITY: 3000 });

  it('reports the cost of every query in extensions', async () => {
    const res = await t.gql(
      `query($n: Int) { connectors(first: $n) { nodes { id title } } }`,
      { n: 7 },
      t.tokens.admin,
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.extensions.cost).toEqual({
      requestedQueryCost: 1 + 7 * (1 + 2),
      maximumAvailable: 3000,
    });
    // The same document again with another page size costs what that page size costs.
    const again = await t.gql(
      `query($n: Int) { connectors(first: $n) { nodes { id title } } }`,
      { n: 3 },
      t.tokens.admin,
    );
    expect(again.body.extensions.cost.requestedQueryCost).toBe(1 + 3 * (1 + 2));
  });

  it('refuses queries whose cost, computed with variable page sizes, is over the limit', async () => {
    const q = `query($n: Int) { connectors(first: $n) { nodes { versions(first: $n) { nodes { code note } } } } }`;
    const res = await t.gql(q, { n: 100 }, t.tokens.admin);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
    expect(res.body.data ?? null).toBeNull();
    const small = await t.gql(q, { n: 5 }, t.tokens.admin);
    expect(small.body.errors).toBeUndefined();
  });

  it('refuses queries deeper than the limit', async () => {
    // connectors > edges > node > versions > edges > node > createdBy > handle: depth 8.
    const eight =
      '{ connectors(first: 1) { edges { node { versions(first: 1) { edges { node { createdBy { handle } } } } } } } }';
    // The same depth 8 through nested fragments (as Relay writes one per component): fragments add no level.
    const eightInFragments = `{ connectors(first: 1) { edges { node { ...History } } } }
      fragment History on Connector { versions(first: 1) { edges { node { ...Author } } } }
      fragment Author on Version { ... on Version { createdBy { handle } } }`;
    expect((await t.gql(eight, {}, t.tokens.admin)).body.errors).toBeUndefined();
    const shallow = await startTestServer(backend, { MAX_QUERY_DEPTH: 8 });
    const shallower = await startTestServer(backend, { MAX_QUERY_DEPTH: 7 });
    try {
      expect(
        (await shallow.gql(eightInFragments, {}, await shallow.token('acme'))).body.errors,
      ).toBeUndefined();
      const token = await shallower.token('acme');
      for (const q of [eight, eightInFragments]) {
        const res = await shallower.gql(q, {}, token);
        expect(res.body.errors?.[0]?.extensions?.code, q).toBe('QUERY_TOO_DEEP');
        expect(res.body.data ?? null).toBeNull();
      }
    } finally {
      await shallow.close();
      await shallower.close();
    }
  });

  it('refuses alias floods', async () => {
    const aliases = Array.from(
      { length: 16 },
      (_, i) => `a${i}: connectors(first: 1) { totalCount }`,
    ).join(' ');
    const res = await t.gql(`{ ${aliases} }`, {}, t.tokens.admin);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('TOO_MANY_ALIASES');
    expect(res.body.data ?? null).toBeNull();
  });
});
