import { beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { useServer } from '../helpers/fixtures.js';
import { validCode } from '../fixtures/code.js';
import { CREATE, RELEASE, UPDATE } from '../helpers/documents.js';

/**
 * Lists must cost a fixed, small number of SQL statements however many connectors they hold (no
 * N+1), counted on the wire: Prisma's and the raw ones (the rate limiter's) alike.
 */
for (const backend of await backends()) {
  describe(`SQL statements per list request (${backend})`, () => {
    const statements: string[] = [];
    // The token's lookup is remembered (TOKEN_CACHE_TTL_MS); made long here so that a slow
    // machine cannot make it expire between the warm-up and the counted request.
    const t = useServer(
      backend,
      { TOKEN_CACHE_TTL_MS: 600_000 },
      { onQuery: (sql) => statements.push(sql) },
    );

    beforeAll(async () => {
      for (let i = 0; i < 50; i++) {
        const res = await t.gql(
          CREATE,
          { input: { title: `C${i}`, code: validCode(), note: `n${i}` } },
          t.tokens.admin,
        );
        const id = res.body.data.createConnector.connector!.id;
        await t.gql(RELEASE, { input: { id } }, t.tokens.admin);
        await t.gql(UPDATE, { input: { id, note: `second ${i}` } }, t.tokens.admin);
      }
    }, 120_000);

    const LIST = `query($n: Int, $after: String) { connectors(first: $n, after: $after) { totalCount pageInfo { endCursor } nodes {
      id title latestVersion latestVersionNote latestReleasedVersion latestReleasedVersionNote latestSharedVersionNote
      releasedVersions(first: 10) { nodes { number note releasedBy { handle } } }
      versions(first: 3) { totalCount nodes { number note createdBy { handle } } }
    } } }`;

    async function count(n: number, after?: string) {
      await t.gql(LIST, { n, after }, t.tokens.admin); // warm: the token's lookup is remembered from here on
      statements.length = 0;
      const res = await t.gql(LIST, { n, after }, t.tokens.admin);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.connectors.nodes).toHaveLength(n);
      const first = res.body.data.connectors.nodes[0];
      expect(first.latestVersionNote).toMatch(/^second /);
      expect(first.latestReleasedVersionNote).toMatch(/^n\d+$/);
      expect(first.latestSharedVersionNote).toBeNull();
      expect(first.releasedVersions.nodes).toHaveLength(1);
      expect(first.versions.nodes).toHaveLength(2);
      // Not the request's: the webhook deliverer polls for due deliveries in the background.
      return statements.filter(
        (s) => !/^(BEGIN|COMMIT|ROLLBACK)/i.test(s) && !/webhook_deliveries/.test(s),
      );
    }

    /**
     * The page with its released versions and who released them (one statement, relation
     * joins); the total; the newest versions with who made them and their total (a second
     * connection over the same relation, which Prisma cannot select twice in one statement). The
     * notes of the latest, released and shared versions are columns of the connector row. The
     * rate limiter adds at most one statement: none when the query is spent from the gateway's
     * lease of the token's budget (src/http/rate-limit.ts).
     */
    function expectFixedCost(statements: string[]) {
      const budget = statements.filter((s) => /rate_limit/.test(s));
      const reads = statements.filter((s) => !/rate_limit/.test(s));
      expect(reads, statements.join('\n---\n')).toHaveLength(3);
      expect(budget.length, statements.join('\n---\n')).toBeLessThanOrEqual(1);
    }

    it('runs the same three statements (and at most one of the rate limiter) for 5 and for 50 connectors', async () => {
      expectFixedCost(await count(5));
      expectFixedCost(await count(50));
    });

    it('runs the same three statements (and at most one of the rate limiter) for a page after a cursor', async () => {
      const first = await t.gql(LIST, { n: 5 }, t.tokens.admin);
      expectFixedCost(await count(5, first.body.data.connectors.pageInfo.endCursor));
    });
  });
}
