import { describe, expect, it } from 'vitest';
import { validCode } from '../fixtures/code.js';
import { backends } from '../helpers/backends.js';
import { installedCopy, ok, releasedConnector, useServer } from '../helpers/fixtures.js';
import { RELEASE, SHARE, UPDATE } from '../helpers/documents.js';
import { sseSubscribe } from '../helpers/server.js';

const SUB =
  'subscription { notificationAdded { parentVersion connector { installedFrom { baseVersion updateAvailable parent { latestSharedVersion { number } } } } } }';

// Each event of a subscription is read afresh: the stream's context must not answer a later
// share with what an earlier event loaded (the console's update banner came back only once).
for (const backend of await backends()) {
  describe(`notificationAdded reads every event afresh (${backend})`, () => {
    const t = useServer(backend);

    it('offers each newly shared version, also after the copy took an earlier one', async () => {
      const { admin: pub, other: inst } = t.tokens;
      const code = validCode({ title: 'Sub' });
      // Version 1 shared, and a copy of it installed in the other workspace.
      const id = await releasedConnector(t, pub, { title: 'Sub', code });
      const copyId = await installedCopy(t, pub, inst, id);
      /** Version n (from 2) shared. */
      const share = async (n: number) => {
        const next = code.replace("get('/me')", `get('/me/${n}')`);
        await ok(t, pub, UPDATE, { input: { id, code: next } });
        await ok(t, pub, RELEASE, { input: { id } });
        await ok(t, pub, SHARE, { input: { id } });
      };
      const sub = await sseSubscribe(`${t.server.url}/graphql`, SUB, inst);
      try {
        await share(2);
        const first = (await sub.next()).data.notificationAdded;
        expect(first).toMatchObject({
          parentVersion: 2,
          connector: {
            installedFrom: {
              baseVersion: 1,
              updateAvailable: true,
              parent: { latestSharedVersion: { number: 2 } },
            },
          },
        });
        await ok(
          t,
          inst,
          'mutation($i: UpdateFromParentInput!) { updateFromParent(input: $i) { userErrors { code } } }',
          { i: { id: copyId } },
        );
        await share(3);
        const second = (await sub.next()).data.notificationAdded;
        expect(second).toMatchObject({
          parentVersion: 3,
          connector: {
            installedFrom: {
              baseVersion: 2,
              updateAvailable: true,
              parent: { latestSharedVersion: { number: 3 } },
            },
          },
        });
      } finally {
        sub.close();
      }
    });
  });
}
