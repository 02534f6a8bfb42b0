import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { useServer } from '../helpers/fixtures.js';
import { SYNTAX_ERROR_CODE, validCode } from '../fixtures/code.js';
import { CREATE, RELEASE, UPDATE } from '../helpers/documents.js';

const RESTORE = `mutation($input: RestoreVersionInput!) { restoreVersion(input: $input) {
  connector { latestVersion latestVersionNote latestReleasedVersion versions(first: 1) { nodes { number code note createdBy { handle } releasedBy { handle } releasedAt } } }
  userErrors { code message field } } }`;
const DIFF = `query($id: ID!, $from: Int!, $to: Int!) { connector(id: $id) { diff(from: $from, to: $to) {
  from to unified actions { added removed changed } triggers { added removed changed } } } }`;
const HISTORY = `query($id: ID!) { connector(id: $id) { versions(first: 10) { nodes { number note actions triggers createdAt createdBy { handle } releasedAt releasedBy { handle } } } } }`;

for (const backend of await backends()) {
  describe(`version history: who and when, restore, diff (${backend})`, () => {
    const t = useServer(backend);

    it('shows who created and released each version, and the actions and triggers in it', async () => {
      const id = (
        await t.gql(
          CREATE,
          { input: { title: 'H', code: validCode(), note: 'one' } },
          t.tokens.admin,
        )
      ).body.data.createConnector.connector!.id;
      await t.gql(RELEASE, { input: { id } }, t.tokens.developer);
      await t.gql(
        UPDATE,
        {
          input: {
            id,
            code: validCode({ actions: ['only'], trigger: 'updated_record' }),
            note: 'two',
          },
        },
        t.tokens.developer,
      );
      const nodes = (await t.gql(HISTORY, { id }, t.tokens.admin)).body.data.connector.versions
        .nodes;
      expect(nodes).toMatchObject([
        {
          number: 2,
          note: 'two',
          actions: ['only'],
          triggers: ['updated_record'],
          createdBy: { handle: 'dave' },
          releasedAt: null,
          releasedBy: null,
        },
        {
          number: 1,
          note: 'one',
          actions: ['search_records', 'create_record'],
          triggers: ['new_record'],
          createdBy: { handle: 'alice' },
          releasedBy: { handle: 'dave' },
        },
      ]);
      expect(Date.parse(nodes[1].releasedAt)).toBeGreaterThanOrEqual(
        Date.parse(nodes[1].createdAt),
      );
    });

    it('restores a stable version as the new latest version and releases it in one call', async () => {
      const good = validCode({ title: 'Stable' });
      const id = (
        await t.gql(CREATE, { input: { title: 'R', code: good, note: 'stable' } }, t.tokens.admin)
      ).body.data.createConnector.connector!.id;
      await t.gql(RELEASE, { input: { id } }, t.tokens.admin);
      await t.gql(
        UPDATE,
        {
          input: { id, code: validCode({ title: 'Unstable', actions: ['broken'] }), note: 'oops' },
        },
        t.tokens.admin,
      );
      await t.gql(RELEASE, { input: { id } }, t.tokens.admin);

      const res = await t.gql(
        RESTORE,
        { input: { id, version: 1, release: true } },
        t.tokens.developer,
      );
      expect(res.body.data.restoreVersion.connector).toMatchObject({
        latestVersion: 3,
        latestReleasedVersion: 3,
        latestVersionNote: 'Restored version 1: stable',
        versions: {
          nodes: [
            {
              number: 3,
              code: good,
              createdBy: { handle: 'dave' },
              releasedBy: { handle: 'dave' },
            },
          ],
        },
      });

      const noRelease = await t.gql(
        RESTORE,
        { input: { id, version: 2, note: 'try again' } },
        t.tokens.admin,
      );
      expect(noRelease.body.data.restoreVersion.connector).toMatchObject({
        latestVersion: 4,
        latestReleasedVersion: 3,
        latestVersionNote: 'try again',
      });
    });

    it('refuses restoring a missing version, and a release of restored code with errors writes nothing', async () => {
      const id = (
        await t.gql(CREATE, { input: { title: 'E', code: SYNTAX_ERROR_CODE } }, t.tokens.admin)
      ).body.data.createConnector.connector!.id;
      await t.gql(UPDATE, { input: { id, code: validCode() } }, t.tokens.admin);
      const missing = await t.gql(RESTORE, { input: { id, version: 9 } }, t.tokens.admin);
      expect(missing.body.data.restoreVersion.userErrors[0]).toMatchObject({
        code: 'NOT_FOUND',
        field: ['input', 'version'],
      });
      const broken = await t.gql(
        RESTORE,
        { input: { id, version: 1, release: true } },
        t.tokens.admin,
      );
      expect(broken.body.data.restoreVersion.userErrors[0]).toMatchObject({
        code: 'CODE_HAS_ERRORS',
      });
      const after = await t.gql(
        `query($id: ID!) { connector(id: $id) { latestVersion latestReleasedVersion } }`,
        { id },
        t.tokens.admin,
      );
      expect(after.body.data.connector).toEqual({ latestVersion: 2, latestReleasedVersion: null });
      const ops = await t.token('acme', 'OPERATOR', 'olga');
      expect(
        (await t.gql(RESTORE, { input: { id, version: 2 } }, ops)).body.data.restoreVersion
          .userErrors[0].code,
      ).toBe('FORBIDDEN');
    });

    it('diffs two versions: unified code diff and actions/triggers added, removed, changed', async () => {
      const v1 = validCode({ actions: ['search_records', 'create_record'], trigger: 'new_record' });
      const v2 = validCode({
        actions: ['search_records', 'update_record'],
        trigger: 'new_record',
      }).replace("get('/me')", "get('/v2/me')");
      const changedSearch = v2.replace('get("/records", input)', 'post("/records/search", input)');
      const id = (await t.gql(CREATE, { input: { title: 'D', code: v1 } }, t.tokens.admin)).body
        .data.createConnector.connector!.id;
      await t.gql(UPDATE, { input: { id, code: changedSearch } }, t.tokens.admin);

      const diff = (await t.gql(DIFF, { id, from: 1, to: 2 }, t.tokens.admin)).body.data.connector
        .diff;
      expect(diff.actions).toEqual({
        added: ['update_record'],
        removed: ['create_record'],
        changed: ['search_records'],
      });
      expect(diff.triggers).toEqual({ added: [], removed: [], changed: [] });
      expect(diff.unified).toContain('--- version 1');
      expect(diff.unified).toContain('+++ version 2');
      expect(diff.unified).toContain("-    get('/me')");
      expect(diff.unified).toContain("+    get('/v2/me')");

      const same = (await t.gql(DIFF, { id, from: 2, to: 2 }, t.tokens.admin)).body.data.connector
        .diff;
      expect(same).toMatchObject({ unified: '', actions: { added: [], removed: [], changed: [] } });
      const bad = await t.gql(DIFF, { id, from: 1, to: 7 }, t.tokens.admin);
      expect(bad.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const other = await t.token('globex', 'ADMIN', 'gina');
      expect((await t.gql(DIFF, { id, from: 1, to: 2 }, other)).body.data.connector).toBeNull();
    });
  });
}
