import { beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import {
  fixture,
  METRICS_API_KEY,
  NOTES_CLIENT_ID,
  NOTES_CLIENT_SECRET,
  TASKLY_PASSWORD,
  TASKLY_USER,
  tasklySettings,
} from '../executor/fake-api.js';
import {
  createConnection,
  createConnector,
  run,
  startRun,
  waitForRun,
  serverWithFakeApi,
} from './helpers.js';

/** The registry's code checks want `refresh_on` as an array (as the SDK documents it); the fixture gives one code. */
const metricsCode = () =>
  fixture('metrics-custom-auth.rb').replace('refresh_on: 401,', 'refresh_on: [401],');

/**
 * Three realistic connectors (test/fixtures/connectors) run end to end through GraphQL against
 * local fake APIs, on the real HTTP server with its own executor (embedded on PGlite, the
 * PostgreSQL queue worked by the gateway on PostgreSQL).
 */
for (const backend of await backends()) {
  describe(`running connectors (${backend})`, () => {
    const { s, api } = serverWithFakeApi(backend);
    let admin: string;

    beforeAll(async () => {
      admin = await s.token('acme', 'ADMIN', 'ada');
    });

    it('Taskly (basic auth): the connection test, an action, and a paginated poll with its closure; the password never shows', async () => {
      const connectorId = await createConnector(
        s,
        admin,
        'Taskly',
        fixture('taskly-basic-auth.rb'),
      );
      const connectionId = await createConnection(
        s,
        admin,
        connectorId,
        'ada',
        tasklySettings(api),
      );

      const values = await s.gql(
        `query($id: ID!) { node(id: $id) { ... on ConnectionProfile { name values { name secret set value } } } }`,
        { id: connectionId },
        admin,
      );
      expect(values.body.data.node.values).toEqual([
        { name: 'base_url', secret: false, set: true, value: api.url },
        { name: 'username', secret: false, set: true, value: TASKLY_USER },
        { name: 'password', secret: true, set: true, value: null },
      ]);

      const test = await run(s, admin, { connectorId, target: 'test', connectionId });
      expect(test.status, JSON.stringify(test.error)).toBe('SUCCEEDED');
      expect(test.output).toMatchObject({ id: 7, name: 'Ada' });
      expect(test.httpExchanges.totalCount).toBe(1);
      const exchange = test.httpExchanges.nodes[0];
      expect(exchange.request.method).toBe('GET');
      expect(exchange.request.url).toBe(`${api.url}/taskly/api/me`);
      expect(exchange.response.status).toBe(200);
      expect(
        exchange.request.headers.find(
          (h: { name: string }) => h.name.toLowerCase() === 'authorization',
        )?.value,
      ).toMatch(/REDACTED/);
      expect(JSON.stringify(test)).not.toContain(TASKLY_PASSWORD);
      expect(JSON.stringify(test)).not.toContain(
        Buffer.from(`${TASKLY_USER}:${TASKLY_PASSWORD}`).toString('base64'),
      );
      // The API really was called with the credentials.
      expect(
        api.requests.some(
          (r) => r.url === '/taskly/api/me' && String(r.headers.authorization).startsWith('Basic '),
        ),
      ).toBe(true);

      const created = await run(s, admin, {
        connectorId,
        target: 'actions.create_task',
        input: { title: 'Write docs', done: false },
        connectionId,
      });
      expect(created.status, JSON.stringify(created.error)).toBe('SUCCEEDED');
      expect(created.output).toMatchObject({ title: 'Write docs', status: 'open' });

      const refused = await run(s, admin, {
        connectorId,
        target: 'actions.create_task.execute',
        input: { done: true },
        connectionId,
      });
      expect(refused.status).toBe('FAILED');
      expect(refused.error.message).toContain('Taskly refused the task: title is required');
      expect(refused.error.line).toBeGreaterThan(40);

      const poll = await run(s, admin, {
        connectorId,
        target: 'triggers.new_or_updated_task.poll',
        input: {},
        connectionId,
      });
      expect(poll.status, JSON.stringify(poll.error)).toBe('SUCCEEDED');
      expect(poll.poll.events.map((e: { id: number }) => e.id).sort()).toEqual([1, 2, 3, 4, 5]);
      expect(poll.poll.dedupKeys).toContain('1@2026-01-01T00:00:00.000Z');
      expect(poll.poll.nextPoll).toMatchObject({ since: '2026-01-05T00:00:00.000Z', page: 1 });
      expect(poll.httpExchanges.totalCount).toBe(3); // three pages of two

      const again = await run(s, admin, {
        connectorId,
        target: 'triggers.new_or_updated_task.poll',
        input: {},
        closure: poll.poll.nextPoll,
        connectionId,
      });
      expect(again.status, JSON.stringify(again.error)).toBe('SUCCEEDED');
      expect(again.closure).toEqual(poll.poll.nextPoll);
      expect(again.poll.events).toEqual([]);

      const history = await s.gql(
        `query($id: ID!) { connector(id: $id) { runs(first: 10) { totalCount nodes { id status target } } } }`,
        { id: connectorId },
        admin,
      );
      expect(history.body.data.connector.runs.totalCount).toBe(5);
      expect(history.body.data.connector.runs.nodes[0].id).toBe(again.id); // newest first
    }, 120_000);

    it('Metrics (custom_auth): the session token is acquired and refreshed on 401, stored sealed, and never shown', async () => {
      const connectorId = await createConnector(s, admin, 'Metrics', metricsCode());
      const connectionId = await createConnection(s, admin, connectorId, 'prod', {
        base_url: api.url,
        api_key: METRICS_API_KEY,
      });
      const first = await run(s, admin, {
        connectorId,
        target: 'actions.list_series',
        connectionId,
      });
      expect(first.status, JSON.stringify(first.error)).toBe('SUCCEEDED');
      expect(first.output).toEqual({
        series: [
          { name: 'signups', total: 8, max: 5 },
          { name: 'churn', total: 1, max: 1 },
        ],
      });
      expect(first.settingsUpdated).toBe(true);
      expect(JSON.stringify(first)).not.toContain(METRICS_API_KEY);

      const values = await s.gql(
        `query($id: ID!) { node(id: $id) { ... on ConnectionProfile { values { name secret set value } } } }`,
        { id: connectionId },
        admin,
      );
      expect(values.body.data.node.values).toContainEqual({
        name: 'session_token',
        secret: true,
        set: true,
        value: null,
      });

      // The stored token serves a request or two, then the API answers 401 and the token is acquired again.
      for (let i = 0; i < 3; i++) {
        const next = await run(s, admin, {
          connectorId,
          target: 'methods.summarize',
          args: [
            {
              name: 'x',
              points: [
                [1, 2],
                [2, 4],
              ],
            },
          ],
          connectionId,
        });
        expect(next.status, JSON.stringify(next.error)).toBe('SUCCEEDED');
        expect(next.output).toEqual({ name: 'x', total: 6, max: 4 });
      }
      const series = await run(s, admin, {
        connectorId,
        target: 'actions.get_series',
        input: { name: 'signups' },
        connectionId,
      });
      const again = await run(s, admin, {
        connectorId,
        target: 'actions.get_series',
        input: { name: 'signups' },
        connectionId,
      });
      expect([series.status, again.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
      expect([series, again].some((r) => r.settingsUpdated)).toBe(true);
      const statuses = [...series.httpExchanges.nodes, ...again.httpExchanges.nodes].map(
        (e: { response: { status: number } }) => e.response.status,
      );
      expect(statuses).toContain(401);
    }, 120_000);

    it('Notes (OAuth2): an expired access token is refreshed with the refresh token, the new tokens stored sealed', async () => {
      const connectorId = await createConnector(s, admin, 'Notes', fixture('notes-oauth2.rb'));
      const connectionId = await createConnection(s, admin, connectorId, 'work', {
        base_url: api.url,
        client_id: NOTES_CLIENT_ID,
        client_secret: NOTES_CLIENT_SECRET,
      });
      // The tokens an authorization stored (here written as a refresh would).
      const update = await s.gql(
        `mutation($i: UpdateConnectionInput!) { updateConnection(input: $i) { userErrors { code field } } }`,
        { i: { id: connectionId, values: { base_url: api.url } } },
        admin,
      );
      expect(update.body.data.updateConnection.userErrors).toEqual([]);
      const { prisma } = s.server.registry.db;
      const { mergeSettings } = await import('../../src/domain/connections.js');
      const { parseGlobalId } = await import('../../src/graphql/ids.js');
      await prisma.$transaction((tx) =>
        mergeSettings(
          tx,
          s.server.registry.runs.services.box,
          parseGlobalId(connectionId, 'ConnectionProfile'),
          { access_token: 'expired-token', refresh_token: 'refresh-initial' },
        ),
      );

      const note = await run(s, admin, {
        connectorId,
        target: 'actions.create_note',
        input: { title: 'Hello', body: 'World', folder: 'f1' },
        connectionId,
      });
      expect(note.status, JSON.stringify(note.error)).toBe('SUCCEEDED');
      expect(note.output).toMatchObject({ title: 'Hello', body: 'World', folder: 'f1' });
      expect(note.logs.join('\n')).toMatch(/created note \d+/);
      expect(note.settingsUpdated).toBe(true);
      const text = JSON.stringify(note);
      for (const secret of [NOTES_CLIENT_SECRET, 'refresh-initial', 'expired-token'])
        expect(text).not.toContain(secret);
      // Every request went to the API's own host.
      expect(
        note.httpExchanges.nodes.every((e: { unexpectedHost: boolean }) => !e.unexpectedHost),
      ).toBe(true);
    }, 120_000);

    it('bad input is refused with a code and a field, and stores nothing', async () => {
      const connectorId = await createConnector(
        s,
        admin,
        'Bad input target',
        fixture('taskly-basic-auth.rb'),
      );
      const other = await createConnector(s, admin, 'Other connector', metricsCode());
      const foreignConnection = await createConnection(s, admin, other, 'x', { base_url: api.url });
      const count = async () =>
        (
          await s.gql(
            `query($id: ID!) { connector(id: $id) { runs(first: 1) { totalCount } latestVersion } }`,
            { id: connectorId },
            admin,
          )
        ).body.data.connector;
      const cases: [Record<string, unknown>, string, string][] = [
        [{ connectorId }, 'INVALID_INPUT', 'input.target'],
        [{ connectorId, target: 'actions.nope' }, 'INVALID_INPUT', 'input.target'],
        [{ connectorId, target: 'rm -rf' }, 'INVALID_INPUT', 'input.target'],
        [{ connectorId, target: 'test', input: [1, 2] }, 'INVALID_INPUT', 'input.input'],
        [{ connectorId, target: 'test', input: 'text' }, 'INVALID_INPUT', 'input.input'],
        [{ connectorId, target: 'test', closure: { since: 1 } }, 'INVALID_INPUT', 'input.closure'],
        [{ connectorId, target: 'test', version: 9 }, 'NOT_FOUND', 'input.version'],
        [
          { connectorId, target: 'test', connectionId: foreignConnection },
          'INVALID_INPUT',
          'input.connectionId',
        ],
        [
          { connectorId, target: 'test', connectionId: 'bm9wZQ==' },
          'NOT_FOUND',
          'input.connectionId',
        ],
        [{ connectorId, target: 'test', code: '[1, 2, 3]' }, 'CODE_HAS_ERRORS', 'input.code'],
        [{ connectorId, target: 'test', code: '{ title: "x", ' }, 'CODE_HAS_ERRORS', 'input.code'],
        [{ connectorId: 'Q29ubmVjdG9yOjk5OTk5', target: 'test' }, 'NOT_FOUND', 'input.connectorId'],
      ];
      for (const [input, code, field] of cases) {
        const res = await startRun(s, admin, input);
        expect(res.run, JSON.stringify(input)).toBeNull();
        expect(
          res.userErrors.map((e) => [e.code, e.field?.join('.')]),
          JSON.stringify(input),
        ).toEqual([[code, field]]);
      }
      expect(await count()).toEqual({ runs: { totalCount: 0 }, latestVersion: 1 });
    }, 120_000);

    it('unsaved editor text is saved as the next version, then run, and the payload says so', async () => {
      const connectorId = await createConnector(
        s,
        admin,
        'Editor text',
        fixture('taskly-basic-auth.rb'),
      );
      const code = `{ title: 'Echo', test: ->(_) { { hello: 'world' } }, actions: { hi: { execute: ->(_c, input) { { greeting: "hi #{input['name']}" } } } } }`;
      const started = await startRun(s, admin, {
        connectorId,
        target: 'actions.hi',
        input: { name: 'Ada' },
        code,
      });
      expect(started.userErrors).toEqual([]);
      expect(started.savedVersion).toEqual({ number: 2 });
      const done = await waitForRun(s, admin, started.run!.id);
      expect(done).toMatchObject({
        status: 'SUCCEEDED',
        version: 2,
        output: { greeting: 'hi Ada' },
      });
      // The same text again saves nothing new.
      const same = await startRun(s, admin, { connectorId, target: 'test', code });
      expect(same.savedVersion).toBeNull();
      expect((await waitForRun(s, admin, same.run!.id)).version).toBe(2);
    }, 120_000);
  });
}
