import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createConnection, createConnector, run, startRun } from './helpers.js';

const CODE = `{
  title: 'Echo',
  connection: { fields: [{ name: 'region' }, { name: 'api_secret', control_type: 'password' }] },
  test: ->(connection) { { region: connection['region'] } },
  actions: { echo: { execute: ->(_c, input) { input } } }
}`;

/**
 * Runs and saved connections are tenant-isolated like everything else (another workspace's
 * connector, connection or run is NOT_FOUND or null, never a hint that it exists), and only
 * ADMIN and DEVELOPER see or use them: OPERATOR sees nothing of them.
 */
for (const backend of await backends()) {
  describe(`runs and connections: isolation and roles (${backend})`, () => {
    let s: TestServer;
    let adminA: string;
    let devA: string;
    let operatorA: string;
    let adminB: string;
    let connectorA: string;
    let connectionA: string;
    let runA: string;

    beforeAll(async () => {
      s = await startTestServer(backend, { EXECUTOR_SPARE_VMS: 1 });
      adminA = await s.token('team-a', 'ADMIN', 'ann');
      devA = await s.token('team-a', 'DEVELOPER', 'dev');
      operatorA = await s.token('team-a', 'OPERATOR', 'otto');
      adminB = await s.token('team-b', 'ADMIN', 'bob');
      connectorA = await createConnector(s, adminA, 'Echo A', CODE);
      connectionA = await createConnection(s, adminA, connectorA, 'eu', {
        region: 'eu',
        api_secret: 'sk-team-a-secret',
      });
      runA = (
        await run(s, devA, { connectorId: connectorA, target: 'test', connectionId: connectionA })
      ).id;
    }, 120_000);
    afterAll(() => s?.close());

    it('a developer runs and reads; the run is audited with its target and connection', async () => {
      const done = await run(s, devA, {
        connectorId: connectorA,
        target: 'actions.echo',
        input: { a: 1 },
        connectionId: connectionA,
      });
      expect(done).toMatchObject({ status: 'SUCCEEDED', output: { a: 1 }, actorHandle: 'dev' });
      const audit = await s.gql(
        `{ auditLog(first: 20, actions: [CONNECTOR_RUN, CONNECTION_CREATE]) { nodes { action actor after } } }`,
        {},
        adminA,
      );
      const actions = audit.body.data.auditLog.nodes.map((n: { action: string }) => n.action);
      expect(actions).toContain('CONNECTOR_RUN');
      expect(actions).toContain('CONNECTION_CREATE');
      expect(JSON.stringify(audit.body)).not.toContain('sk-team-a-secret');
    });

    it("another workspace can neither run A's connector, use A's connection, nor read A's runs or connections", async () => {
      const theirs = await startRun(s, adminB, { connectorId: connectorA, target: 'test' });
      expect(theirs.userErrors.map((e) => [e.code, e.field?.join('.')])).toEqual([
        ['NOT_FOUND', 'input.connectorId'],
      ]);

      const connectorB = await createConnector(s, adminB, 'Echo B', CODE);
      const borrowed = await startRun(s, adminB, {
        connectorId: connectorB,
        target: 'test',
        connectionId: connectionA,
      });
      expect(borrowed.userErrors.map((e) => [e.code, e.field?.join('.')])).toEqual([
        ['NOT_FOUND', 'input.connectionId'],
      ]);

      for (const id of [runA, connectionA]) {
        const node = await s.gql(`query($id: ID!) { node(id: $id) { id } }`, { id }, adminB);
        expect(node.body.data.node).toBeNull();
      }
      const cancel = await s.gql(
        `mutation($id: ID!) { cancelRun(input: { id: $id }) { run { id } userErrors { code field } } }`,
        { id: runA },
        adminB,
      );
      expect(cancel.body.data.cancelRun.userErrors).toEqual([
        { code: 'NOT_FOUND', field: ['input', 'id'] },
      ]);
      const update = await s.gql(
        `mutation($id: ID!) { updateConnection(input: { id: $id, values: { region: "us" } }) { userErrors { code } } }`,
        { id: connectionA },
        adminB,
      );
      expect(update.body.data.updateConnection.userErrors).toEqual([{ code: 'NOT_FOUND' }]);
      const del = await s.gql(
        `mutation($id: ID!) { deleteConnection(input: { id: $id }) { userErrors { code } } }`,
        { id: connectionA },
        adminB,
      );
      expect(del.body.data.deleteConnection.userErrors).toEqual([{ code: 'NOT_FOUND' }]);
      const conn = await s.gql(
        `mutation($i: CreateConnectionInput!) { createConnection(input: $i) { userErrors { code field } } }`,
        { i: { connectorId: connectorA, name: 'mine', values: {} } },
        adminB,
      );
      expect(conn.body.data.createConnection.userErrors).toEqual([
        { code: 'NOT_FOUND', field: ['input', 'connectorId'] },
      ]);
      // Nothing of A's changed.
      const mine = await s.gql(
        `query($id: ID!) { node(id: $id) { ... on ConnectionProfile { values { name value set } } } }`,
        { id: connectionA },
        adminA,
      );
      expect(mine.body.data.node.values).toEqual([
        { name: 'region', value: 'eu', set: true },
        { name: 'api_secret', value: null, set: true },
      ]);
    });

    it('an OPERATOR sees nothing of runs or connections and can do nothing with them', async () => {
      for (const id of [runA, connectionA]) {
        const node = await s.gql(`query($id: ID!) { node(id: $id) { id } }`, { id }, operatorA);
        expect(node.body.data.node).toBeNull();
      }
      for (const field of ['runs', 'connections']) {
        const list = await s.gql(
          `query($id: ID!) { connector(id: $id) { title ${field}(first: 5) { totalCount } } }`,
          { id: connectorA },
          operatorA,
        );
        expect(list.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(list.body.data?.connector ?? null).toBeNull();
      }
      const structure = await s.gql(
        `query($id: ID!) { connector(id: $id) { versions(first: 1) { nodes { structure } } } }`,
        { id: connectorA },
        operatorA,
      );
      expect(structure.body.data.connector.versions.nodes[0].structure).toBeNull();
      const refused = await startRun(s, operatorA, { connectorId: connectorA, target: 'test' });
      expect(refused.userErrors.map((e) => e.code)).toEqual(['FORBIDDEN']);
      const create = await s.gql(
        `mutation($i: CreateConnectionInput!) { createConnection(input: $i) { userErrors { code } } }`,
        { i: { connectorId: connectorA, name: 'op', values: {} } },
        operatorA,
      );
      expect(create.body.data.createConnection.userErrors).toEqual([{ code: 'FORBIDDEN' }]);
      const sub = await s.gql(`subscription { runUpdated { id } }`, {}, operatorA);
      expect(JSON.stringify(sub.body)).toContain('FORBIDDEN');
    });

    it('secrets are write-only: an update without the secret keeps it, and no answer holds it', async () => {
      const upd = await s.gql(
        `mutation($id: ID!) { updateConnection(input: { id: $id, name: "eu-2", values: { region: "eu-west" } }) { connection { name values { name value set secret } } userErrors { code } } }`,
        { id: connectionA },
        adminA,
      );
      expect(upd.body.data.updateConnection.connection).toEqual({
        name: 'eu-2',
        values: [
          { name: 'region', value: 'eu-west', set: true, secret: false },
          { name: 'api_secret', value: null, set: true, secret: true },
        ],
      });
      const bad = await s.gql(
        `mutation($id: ID!) { updateConnection(input: { id: $id, values: { nope: "x" } }) { userErrors { code field } } }`,
        { id: connectionA },
        adminA,
      );
      expect(bad.body.data.updateConnection.userErrors).toEqual([
        { code: 'INVALID_INPUT', field: ['input', 'values', 'nope'] },
      ]);
      // Sealed at rest: the database row holds neither value in clear.
      const row = await s.server.registry.db.prisma.connection.findFirstOrThrow({
        where: { name: 'eu-2' },
      });
      expect(row.sealedValues).toMatch(/^v1\./);
      expect(row.sealedValues).not.toContain('sk-team-a-secret');
      expect(row.sealedValues).not.toContain('eu-west');
    });
  });
}
