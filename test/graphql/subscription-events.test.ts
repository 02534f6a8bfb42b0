import { describe, expect, it } from 'vitest';
import { validCode } from '../fixtures/code.js';
import { backends } from '../helpers/backends.js';
import { ok, useServer } from '../helpers/fixtures.js';
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
      const { connector } = await ok(
        t,
        pub,
        'mutation($i: CreateConnectorInput!) { createConnector(input: $i) { connector { id } userErrors { code } } }',
        { i: { title: 'Sub', code } },
      );
      const share = async (n: number) => {
        if (n > 1)
          await ok(
            t,
            pub,
            'mutation($i: UpdateConnectorInput!) { updateConnector(input: $i) { userErrors { code } } }',
            { i: { id: connector.id, code: code.replace("get('/me')", `get('/me/${n}')`) } },
          );
        await ok(
          t,
          pub,
          'mutation($i: ReleaseConnectorInput!) { releaseConnector(input: $i) { userErrors { code } } }',
          { i: { id: connector.id } },
        );
        await ok(
          t,
          pub,
          'mutation($i: ShareConnectorInput!) { shareConnector(input: $i) { userErrors { code } } }',
          { i: { id: connector.id } },
        );
      };
      await share(1);
      const { token: linkToken } = await ok(
        t,
        pub,
        'mutation($i: CreateShareLinkInput!) { createShareLink(input: $i) { token userErrors { code } } }',
        { i: { id: connector.id } },
      );
      const { connector: copy } = await ok(
        t,
        inst,
        'mutation($i: InstallConnectorInput!) { installConnector(input: $i) { connector { id } userErrors { code } } }',
        { i: { linkToken } },
      );
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
          { i: { id: copy.id } },
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
