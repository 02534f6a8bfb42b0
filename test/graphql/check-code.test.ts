import { describe, expect, it } from 'vitest';
import { offloadedTasks } from '../../src/workers/pool.js';
import { SYNTAX_ERROR_CODE, validCode } from '../fixtures/code.js';
import { backends } from '../helpers/backends.js';
import { useServer } from '../helpers/fixtures.js';

const CHECK =
  'query($code: String!) { checkCode(code: $code) { hasErrors actions triggers diagnostics { line column severity kind message } } }';
const CREATE_DIAGNOSED =
  'mutation($input: CreateConnectorInput!) { createConnector(input: $input) { connector { versions(first: 1) { nodes { diagnostics { line column severity kind message } } } } userErrors { code } } }';

for (const backend of await backends()) {
  describe(`checkCode: a save's analysis without a save (${backend})`, () => {
    const t = useServer(backend, { MAX_BODY_BYTES: 12 * 1024 * 1024 });

    const count = async () =>
      (await t.gql('{ connectors(first: 1) { totalCount } }', {}, t.tokens.developer)).body.data
        .connectors.totalCount;

    it('reports what a save would, and stores nothing', async () => {
      const clean = await t.gql(CHECK, { code: validCode() }, t.tokens.developer);
      expect(clean.body.errors).toBeUndefined();
      expect(clean.body.data.checkCode).toEqual({
        hasErrors: false,
        actions: ['search_records', 'create_record'],
        triggers: ['new_record'],
        diagnostics: [],
      });

      const broken = await t.gql(CHECK, { code: SYNTAX_ERROR_CODE }, t.tokens.developer);
      expect(broken.body.data.checkCode.hasErrors).toBe(true);
      expect(broken.body.data.checkCode.diagnostics[0]).toMatchObject({
        line: 2,
        severity: 'ERROR',
        kind: 'SYNTAX',
      });
      expect(await count()).toBe(0);
      // The same findings as saving the code as a version.
      const saved = await t.gql(
        CREATE_DIAGNOSED,
        { input: { title: 'Broken', code: SYNTAX_ERROR_CODE } },
        t.tokens.developer,
      );
      expect(saved.body.data.createConnector.connector.versions.nodes[0].diagnostics).toEqual(
        broken.body.data.checkCode.diagnostics,
      );
    });

    it('costs by size and refuses code over 10 MB with a typed error', async () => {
      const COST = 'query($code: String!) { checkCode(code: $code) { hasErrors } }';
      const small = await t.gql(COST, { code: validCode() }, t.tokens.developer);
      expect(small.body.extensions.cost.requestedQueryCost).toBe(10 + 1 + 1); // the check, 1 per started 16 KB, hasErrors
      const big = await t.gql(
        COST,
        { code: validCode() + `# ${'x'.repeat(100_000)}\n` },
        t.tokens.developer,
      );
      expect(big.body.extensions.cost.requestedQueryCost).toBe(10 + 7 + 1);
      const huge = await t.gql(
        CHECK,
        { code: `{ title: '${'x'.repeat(10 * 1024 * 1024)}' }` },
        t.tokens.developer,
      );
      expect(huge.body.errors![0].extensions!.code).toBe('INVALID_INPUT');
      expect(huge.body.errors![0].message).toMatch(/limit is 10485760/);
    });

    it("parses big code in the worker thread, not on the server's event loop", async () => {
      const before = offloadedTasks();
      const big = validCode().replace(
        "title: 'Acme',",
        `title: 'Acme',\n  # ${'padding '.repeat(8 * 1024)}\n`,
      );
      const res = await t.gql(CHECK, { code: big }, t.tokens.developer);
      expect(res.body.data.checkCode.hasErrors).toBe(false);
      expect(offloadedTasks() - before).toBe(1);
    });

    it('needs a token', async () => {
      const res = await t.gql(CHECK, { code: validCode() });
      expect(res.body.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    });
  });
}
