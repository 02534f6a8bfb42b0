import { beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { useServer } from '../helpers/fixtures.js';
import { validCode } from '../fixtures/code.js';
import { CREATE, RELEASE, SHARE, UPDATE } from '../helpers/documents.js';

/**
 * The compiled list reads (src/graphql/plugins/compiled-reads.ts) answer exactly what the executor
 * answers. Each document is sent twice: as it is (the compiled path, seen in the statement log),
 * and with `@include(if: true)` on its root field, which means the same but has no plan, so the
 * executor answers it; the two bodies must be the same text.
 */
const COMPILED = /json_build_array/;

for (const backend of await backends()) {
  describe(`compiled list reads (${backend})`, () => {
    const statements: string[] = [];
    const t = useServer(backend, {}, { onQuery: (sql) => statements.push(sql) });

    beforeAll(async () => {
      for (let i = 0; i < 7; i++) {
        const res = await t.gql(
          CREATE,
          {
            input: {
              title: `C${i}`,
              code: validCode(),
              ...(i % 2 ? { note: `first ${i}`, description: `About ${i}` } : {}),
            },
          },
          t.tokens.admin,
        );
        const id = res.body.data.createConnector.connector!.id;
        if (i % 3 !== 2) await t.gql(RELEASE, { input: { id } }, t.tokens.admin);
        if (i % 3 === 0) await t.gql(SHARE, { input: { id } }, t.tokens.admin);
        for (let v = 0; v < i % 4; v++)
          await t.gql(UPDATE, { input: { id, note: v % 2 ? null : `v${v}` } }, t.tokens.admin);
      }
      await t.gql(CREATE, { input: { title: 'Foreign', code: validCode() } }, t.tokens.other);
    }, 120_000);

    /** The document with `@include(if: true)` on each root field: the executor's answer. */
    const viaExecutor = (doc: string) =>
      doc.replace(/(connectors\([^)]*\))/g, '$1 @include(if: true)');

    async function same(doc: string, variables?: Record<string, unknown>, token = t.tokens.admin) {
      statements.length = 0;
      const compiled = await t.gql(doc, variables, token);
      const usedPlan = statements.some((s) => COMPILED.test(s));
      const executed = await t.gql(viaExecutor(doc), variables, token);
      // Each request spends from the same budget (what is left and when it refills differ by the
      // time between them), and the directive moves the columns of errors after it.
      const skip = new Set(['remaining', 'resetAt', 'locations']);
      const text = (body: unknown) => JSON.stringify(body, (k, v) => (skip.has(k) ? undefined : v));
      expect(text(compiled.body)).toBe(text(executed.body));
      expect(compiled.status).toBe(executed.status);
      return { body: compiled.body, usedPlan };
    }

    it('answers the benchmark read, every column and both version lists as the executor does', async () => {
      const bench = await same(
        `{ connectors(first: 20) { nodes { id title latestVersion latestReleasedVersion versions(first: 3) { nodes { number note createdAt } } } } }`,
      );
      expect(bench.usedPlan).toBe(true);
      expect(bench.body.data.connectors.nodes).toHaveLength(7);
      expect(bench.body.data.connectors.nodes[0].versions.nodes.length).toBeGreaterThan(1);

      const all = await same(
        `query List($n: Int = 5, $m: Int) { __typename
        page: connectors(first: $n) { __typename totalCount nodes { __typename id databaseId name title description
          latestVersion latestVersionNote latestReleasedVersion latestReleasedVersionNote
          latestSharedVersion latestSharedVersionNote oemSharedVersion oemSharedAt createdAt updatedAt
          versions(first: $m) { __typename totalCount nodes { __typename id number note codeSize hasErrors createdAt releasedAt sharedAt } }
          released: releasedVersions(first: 2) { totalCount nodes { number releasedAt } }
          again: versions(first: 1) { nodes { n: number } }
        } }
        small: connectors(first: 1) { nodes { id } } }`,
        { m: 3 },
      );
      expect(all.usedPlan).toBe(true);
      expect(all.body.data.page.nodes).toHaveLength(5);
      expect(all.body.data.page.totalCount).toBe(7);
    });

    it('stays inside the caller’s workspace', async () => {
      const res = await same(
        `{ connectors(first: 100) { nodes { title } } }`,
        undefined,
        t.tokens.other,
      );
      expect(res.usedPlan).toBe(true);
      expect(res.body.data.connectors.nodes).toEqual([{ title: 'Foreign' }]);
    });

    it('leaves to the executor what it has no plan for, refusals included', async () => {
      for (const [doc, variables] of [
        [`{ connectors(first: 0) { nodes { id } } }`, undefined],
        [`{ connectors(first: 101) { nodes { id } } }`, undefined],
        [`query($n: Int) { connectors(first: $n) { nodes { id } } }`, {}],
        [`{ connectors(first: 2) { nodes { id logoUrl } } }`, undefined],
        [`{ connectors(first: 2) { edges { cursor node { id } } } }`, undefined],
        [`{ connectors(first: 2, search: "C1") { nodes { id } } }`, undefined],
        [
          `{ connectors(first: 2) { nodes { versions(first: 500) { nodes { number } } } } }`,
          undefined,
        ],
        [`{ connectors(first: 2) { nodes { ...F } } } fragment F on Connector { id }`, undefined],
      ] as const) {
        const res = await same(doc, variables as Record<string, unknown> | undefined);
        expect(res.usedPlan, doc).toBe(false);
      }
      // Callers outside a workspace get the executor's answer (UNAUTHENTICATED without a token).
      const anon = await t.gql(`{ connectors(first: 2) { nodes { id } } }`);
      expect(anon.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });
  });
}
