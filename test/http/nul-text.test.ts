import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { useServer } from '../helpers/fixtures.js';
import { validCode } from '../fixtures/code.js';
import { CREATE } from '../helpers/documents.js';

/** PostgreSQL text cannot hold NUL: any argument carrying one is an input error, never a fault. */
for (const backend of await backends()) {
  describe(`NUL characters in input (${backend})`, () => {
    const t = useServer(backend);

    it('refuses them in variables and literals of any field, and over REST, writing nothing', async () => {
      const cases = [
        t.gql(CREATE, { input: { title: 'a\u0000b', code: validCode() } }, t.tokens.admin),
        t.gql(
          `query($s: String) { connectors(first: 5, search: $s) { totalCount } }`,
          { s: '\u0000' },
          t.tokens.admin,
        ),
        t.gql(
          `{ communityListings(first: 5, app: "x\\u0000") { totalCount } }`,
          {},
          t.tokens.admin,
        ),
      ];
      for (const res of await Promise.all(cases)) {
        expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        expect(res.body.data ?? null).toBeNull();
      }
      const rest = await t.rest('POST', '/api/custom_connectors', {
        token: t.tokens.admin,
        body: { title: 'x', code: 'a\u0000' },
      });
      expect(rest.status).toBe(400);
      expect(rest.body.errors[0].title).toContain('NUL');
      const form = await fetch(t.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Bearer ${t.tokens.admin}`,
        },
        body: 'query=%ZZ',
      });
      expect(form.status).toBe(400);
      expect(
        (await t.gql(`{ connectors(first: 5) { totalCount } }`, {}, t.tokens.admin)).body.data
          .connectors.totalCount,
      ).toBe(0);
    });
  });
}
