import { describe, expect } from 'vitest';
import { readMigrations } from '../../src/db/migrator.js';
import { backends } from './backends.js';
import { approvedListing, installedCopy, ok, releasedConnector, test, tokens } from './fixtures.js';
import type { TestServer } from './server.js';

const CONNECTOR = `query($id: ID!) { connector(id: $id) { title latestReleasedVersion latestSharedVersion installedFrom { source parent { title } } } }`;
const COUNT = 'query { connectors(first: 100) { totalCount } }';

for (const backend of await backends()) {
  describe(`test helpers: one server per backend and file, from a migrated template (${backend})`, () => {
    let first: TestServer;

    test('starts the file server on a database with every migration and nothing else', async ({
      servers,
    }) => {
      first = await servers(backend);
      expect(first.backend).toBe(backend);
      const { applied, alreadyApplied } = await first.server.registry.db.migrate();
      expect(applied).toEqual([]);
      expect(alreadyApplied).toEqual((await readMigrations()).map((m) => m.name));
      const { admin } = await tokens(first);
      expect((await ok(first, admin, COUNT)).totalCount).toBe(0);
    });

    test('hands the same server to every test of the file, and another one for other settings', async ({
      servers,
    }) => {
      expect(await servers(backend)).toBe(first);
      const other = await servers(backend, { MAX_BODY_BYTES: 64 * 1024 });
      expect(other).not.toBe(first);
      expect(await servers(backend, { MAX_BODY_BYTES: 64 * 1024 })).toBe(other);
    });

    test('gives each server a database of its own', async ({ servers }) => {
      const t = await servers(backend);
      const { admin } = await tokens(t);
      await releasedConnector(t, admin, { title: 'Only here' });
      const other = await servers(backend, { MAX_BODY_BYTES: 64 * 1024 });
      expect((await ok(other, await other.token('acme'), COUNT)).totalCount).toBe(0);
    });

    test('builds the scenarios: released and shared, listed and approved, installed by link and from the library', async ({
      servers,
    }) => {
      const t = await servers(backend);
      const { admin, other, reviewer } = await tokens(t);
      const id = await releasedConnector(t, admin, { title: 'Scenario' });
      const mine = await ok(t, admin, CONNECTOR, { id });
      expect(mine).toMatchObject({
        title: 'Scenario',
        latestReleasedVersion: 1,
        latestSharedVersion: 1,
        installedFrom: null,
      });

      const byLink = await installedCopy(t, admin, other, id);
      expect(
        (await t.gql(CONNECTOR, { id: byLink }, other)).body.data.connector.installedFrom,
      ).toMatchObject({ parent: { title: 'Scenario' } });

      const listingId = await approvedListing(t, admin, reviewer, id);
      const fromLibrary = await installedCopy(t, admin, other, id, { listingId });
      expect(fromLibrary).not.toBe(byLink);
      expect(
        (await t.gql(CONNECTOR, { id: fromLibrary }, other)).body.data.connector.installedFrom,
      ).toMatchObject({ parent: { title: 'Scenario' } });
      // The copies are beta's: acme does not see them.
      expect((await t.gql(CONNECTOR, { id: fromLibrary }, admin)).body.data.connector).toBeNull();
    });
  });
}
