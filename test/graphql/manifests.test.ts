import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const sha = (code: string) => createHash('sha256').update(code).digest('hex');
import { backends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { PNG_1PX, SYNTAX_ERROR_CODE, validCode } from '../fixtures/code.js';
import { CREATE, RELEASE, UPDATE } from '../helpers/documents.js';

const EXPORT = `query($ids: [ID!]!) { exportManifest(ids: $ids) }`;
const IMPORT = `mutation($input: ImportManifestInput!) { importManifest(input: $input) {
  dryRun entries { name title action version connector { id title latestVersion latestReleasedVersion latestVersionNote } }
  userErrors { code message field } } }`;
const COUNT = `{ connectors(first: 100) { totalCount nodes { title latestVersion latestReleasedVersion } } }`;

for (const backend of await backends()) {
  describe(`manifests between environments (${backend})`, () => {
    let t: TestServer;
    let dev: string;
    let prod: string;

    beforeAll(async () => {
      t = await startTestServer(backend);
      dev = await t.token('sandbox', 'ADMIN', 'dana');
      prod = await t.token('production', 'ADMIN', 'pat');
    });
    afterAll(() => t.close());

    async function connector(title: string, release = true) {
      const id = (
        await t.gql(
          CREATE,
          {
            input: {
              title,
              code: validCode({ title }),
              note: `${title} v1`,
              description: `About ${title}`,
              logo: PNG_1PX,
            },
          },
          dev,
        )
      ).body.data.createConnector.connector!.id;
      if (release) await t.gql(RELEASE, { input: { id } }, dev);
      return id as string;
    }

    it('exports only released code, with identity and metadata, in a versioned self-describing document', async () => {
      const a = await connector('Alpha');
      // A newer draft does not leave the workspace.
      await t.gql(
        UPDATE,
        { input: { id: a, code: validCode({ title: 'Alpha draft' }), note: 'draft' } },
        dev,
      );
      const res = await t.gql(EXPORT, { ids: [a] }, dev);
      expect(res.body.errors).toBeUndefined();
      const manifest = res.body.data.exportManifest;
      expect(manifest).toMatchObject({
        kind: 'connector-registry.manifest',
        schemaVersion: 1,
        source: { workspace: 'sandbox' },
      });
      expect(Date.parse(manifest.exportedAt)).not.toBeNaN();
      expect(manifest.connectors).toEqual([
        {
          name: expect.stringMatching(/^alpha_connector_/),
          title: 'Alpha',
          description: 'About Alpha',
          logo: PNG_1PX,
          version: 1,
          versionNote: 'Alpha v1',
          code: validCode({ title: 'Alpha' }),
          sha256: createHash('sha256')
            .update(validCode({ title: 'Alpha' }))
            .digest('hex'),
        },
      ]);
      const unreleased = await connector('Unreleased', false);
      const refused = await t.gql(EXPORT, { ids: [a, unreleased] }, dev);
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('NOTHING_RELEASED');
      const foreign = await t.gql(EXPORT, { ids: [a] }, prod);
      expect(foreign.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    });

    it('imports as new released connectors, then as new released versions of the same copies; dry runs write nothing', async () => {
      const a = await connector('Bravo');
      const b = await connector('Charlie');
      const manifest = (await t.gql(EXPORT, { ids: [a, b] }, dev)).body.data.exportManifest;
      const before = (await t.gql(COUNT, {}, prod)).body.data.connectors.totalCount;

      const dry = await t.gql(IMPORT, { input: { manifest, dryRun: true } }, prod);
      expect(dry.body.data.importManifest).toMatchObject({
        dryRun: true,
        entries: [
          { title: 'Bravo', action: 'CREATE', version: 1, connector: null },
          { title: 'Charlie', action: 'CREATE' },
        ],
      });
      expect((await t.gql(COUNT, {}, prod)).body.data.connectors.totalCount).toBe(before);

      const first = await t.gql(IMPORT, { input: { manifest } }, prod);
      expect(first.body.data.importManifest.entries).toMatchObject([
        {
          action: 'CREATE',
          version: 1,
          connector: {
            title: 'Bravo',
            latestVersion: 1,
            latestReleasedVersion: 1,
            latestVersionNote: 'Bravo v1',
          },
        },
        {
          action: 'CREATE',
          version: 1,
          connector: { title: 'Charlie', latestVersion: 1, latestReleasedVersion: 1 },
        },
      ]);

      // A new release in the sandbox, exported again, becomes version 2 of the same copy.
      await t.gql(
        UPDATE,
        {
          input: {
            id: a,
            code: validCode({ title: 'Bravo', actions: ['more'] }),
            note: 'Bravo v2',
          },
        },
        dev,
      );
      await t.gql(RELEASE, { input: { id: a } }, dev);
      const next = (await t.gql(EXPORT, { ids: [a] }, dev)).body.data.exportManifest;
      const dry2 = await t.gql(IMPORT, { input: { manifest: next, dryRun: true } }, prod);
      expect(dry2.body.data.importManifest.entries).toMatchObject([
        { action: 'UPDATE', version: 2, connector: { title: 'Bravo', latestVersion: 1 } },
      ]);
      const second = await t.gql(IMPORT, { input: { manifest: next } }, prod);
      expect(second.body.data.importManifest.entries).toMatchObject([
        {
          action: 'UPDATE',
          version: 2,
          connector: {
            id: first.body.data.importManifest.entries[0].connector.id,
            latestVersion: 2,
            latestReleasedVersion: 2,
            latestVersionNote: 'Bravo v2',
          },
        },
      ]);
      expect((await t.gql(COUNT, {}, prod)).body.data.connectors.totalCount).toBe(before + 2);
    });

    it("imports the docs' example manifest as it stands", async () => {
      const readme = readFileSync(new URL('../../docs/sharing.md', import.meta.url), 'utf8');
      const block = /## Manifests between environments[\s\S]*?```json\n([\s\S]*?)```/.exec(readme);
      const example = JSON.parse(block![1]);
      const res = await t.gql(IMPORT, { input: { manifest: example } }, prod);
      expect(res.body.data.importManifest.entries).toMatchObject([
        { action: 'CREATE', title: 'Acme', version: 1, connector: { latestReleasedVersion: 1 } },
      ]);
    });

    it('refuses the whole import when one entry is bad, naming it, and writes nothing', async () => {
      const a = await connector('Delta');
      const manifest = (await t.gql(EXPORT, { ids: [a] }, dev)).body.data.exportManifest;
      const good = manifest.connectors[0];
      const before = (await t.gql(COUNT, {}, prod)).body.data.connectors;
      const cases: [unknown, string, string][] = [
        [
          {
            ...manifest,
            connectors: [
              good,
              { ...good, name: 'other', code: SYNTAX_ERROR_CODE, sha256: sha(SYNTAX_ERROR_CODE) },
            ],
          },
          'INVALID_INPUT',
          'manifest.connectors.1.code',
        ],
        [
          {
            ...manifest,
            connectors: [
              good,
              {
                ...good,
                name: 'big',
                code: 'x'.repeat(10 * 1024 * 1024 + 1),
                sha256: sha('x'.repeat(10 * 1024 * 1024 + 1)),
              },
            ],
          },
          'INVALID_INPUT',
          'manifest.connectors.1.code',
        ],
        [
          { ...manifest, connectors: [{ ...good, sha256: undefined }] },
          'INVALID_INPUT',
          'manifest.connectors.0.sha256',
        ],
        [
          { ...manifest, connectors: [good, { ...good, name: 'untitled', title: '' }] },
          'INVALID_INPUT',
          'manifest.connectors.1.title',
        ],
        [{ ...manifest, connectors: [good, good] }, 'INVALID_INPUT', 'manifest.connectors.1.name'],
        [{ ...manifest, schemaVersion: 99 }, 'INVALID_INPUT', 'manifest.schemaVersion'],
        [
          { ...manifest, connectors: [{ ...good, version: 'one' }] },
          'INVALID_INPUT',
          'manifest.connectors.0.version',
        ],
        ['not an object', 'INVALID_INPUT', 'manifest'],
      ];
      for (const [bad, code, field] of cases) {
        const res = await t.gql(IMPORT, { input: { manifest: bad } }, prod);
        expect(res.body.data.importManifest.userErrors[0], field).toMatchObject({
          code,
          field: field.split('.'),
        });
      }
      // Code that is not what its digest says: DIGEST_MISMATCH, as for installs and updates.
      const tampered = await t.gql(
        IMPORT,
        {
          input: {
            manifest: {
              ...manifest,
              connectors: [good, { ...good, name: 'tampered', code: good.code + '\n# sneaky' }],
            },
          },
        },
        prod,
      );
      expect(tampered.body.data.importManifest.userErrors[0]).toMatchObject({
        code: 'DIGEST_MISMATCH',
        field: ['manifest', 'connectors', '1', 'sha256'],
      });
      expect((await t.gql(COUNT, {}, prod)).body.data.connectors).toEqual(before);
      const ops = await t.token('production', 'OPERATOR', 'oscar');
      expect(
        (await t.gql(IMPORT, { input: { manifest } }, ops)).body.data.importManifest.userErrors[0]
          .code,
      ).toBe('FORBIDDEN');
    });
  });
}
