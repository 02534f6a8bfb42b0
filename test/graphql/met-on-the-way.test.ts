import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { useServer } from '../helpers/fixtures.js';
import { validCode } from '../fixtures/code.js';

/**
 * Bugs met while trying the registry as a client app would (issue 23, item 18): a typed app name
 * and the catalog, removeWebhook's promise, re-importing a manifest, a body that is not JSON, and a
 * diff naming a missing version.
 */
const CREATE_BRIEF = `mutation($input: CreateConnectorInput!) { createConnector(input: $input) { connector { id } userErrors { code message } } }`;
const UPDATE_BRIEF = `mutation($input: UpdateConnectorInput!) { updateConnector(input: $input) { connector { id latestVersion } userErrors { code message } } }`;
const RELEASE_BRIEF = `mutation($input: ReleaseConnectorInput!) { releaseConnector(input: $input) { userErrors { code } } }`;
const SHARE_BRIEF = `mutation($input: ShareConnectorInput!) { shareConnector(input: $input) { userErrors { code } } }`;

for (const backend of await backends()) {
  describe(`met on the way (${backend})`, () => {
    const t = useServer(backend);
    const create = async (title: string) => {
      const res = await t.gql(
        CREATE_BRIEF,
        { input: { title, code: validCode({ title }) } },
        t.tokens.admin,
      );
      expect(res.body.data.createConnector.userErrors).toEqual([]);
      return res.body.data.createConnector.connector.id as string;
    };

    it("a listing's typed app name links to the catalog app in any case, spelt as the catalog spells it", async () => {
      const reviewer = await t.reviewerToken();
      const app = await t.gql(
        `mutation { addCatalogApp(input: { name: "Salesforce" }) { catalogApp { id name } userErrors { code } } }`,
        {},
        reviewer,
      );
      const catalogId = app.body.data.addCatalogApp.catalogApp.id;
      const id = await create('Typed App');
      await t.gql(RELEASE_BRIEF, { input: { id } }, t.tokens.admin);
      await t.gql(SHARE_BRIEF, { input: { id } }, t.tokens.admin);
      const listed = await t.gql(
        `mutation($id: ID!) { listConnector(input: { id: $id, appName: "salesforce", categories: ["CRM"] }) { listing { appName app { id name } } userErrors { code message } } }`,
        { id },
        t.tokens.admin,
      );
      expect(listed.body.data.listConnector.userErrors).toEqual([]);
      expect(listed.body.data.listConnector.listing).toEqual({
        appName: 'Salesforce',
        app: { id: catalogId, name: 'Salesforce' },
      });
    });

    it("removeWebhook's description says what happens: the webhook and its log are no longer readable", async () => {
      const intro = await t.gql(
        `{ __type(name: "Mutation") { fields { name description } } }`,
        {},
        t.tokens.admin,
      );
      const description: string = intro.body.data.__type.fields.find(
        (f: any) => f.name === 'removeWebhook',
      ).description;
      expect(description).not.toMatch(/log stays/);
      expect(description).toMatch(/no longer readable/);
      const hook = await t.gql(
        `mutation { registerWebhook(input: { url: "https://hooks.example.com/a", events: [VERSION_CREATED] }) { webhook { id } } }`,
        {},
        t.tokens.admin,
      );
      const webhookId = hook.body.data.registerWebhook.webhook.id;
      await t.gql(
        `mutation($id: ID!) { removeWebhook(input: { id: $id }) { removed } }`,
        { id: webhookId },
        t.tokens.admin,
      );
      const gone = await t.gql(
        `query($id: ID!) { node(id: $id) { id } }`,
        { id: webhookId },
        t.tokens.admin,
      );
      expect(gone.body.data.node).toBeNull();
    });

    it('re-importing an identical manifest adds no version; changed code adds one', async () => {
      const id = await create('Exported');
      await t.gql(RELEASE_BRIEF, { input: { id } }, t.tokens.admin);
      const manifest = (
        await t.gql(
          `query($ids: [ID!]!) { exportManifest(ids: $ids) }`,
          { ids: [id] },
          t.tokens.admin,
        )
      ).body.data.exportManifest;
      const other = await t.token('beta', 'ADMIN', 'bo');
      const IMPORT = `mutation($m: JSON!, $dry: Boolean) { importManifest(input: { manifest: $m, dryRun: $dry }) { entries { action version connector { id latestVersion latestReleasedVersion } } userErrors { code message } } }`;
      const first = (await t.gql(IMPORT, { m: manifest }, other)).body.data.importManifest;
      expect(first.userErrors).toEqual([]);
      expect(first.entries[0]).toMatchObject({ action: 'CREATE', version: 1 });
      for (const dry of [true, false]) {
        const again = (await t.gql(IMPORT, { m: manifest, dry }, other)).body.data.importManifest;
        expect(again.userErrors).toEqual([]);
        expect(again.entries[0]).toMatchObject({ action: 'UNCHANGED', version: 1 });
      }
      const copyId = first.entries[0].connector.id;
      const copy = await t.gql(
        `query($id: ID!) { connector(id: $id) { latestVersion latestReleasedVersion versions(first: 10) { totalCount } } }`,
        { id: copyId },
        other,
      );
      expect(copy.body.data.connector).toEqual({
        latestVersion: 1,
        latestReleasedVersion: 1,
        versions: { totalCount: 1 },
      });

      // New code at the source: the next import adds (and releases) version 2.
      await t.gql(
        UPDATE_BRIEF,
        { input: { id, code: validCode({ title: 'Exported', actions: ['search_records'] }) } },
        t.tokens.admin,
      );
      await t.gql(RELEASE_BRIEF, { input: { id } }, t.tokens.admin);
      const newer = (
        await t.gql(
          `query($ids: [ID!]!) { exportManifest(ids: $ids) }`,
          { ids: [id] },
          t.tokens.admin,
        )
      ).body.data.exportManifest;
      const changed = (await t.gql(IMPORT, { m: newer }, other)).body.data.importManifest;
      expect(changed.entries[0]).toMatchObject({
        action: 'UPDATE',
        version: 2,
        connector: { latestVersion: 2, latestReleasedVersion: 2 },
      });
    });

    it('a body that is not JSON is refused with BAD_REQUEST and no parser internals', async () => {
      const res = await fetch(t.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t.tokens.admin}` },
        body: '{"query": "{ viewer { handle } }"',
      });
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
      expect(body.errors[0].extensions.originalError).toBeUndefined();
      expect(JSON.stringify(body)).not.toMatch(/SyntaxError|position/);
    });

    it('a diff naming a missing version answers null for the diff only, with NOT_FOUND; the connector stays', async () => {
      const id = await create('Diffed');
      const res = await t.gql(
        `query($id: ID!) { connector(id: $id) { title latestVersion diff(from: 1, to: 9) { from to } } }`,
        { id },
        t.tokens.admin,
      );
      expect(res.body.data.connector).toEqual({ title: 'Diffed', latestVersion: 1, diff: null });
      expect(res.body.errors?.[0]).toMatchObject({
        path: ['connector', 'diff'],
        extensions: { code: 'NOT_FOUND' },
      });
    });
  });
}
