import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { useServer } from '../helpers/fixtures.js';
import { PNG_1PX, SEMANTIC_ERROR_CODE, SYNTAX_ERROR_CODE, validCode } from '../fixtures/code.js';
import { createHash } from 'node:crypto';
import { generateConnector } from '../code/generate.js';
import { CREATE, GET, RELEASE, SHARE, UPDATE } from '../helpers/documents.js';

for (const backend of await backends()) {
  describe(`connectors and versions over HTTP (${backend})`, () => {
    const t = useServer(backend);

    async function create(input: Record<string, unknown>, token = t.tokens.admin) {
      const res = await t.gql(
        CREATE,
        { input: { title: 'Acme', code: validCode(), ...input } },
        token,
      );
      expect(res.body.errors).toBeUndefined();
      return res.body.data.createConnector;
    }

    /** updateConnector on connector `id` with the rest of `input`; answers its payload. */
    async function update(id: string, input: Record<string, unknown>, token = t.tokens.admin) {
      const res = await t.gql(UPDATE, { input: { id, ...input } }, token);
      expect(res.body.errors).toBeUndefined();
      return res.body.data.updateConnector;
    }

    it('creates a connector with version 1, a stable machine name and the actions and triggers of its code', async () => {
      const result = await create({
        title: 'Acme CRM',
        note: 'first cut',
        description: '# Acme',
        logo: PNG_1PX,
      });
      expect(result.userErrors).toEqual([]);
      const c = result.connector;
      expect(c!.name).toMatch(/^acme_crm_connector_\d+_[0-9a-f]{10}$/);
      expect(c).toMatchObject({
        title: 'Acme CRM',
        description: '# Acme',
        logoUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/logos\/[0-9a-f]{64}\.png$/),
        latestVersion: 1,
        latestVersionNote: 'first cut',
        latestReleasedVersion: null,
        latestSharedVersion: null,
        releasedVersions: { totalCount: 0, nodes: [] },
      });
      const [v1] = c!.versions.nodes;
      expect(v1).toMatchObject({ number: 1, note: 'first cut', hasErrors: false, diagnostics: [] });
      expect(v1.actions).toEqual(['search_records', 'create_record']);
      expect(v1.triggers).toEqual(['new_record']);
      expect(v1.createdBy).toEqual({ handle: 'alice', role: 'ADMIN' });
      // The name stays when the title changes.
      const renamed = await update(c!.id, { title: 'Acme CRM 2' });
      expect(renamed.connector).toMatchObject({
        name: c!.name,
        title: 'Acme CRM 2',
        latestVersion: 1,
      });
    });

    it('stores large code exactly, with its digest, names and structure, on create and on update', async () => {
      // Over 64 KB, the code and its structure reach the database past Prisma's query building (src/db/large-values.ts).
      const code = generateConnector({ actions: 120, triggers: 30 });
      expect(code.length).toBeGreaterThan(128 * 1024);
      const { connector } = await create({ title: 'Large', code });
      const id = connector!.id;
      expect((await t.gql(RELEASE, { input: { id } }, t.tokens.admin)).body.errors).toBeUndefined();
      expect((await t.gql(SHARE, { input: { id } }, t.tokens.admin)).body.errors).toBeUndefined();
      const next = code
        .replace("title: 'Generated'", "title: 'Generated, again'")
        .replace(/action_7:/, 'action_seven:');
      const updated = await update(connector!.id, { code: next });
      expect(updated.userErrors).toEqual([]);
      expect(
        (await t.gql(RELEASE, { input: { id: connector!.id } }, t.tokens.admin)).body.errors,
      ).toBeUndefined();
      const res = await t.gql(
        `query($id: ID!) { connector(id: $id) { versions(first: 2) { nodes { number code sha256 actions triggers hasErrors } } diff(from: 1, to: 2) { actions { added removed } } sharePreview { changes { breaking message } } } }`,
        { id: connector!.id },
        t.tokens.admin,
      );
      expect(res.body.errors).toBeUndefined();
      const byNumber = new Map(
        res.body.data.connector.versions.nodes.map((v: { number: number }) => [v.number, v]),
      );
      for (const [number, text] of [
        [1, code],
        [2, next],
      ] as const) {
        const v = byNumber.get(number) as {
          code: string;
          sha256: string;
          actions: string[];
          triggers: string[];
          hasErrors: boolean;
        };
        expect(v.code === text, `version ${number} code`).toBe(true);
        expect(v.sha256).toBe(createHash('sha256').update(text).digest('hex'));
        expect(v.actions).toHaveLength(120);
        expect(v.triggers).toHaveLength(30);
        expect(v.hasErrors).toBe(false);
      }
      expect(res.body.data.connector.diff.actions).toEqual({
        added: ['action_seven'],
        removed: ['action_7'],
      });
      // The share preview compares the two versions' stored structures: the renamed action is a breaking removal.
      expect(res.body.data.connector.sharePreview.changes).toContainEqual({
        breaking: true,
        message: expect.stringContaining('action_7'),
      });
    });

    it('makes the next version on a code or note change, and none on a metadata-only change', async () => {
      const { connector } = await create({});
      const v2 = await update(connector!.id, {
        code: validCode({ actions: ['only_one'] }),
        note: 'trim',
      });
      expect(v2.connector).toMatchObject({
        latestVersion: 2,
        latestVersionNote: 'trim',
      });
      const v3 = await update(connector!.id, { note: 'note only' });
      expect(v3.connector).toMatchObject({
        latestVersion: 3,
        latestVersionNote: 'note only',
      });
      const meta = await update(connector!.id, { description: 'new words' });
      expect(meta.connector).toMatchObject({
        latestVersion: 3,
        description: 'new words',
      });
      const same = await update(connector!.id, { note: 'note only' });
      expect(same.connector!.latestVersion).toBe(3);

      const got = await t.gql(GET, { id: connector!.id }, t.tokens.admin);
      const versions = got.body.data.connector!.versions;
      expect(versions.totalCount).toBe(3);
      expect(versions.nodes.map((v: { number: number }) => v.number)).toEqual([3, 2, 1]);
      expect(versions.nodes[0].code).toBe(versions.nodes[1].code);
      expect(versions.nodes[1].code).toContain('only_one');
    });

    it('refuses a stale expectedLatestVersion with VERSION_CONFLICT and changes nothing', async () => {
      const { connector } = await create({});
      await update(connector!.id, { code: validCode({ title: 'B' }) });
      const stale = await update(connector!.id, {
        code: validCode({ title: 'C' }),
        title: 'Changed',
        expectedLatestVersion: 1,
      });
      expect(stale).toEqual({
        connector: null,
        version: null,
        userErrors: [
          {
            code: 'VERSION_CONFLICT',
            message: expect.stringContaining('version 2'),
            field: ['input', 'expectedLatestVersion'],
            detail: null,
            expectedLatestVersion: 1,
            latestVersion: 2,
          },
        ],
      });
      const got = await t.gql(GET, { id: connector!.id }, t.tokens.admin);
      expect(got.body.data.connector).toMatchObject({ title: 'Acme', latestVersion: 2 });
      const fresh = await update(connector!.id, {
        code: validCode({ title: 'C' }),
        expectedLatestVersion: 2,
      });
      expect(fresh.connector!.latestVersion).toBe(3);
    });

    it('releases the latest version, and refuses when it is already released or has code errors', async () => {
      const { connector } = await create({ note: 'v1 note' });
      const released = await t.gql(RELEASE, { input: { id: connector!.id } }, t.tokens.admin);
      expect(released.body.data.releaseConnector.connector).toMatchObject({
        latestReleasedVersion: 1,
        latestReleasedVersionNote: 'v1 note',
        releasedVersions: {
          totalCount: 1,
          nodes: [{ number: 1, note: 'v1 note', releasedBy: { handle: 'alice' } }],
        },
      });
      expect(
        Date.parse(
          released.body.data.releaseConnector.connector!.releasedVersions.nodes[0].releasedAt!,
        ),
      ).not.toBeNaN();

      const again = await t.gql(RELEASE, { input: { id: connector!.id } }, t.tokens.admin);
      expect(again.body.data.releaseConnector.userErrors[0]).toMatchObject({
        code: 'ALREADY_RELEASED',
      });

      const broken = await update(connector!.id, { code: SYNTAX_ERROR_CODE });
      expect(broken.connector!.latestVersion).toBe(2);
      const refused = await t.gql(RELEASE, { input: { id: connector!.id } }, t.tokens.admin);
      expect(refused.body.data.releaseConnector.userErrors[0]).toMatchObject({
        code: 'CODE_HAS_ERRORS',
      });
      expect(refused.body.data.releaseConnector.userErrors[0].message).toMatch(
        /^Fix code errors before releasing the connector: Line 2 has syntax errors/,
      );
      const got = await t.gql(GET, { id: connector!.id }, t.tokens.admin);
      expect(got.body.data.connector!.latestReleasedVersion).toBe(1);
    });

    it('stores drafts with syntax and semantic diagnostics', async () => {
      const syntax = await create({ code: SYNTAX_ERROR_CODE });
      const [sv] = syntax.connector!.versions.nodes;
      expect(sv.hasErrors).toBe(true);
      expect(sv.diagnostics[0]).toMatchObject({ severity: 'ERROR', kind: 'SYNTAX', line: 2 });
      expect(sv.diagnostics[0].message).toMatch(/^Line 2 has syntax errors/);

      const semantic = await create({ code: SEMANTIC_ERROR_CODE });
      const [mv] = semantic.connector!.versions.nodes;
      expect(mv.hasErrors).toBe(true);
      expect(mv.diagnostics).toContainEqual(
        expect.objectContaining({
          kind: 'SEMANTIC',
          message:
            "Expected string or lambda for 'description' in 'test_trigger' trigger but got Symbol.",
          line: 5,
        }),
      );
      const refused = await t.gql(
        RELEASE,
        { input: { id: semantic.connector!.id } },
        t.tokens.admin,
      );
      expect(refused.body.data.releaseConnector.userErrors[0].code).toBe('CODE_HAS_ERRORS');
    });

    it('shares the latest released version, and refuses when nothing is released or it is already shared', async () => {
      const { connector } = await create({ note: 'one' });
      const nothing = await t.gql(SHARE, { input: { id: connector!.id } }, t.tokens.admin);
      expect(nothing.body.data.shareConnector.userErrors[0]).toMatchObject({
        code: 'NOTHING_RELEASED',
      });

      await t.gql(RELEASE, { input: { id: connector!.id } }, t.tokens.admin);
      await update(connector!.id, { code: validCode({ title: 'two' }), note: 'two' });
      const shared = await t.gql(SHARE, { input: { id: connector!.id } }, t.tokens.admin);
      expect(shared.body.data.shareConnector.connector).toMatchObject({
        latestVersion: 2,
        latestReleasedVersion: 1,
        latestSharedVersion: 1,
        latestSharedVersionNote: 'one',
      });
      const again = await t.gql(SHARE, { input: { id: connector!.id } }, t.tokens.admin);
      expect(again.body.data.shareConnector.userErrors[0]).toMatchObject({
        code: 'ALREADY_SHARED',
      });
    });

    it('lists the ten most recent releases unless asked for another count', async () => {
      const { connector } = await create({});
      await t.gql(RELEASE, { input: { id: connector!.id } }, t.tokens.admin);
      for (let n = 2; n <= 12; n++) {
        await update(connector!.id, { code: validCode({ title: `v${n}` }), note: `v${n}` });
        await t.gql(RELEASE, { input: { id: connector!.id } }, t.tokens.admin);
      }
      const got = await t.gql(GET, { id: connector!.id }, t.tokens.admin);
      expect(
        got.body.data.connector!.releasedVersions.nodes.map((v: { number: number }) => v.number),
      ).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
      const three = await t.gql(
        `query($id: ID!) { connector(id: $id) { releasedVersions(first: 3) { totalCount nodes { number } } } }`,
        { id: connector!.id },
        t.tokens.admin,
      );
      expect(three.body.data.connector.releasedVersions).toEqual({
        totalCount: 12,
        nodes: [{ number: 12 }, { number: 11 }, { number: 10 }],
      });
    });

    it('searches titles in any case by partial match, paginated, with node(id) lookups', async () => {
      const ws = await t.token('searchco');
      for (const title of ['Salesforce Sync', 'salesforce lite', 'HubSpot', 'Big Salesforce'])
        await create({ title }, ws);
      const q = `query($s: String, $first: Int, $after: String) { connectors(search: $s, first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } nodes { id title } } }`;
      const found = await t.gql(q, { s: 'Salesforce', first: 10 }, ws);
      expect(found.body.data.connectors.totalCount).toBe(3);
      expect(
        found.body.data.connectors.nodes.map((n: { title: string }) => n.title).sort(),
      ).toEqual(['Big Salesforce', 'Salesforce Sync', 'salesforce lite']);
      const lower = await t.gql(q, { s: 'SALESFORCE L', first: 10 }, ws);
      expect(lower.body.data.connectors.nodes.map((n: { title: string }) => n.title)).toEqual([
        'salesforce lite',
      ]);

      const page1 = await t.gql(q, { first: 3 }, ws);
      expect(page1.body.data.connectors.nodes).toHaveLength(3);
      expect(page1.body.data.connectors.pageInfo.hasNextPage).toBe(true);
      const page2 = await t.gql(
        q,
        { first: 3, after: page1.body.data.connectors.pageInfo.endCursor },
        ws,
      );
      expect(page2.body.data.connectors.nodes).toHaveLength(1);
      expect(page2.body.data.connectors.pageInfo.hasNextPage).toBe(false);

      const id = found.body.data.connectors.nodes[0].id;
      const node = await t.gql(
        `query($id: ID!) { node(id: $id) { __typename id ... on Connector { title } } }`,
        { id },
        ws,
      );
      expect(node.body.data.node).toMatchObject({ __typename: 'Connector', id });
    });

    it('refuses connections without first/last or with more than 100', async () => {
      for (const args of ['', '(first: 101)', '(last: 0)', '(first: -1)']) {
        const res = await t.gql(`{ connectors${args} { nodes { id } } }`, {}, t.tokens.admin);
        expect(res.body.errors?.[0].extensions?.code, args).toBe('BAD_USER_INPUT');
        expect(res.body.data?.connectors ?? null).toBeNull();
      }
      const ok = await t.gql(`{ connectors(first: 100) { nodes { id } } }`, {}, t.tokens.admin);
      expect(ok.body.errors).toBeUndefined();
    });

    it('gives concurrent updates contiguous version numbers and loses none', async () => {
      const { connector } = await create({});
      const n = 20;
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          update(connector!.id, { code: validCode({ title: `c${i}` }), note: `n${i}` }),
        ),
      );
      for (const r of results) expect(r.userErrors).toEqual([]);
      // Each save names the version it made (connector.latestVersion, read after the commit, may
      // already be another save's): distinct numbers, each with the note that save sent.
      const made = results.map((r, i) => ({
        ...r.version,
        sent: `n${i}`,
      }));
      expect(new Set(made.map((v) => v.number)).size).toBe(n);
      for (const v of made) expect(v.note).toBe(v.sent);
      const got = await t.gql(GET, { id: connector!.id }, t.tokens.admin);
      const versions = got.body.data.connector!.versions.nodes as {
        number: number;
        note: string;
      }[];
      expect(versions.map((v) => v.number)).toEqual(
        Array.from({ length: n + 1 }, (_, i) => n + 1 - i),
      );
      expect(new Set(versions.slice(0, n).map((v) => v.note))).toEqual(
        new Set(Array.from({ length: n }, (_, i) => `n${i}`)),
      );
    });
  });
}
