import { beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { approvedListing, ok, releasedConnector, useServer } from '../helpers/fixtures.js';
import { validCode } from '../fixtures/code.js';
import { LINK, RELEASE, SHARE, UPDATE } from '../helpers/documents.js';

/** Text that only the connectors' code holds: wherever it shows up, code was revealed. */
const MARKER = 'SOURCE_MARKER_7f3a';
const code = (n: number) => `${validCode({ title: 'Guarded' })}\n# ${MARKER} revision ${n}\n`;

interface IntrospectedType {
  kind: string;
  name: string | null;
  ofType: IntrospectedType | null;
}

const TYPE_REF = `kind name ofType { kind name ofType { kind name ofType { kind name } } }`;
const INTROSPECT = `{
  __schema {
    mutationType { fields { name args { name type { ${TYPE_REF} } } type { ${TYPE_REF} } } }
    types { kind name fields { name } enumValues { name } inputFields { name type { ${TYPE_REF} } } }
  }
}`;

function printType(t: IntrospectedType): string {
  if (t.kind === 'NON_NULL') return `${printType(t.ofType!)}!`;
  if (t.kind === 'LIST') return `[${printType(t.ofType!)}]`;
  return t.name!;
}

function named(t: IntrospectedType): IntrospectedType {
  return t.ofType ? named(t.ofType) : t;
}

for (const backend of await backends()) {
  describe(`OPERATOR reads, never sees code, and writes one thing (${backend})`, () => {
    const t = useServer(backend);
    let parentId: string;
    let linkToken: string;
    let listingId: string;
    let copyId: string;
    let copyDatabaseId: number;
    let copyVersionIds: string[];

    beforeAll(async () => {
      const { other: publisher, reviewer } = t.tokens;
      parentId = await releasedConnector(t, publisher, {
        title: 'Guarded',
        code: code(1),
        input: { note: 'v1' },
      });
      linkToken = (await ok(t, publisher, LINK, { input: { id: parentId } })).token;
      listingId = await approvedListing(t, publisher, reviewer, parentId, {
        appName: 'Guarded',
        categories: ['Ops'],
      });
      const copy = (
        await t.gql(
          `mutation($t: String!) { installConnector(input: { linkToken: $t }) { connector { id databaseId } } }`,
          { t: linkToken },
          t.tokens.admin,
        )
      ).body.data.installConnector.connector;
      copyId = copy.id;
      copyDatabaseId = copy.databaseId;
      await t.gql(
        UPDATE,
        { input: { id: copyId, code: code(2), note: 'local change' } },
        t.tokens.admin,
      );
      await t.gql(RELEASE, { input: { id: copyId } }, t.tokens.admin);
      // The publisher shares version 2: the consumer gets a notification.
      await t.gql(UPDATE, { input: { id: parentId, code: code(3), note: 'v2' } }, publisher);
      await t.gql(RELEASE, { input: { id: parentId } }, publisher);
      await t.gql(SHARE, { input: { id: parentId } }, publisher);
      const versions = await t.gql(
        `query($id: ID!) { connector(id: $id) { versions(first: 10) { nodes { id } } } }`,
        { id: copyId },
        t.tokens.admin,
      );
      copyVersionIds = versions.body.data.connector.versions.nodes.map((n: { id: string }) => n.id);
    });

    const EVERYTHING = `query($id: ID!, $v: ID!, $token: String!) {
      connector(id: $id) {
        title
        versions(first: 10) { nodes { number note code actions } }
        diff(from: 1, to: 2) { unified actions { added removed changed } }
        installedFrom { parent { title latestSharedVersion { number code sourceVisible } sharedVersions(first: 10) { nodes { number code } } } }
      }
      node(id: $v) { ... on Version { number code } }
      nodes(ids: [$v]) { ... on Version { code } }
      sharedConnector(token: $token) { latestSharedVersion { code sourceVisible } sharedVersions(first: 10) { nodes { code } } }
      communityListings(first: 10) { nodes { connector { sharedVersions(first: 10) { nodes { code } } latestSharedVersion { code } } } }
    }`;

    it('gives OPERATOR no code anywhere in GraphQL: versions, nodes, diffs, installs, links, the library', async () => {
      const vars = { id: copyId, v: copyVersionIds[0], token: linkToken };
      const seen = await t.gql(EVERYTHING, vars, t.tokens.operator);
      expect(seen.body.errors).toBeUndefined();
      const c = seen.body.data.connector;
      expect(c.title).toBe('Guarded');
      expect(c.versions.nodes.map((n: any) => [n.number, n.code])).toEqual([
        [2, null],
        [1, null],
      ]);
      expect(c.diff.unified).toBeNull();
      expect(c.installedFrom.parent.latestSharedVersion).toMatchObject({
        code: null,
        sourceVisible: false,
      });
      expect(seen.body.data.node).toMatchObject({ code: null });
      expect(JSON.stringify(seen.body)).not.toContain(MARKER);

      // The same query by an ADMIN of the workspace shows the code everywhere.
      const byAdmin = await t.gql(EVERYTHING, vars, t.tokens.admin);
      expect(byAdmin.body.data.connector.versions.nodes[0].code).toContain(MARKER);
      expect(byAdmin.body.data.connector.diff.unified).toContain(`+# ${MARKER} revision 2`);
      expect(byAdmin.body.data.node.code).toContain(MARKER);
      expect(byAdmin.body.data.sharedConnector.latestSharedVersion.code).toContain(MARKER);
    });

    it('refuses OPERATOR the code endpoint (403) and manifests (FORBIDDEN)', async () => {
      const rest = await t.rest('GET', `/api/custom_connectors/${copyDatabaseId}/code`, {
        token: t.tokens.operator,
      });
      expect(rest.status).toBe(403);
      expect(rest.body.error_code).toBe('FORBIDDEN');
      expect(rest.text).not.toContain(MARKER);
      expect(
        (
          await t.rest('GET', `/api/custom_connectors/${copyDatabaseId}/code`, {
            token: t.tokens.admin,
          })
        ).body.data.code,
      ).toContain(MARKER);

      const manifest = await t.gql(
        `query($ids: [ID!]!) { exportManifest(ids: $ids) }`,
        { ids: [copyId] },
        t.tokens.operator,
      );
      expect(manifest.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(JSON.stringify(manifest.body)).not.toContain(MARKER);
      expect(
        JSON.stringify(
          (
            await t.gql(
              `query($ids: [ID!]!) { exportManifest(ids: $ids) }`,
              { ids: [copyId] },
              t.tokens.admin,
            )
          ).body,
        ),
      ).toContain(MARKER);
    });

    it('refuses OPERATOR every mutation but markNotificationsRead, before looking at its input, and changes nothing', async () => {
      const schema = (await t.gql(INTROSPECT, {}, t.tokens.operator)).body.data.__schema;
      const types = new Map<string, any>(schema.types.map((ty: any) => [ty.name, ty]));
      const value = (ref: IntrospectedType): unknown => {
        if (ref.kind === 'NON_NULL') return value(ref.ofType!);
        if (ref.kind === 'LIST') return [value(ref.ofType!)];
        const ty = types.get(ref.name!)!;
        if (ty.kind === 'ENUM') return ty.enumValues[0].name;
        if (ty.kind === 'INPUT_OBJECT') {
          return Object.fromEntries(
            ty.inputFields
              .filter((f: any) => f.type.kind === 'NON_NULL')
              .map((f: any) => [f.name, value(f.type)]),
          );
        }
        // IDs that exist nowhere: the role is refused before any lookup.
        return (
          (
            {
              ID: 'bogus-id',
              String: 'x',
              Int: 1,
              Float: 1,
              Boolean: false,
              DateTime: '2999-01-01T00:00:00.000Z',
              JSON: {},
            } as Record<string, unknown>
          )[ref.name!] ?? 'x'
        );
      };
      const selection = (ref: IntrospectedType) => {
        const ty = types.get(named(ref).name!)!;
        if (ty.kind === 'UNION' || ty.kind === 'INTERFACE')
          return `{ __typename ... on Error { code } }`;
        if (ty.kind === 'OBJECT')
          return ty.fields.some((f: any) => f.name === 'userErrors')
            ? `{ __typename userErrors { code } }`
            : `{ __typename }`;
        return '';
      };
      const counts = async () =>
        (
          await t.server.registry.db.sql.query<Record<string, string>>(
            `SELECT (SELECT count(*) FROM connectors) c, (SELECT count(*) FROM connector_versions) v, (SELECT count(*) FROM listings) l,
                    (SELECT count(*) FROM share_links) s, (SELECT count(*) FROM webhooks) w, (SELECT count(*) FROM catalog_apps) a,
                    (SELECT count(*) FROM installs) i, (SELECT count(*) FROM notifications WHERE read_at IS NULL) n,
                    (SELECT string_agg(concat_ws(':', id, title, latest_version, released_version, shared_version, rollout_version), ',' ORDER BY id) FROM connectors) state`,
          )
        )[0];
      const before = await counts();
      const mutations = schema.mutationType.fields as {
        name: string;
        args: { name: string; type: IntrospectedType }[];
        type: IntrospectedType;
      }[];
      expect(mutations.length).toBeGreaterThan(15);
      for (const m of mutations.filter((f) => f.name !== 'markNotificationsRead')) {
        const args = m.args.filter((a) => a.type.kind === 'NON_NULL');
        const decl = args.map((a, i) => `$a${i}: ${printType(a.type)}`).join(', ');
        const call = args.map((a, i) => `${a.name}: $a${i}`).join(', ');
        const doc = `mutation${decl ? `(${decl})` : ''} { ${m.name}${call ? `(${call})` : ''} ${selection(m.type)} }`;
        const res = await t.gql(
          doc,
          Object.fromEntries(args.map((a, i) => [`a${i}`, value(a.type)])),
          t.tokens.operator,
        );
        const payload = res.body.data?.[m.name];
        const codes = [
          ...(res.body.errors ?? []).map((e) => e.extensions?.code),
          payload?.code,
          ...(payload?.userErrors ?? []).map((e: { code: string }) => e.code),
        ].filter(Boolean);
        expect(codes, `${m.name}: ${JSON.stringify(res.body)}`).toEqual(['FORBIDDEN']);
      }
      expect(await counts()).toEqual(before);

      // The one thing OPERATOR may do.
      const notes = (
        await t.gql(
          `{ notifications(first: 10, unreadOnly: true) { nodes { id } } }`,
          {},
          t.tokens.operator,
        )
      ).body.data.notifications.nodes;
      expect(notes).toHaveLength(1);
      const marked = await t.gql(
        `mutation($ids: [ID!]!) { markNotificationsRead(input: { ids: $ids }) { marked } }`,
        { ids: [notes[0].id] },
        t.tokens.operator,
      );
      expect(marked.body.data.markNotificationsRead).toEqual({ marked: 1 });
    });
  });
}
