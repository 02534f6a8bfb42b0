import { beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import type { TestServer } from '../helpers/server.js';
import { fixture, TASKLY_PASSWORD, TASKLY_USER, tasklySettings } from '../executor/fake-api.js';
import { createConnection, createConnector, run, serverWithFakeApi } from './helpers.js';

const ERR = 'userErrors { code field message detail }';
const CREATE_TEST = `mutation($i: CreateConnectorTestInput!) { createConnectorTest(input: $i) {
  test { id name target exchangeCount expectedOutput recording assertions { path equals type } } ${ERR} } }`;
const RUN_TESTS = `mutation($i: RunConnectorTestsInput!) { runConnectorTests(input: $i) { results { id status version parentVersion } ${ERR} } }`;
const UPDATE_BRIEF = `mutation($i: UpdateConnectorInput!) { updateConnector(input: $i) { connector { latestVersion } ${ERR} } }`;
const RELEASE_BRIEF = `mutation($id: ID!) { releaseConnector(input: { id: $id }) { connector { latestReleasedVersion } ${ERR} } }`;
const SHARE_BRIEF = `mutation($id: ID!) { shareConnector(input: { id: $id }) { connector { latestSharedVersion } ${ERR} } }`;
const SUMMARY = `query($id: ID!, $n: Int!) { connector(id: $id) { version(number: $n) { testSummary {
  total passed failed pending notRun allPassed
  results { status reason failures { path message expected actual } test { name } run { id status httpExchanges(first: 5) { nodes { request { url } } } } } } } } }`;

const getTask = () => fixture('taskly-basic-auth.rb');

/** Waits until no result of the summary is pending. */
async function settled(s: TestServer, token: string, id: string, n: number) {
  const until = Date.now() + 90_000;
  for (;;) {
    const res = await s.gql(SUMMARY, { id, n }, token);
    if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
    const summary = res.body.data.connector.version.testSummary;
    if (summary.pending === 0 && summary.notRun === 0) return summary;
    if (Date.now() > until) throw new Error(`tests of version ${n} still pending`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/**
 * Recorded tests through GraphQL, on the real server and executor: a test saved from a live run
 * against a local fake API, replayed offline against versions that pass, fail on output, and
 * fail on a request the recording does not have; badges per version; the release rule; the
 * compare view; an installer's tests against the parent's next version before taking it.
 */
for (const backend of await backends()) {
  describe(`recorded tests (${backend})`, () => {
    const { s, api } = serverWithFakeApi(backend);
    let admin: string;
    let operator: string;
    let connectorId: string;
    let testId: string;

    beforeAll(async () => {
      admin = await s.token('acme', 'ADMIN', 'ada');
      operator = await s.token('acme', 'OPERATOR', 'otto');
    });

    it('saves a live run as a test, replays it offline against three versions, badges each, and compares outcomes', async () => {
      connectorId = await createConnector(s, admin, 'Taskly', getTask());
      const connectionId = await createConnection(
        s,
        admin,
        connectorId,
        'ada',
        tasklySettings(api),
      );
      const live = await run(s, admin, {
        connectorId,
        target: 'actions.get_task',
        input: { id: 1 },
        connectionId,
      });
      expect(live.status).toBe('SUCCEEDED');

      const created = await s.gql(
        CREATE_TEST,
        { i: { connectorId, name: 'get task 1', runId: live.id } },
        admin,
      );
      const test = created.body.data.createConnectorTest.test;
      expect(created.body.data.createConnectorTest.userErrors).toEqual([]);
      expect(test).toMatchObject({
        name: 'get task 1',
        target: 'actions.get_task',
        exchangeCount: 1,
      });
      expect(test.expectedOutput).toEqual(live.output);
      // The recording keeps no secret: not the password, not the Basic credentials.
      expect(JSON.stringify(test)).not.toContain(TASKLY_PASSWORD);
      expect(JSON.stringify(test)).not.toContain(
        Buffer.from(`${TASKLY_USER}:${TASKLY_PASSWORD}`).toString('base64'),
      );
      testId = test.id;

      // Version 2: only a comment differs. Version 3: the output changes. Version 4: another request.
      const v2 = getTask().replace('  actions: {', '  # tidied\n  actions: {');
      const v3 = v2.replace(
        `error("Task #{input['id']} does not exist")\n          end`,
        `error("Task #{input['id']} does not exist")\n          end.merge('done' => 'yes')`,
      );
      expect(v3).not.toBe(v2);
      const v4 = v2.replace(
        `get("/taskly/api/tasks/#{input['id']}")`,
        `get("/taskly/api/tasks/#{input['id']}?expand=all")`,
      );
      for (const code of [v2, v3, v4]) {
        const up = await s.gql(UPDATE_BRIEF, { i: { id: connectorId, code } }, admin);
        expect(up.body.data.updateConnector.userErrors).toEqual([]);
      }
      const calls = api.requests.length;
      for (const version of [2, 3, 4]) {
        const started = await s.gql(RUN_TESTS, { i: { connectorId, version } }, admin);
        expect(started.body.data.runConnectorTests.userErrors).toEqual([]);
        expect(started.body.data.runConnectorTests.results).toMatchObject([
          { status: 'PENDING', version },
        ]);
      }
      const [r2, r3, r4] = [
        await settled(s, admin, connectorId, 2),
        await settled(s, admin, connectorId, 3),
        await settled(s, admin, connectorId, 4),
      ];
      // Offline: the fake API saw no request from the replays.
      expect(api.requests.length).toBe(calls);

      expect(r2).toMatchObject({ total: 1, passed: 1, failed: 0, allPassed: true });
      expect(r3).toMatchObject({ total: 1, passed: 0, failed: 1, allPassed: false });
      expect(r3.results[0].failures.map((f: { path: string }) => f.path)).toEqual([
        '$.done',
        '$.done',
      ]);
      expect(r3.results[0].reason).toBe('$.done is "yes"; the recording has true.');
      expect(r3.results[0].failures[1].message).toContain('declared boolean in output_fields');
      expect(r4.results[0].status).toBe('FAILED');
      expect(r4.results[0].reason).toContain(
        `GET ${api.url}/taskly/api/tasks/1?expand=all is not in the recording`,
      );
      // The replay run shows what was asked.
      expect(r4.results[0].run.httpExchanges.nodes[0].request.url).toBe(
        `${api.url}/taskly/api/tasks/1?expand=all`,
      );

      // The version history's badges.
      const history = await s.gql(
        `query($id: ID!) { connector(id: $id) { versions(first: 10) { nodes { number testSummary { passed total } } } } }`,
        { id: connectorId },
        admin,
      );
      expect(
        Object.fromEntries(
          history.body.data.connector.versions.nodes.map((v: any) => [
            v.number,
            `${v.testSummary.passed}/${v.testSummary.total}`,
          ]),
        ),
      ).toEqual({ 1: '0/1', 2: '1/1', 3: '0/1', 4: '0/1' });

      // Compare shows which tests changed outcome.
      const diff = await s.gql(
        `query($id: ID!) { connector(id: $id) { diff(from: 2, to: 3) { testChanges { test { name } from { status } to { status } } } same: diff(from: 3, to: 4) { testChanges { test { name } } } } }`,
        { id: connectorId },
        admin,
      );
      expect(diff.body.data.connector.diff.testChanges).toEqual([
        { test: { name: 'get task 1' }, from: { status: 'PASSED' }, to: { status: 'FAILED' } },
      ]);
      expect(diff.body.data.connector.same.testChanges).toEqual([]);

      // Replays are not in the run history.
      const runs = await s.gql(
        `query($id: ID!) { connector(id: $id) { runs(first: 10) { totalCount } } }`,
        { id: connectorId },
        admin,
      );
      expect(runs.body.data.connector.runs.totalCount).toBe(1);
    });

    it('assertions replace equality: a changed value passes when only its type is asserted', async () => {
      const res = await s.gql(
        `mutation($i: UpdateConnectorTestInput!) { updateConnectorTest(input: $i) { test { assertions { path type } } ${ERR} } }`,
        {
          i: {
            id: testId,
            assertions: [
              { path: '$.id', equals: 1 },
              { path: '$.done', type: 'STRING' },
            ],
          },
        },
        admin,
      );
      expect(res.body.data.updateConnectorTest.userErrors).toEqual([]);
      await s.gql(RUN_TESTS, { i: { connectorId, version: 3 } }, admin);
      const summary = await settled(s, admin, connectorId, 3);
      // The asserted type holds now; output_fields still says done is a boolean.
      expect(summary.results[0].failures.map((f: { message: string }) => f.message)).toEqual([
        'Output field $.done is declared boolean in output_fields but is "yes".',
      ]);
      await s.gql(
        `mutation($i: UpdateConnectorTestInput!) { updateConnectorTest(input: $i) { ${ERR} } }`,
        { i: { id: testId, assertions: [] } },
        admin,
      );
    });

    it('requirePassingTests: release refuses with TESTS_FAILING naming the test, and allows a version that passes', async () => {
      const set = await s.gql(
        UPDATE_BRIEF,
        { i: { id: connectorId, requirePassingTests: true } },
        admin,
      );
      expect(set.body.data.updateConnector.userErrors).toEqual([]);
      const refused = await s.gql(RELEASE_BRIEF, { id: connectorId }, admin);
      expect(refused.body.data.releaseConnector.userErrors).toEqual([
        expect.objectContaining({
          code: 'TESTS_FAILING',
          detail: expect.stringMatching(
            /^get task 1 \(failed: The run failed \(line \d+\): GET .* is not in the recording\)$/,
          ),
        }),
      ]);
      expect(refused.body.data.releaseConnector.connector).toBeNull();
      // Restoring makes a version the tests never ran against: restore-and-release is refused as
      // a whole, and the restored version is not kept (the next version is still number 5).
      const restored = await s.gql(
        `mutation($i: RestoreVersionInput!) { restoreVersion(input: $i) { connector { latestVersion } ${ERR} } }`,
        { i: { id: connectorId, version: 2, release: true } },
        admin,
      );
      expect(restored.body.data.restoreVersion).toMatchObject({
        connector: null,
        userErrors: [{ code: 'TESTS_FAILING', detail: 'get task 1 (not run)' }],
      });
      // Back to version 2's code as version 5: not run yet, then passing.
      const v2 = (
        await s.gql(
          `query($id: ID!) { connector(id: $id) { version(number: 2) { code } } }`,
          { id: connectorId },
          admin,
        )
      ).body.data.connector.version.code;
      await s.gql(UPDATE_BRIEF, { i: { id: connectorId, code: `${v2}\n` } }, admin);
      const notRun = await s.gql(RELEASE_BRIEF, { id: connectorId }, admin);
      expect(notRun.body.data.releaseConnector.userErrors[0]).toMatchObject({
        code: 'TESTS_FAILING',
        detail: 'get task 1 (not run)',
      });
      await s.gql(RUN_TESTS, { i: { connectorId } }, admin);
      expect(await settled(s, admin, connectorId, 5)).toMatchObject({ passed: 1, total: 1 });
      const released = await s.gql(RELEASE_BRIEF, { id: connectorId }, admin);
      expect(released.body.data.releaseConnector).toMatchObject({
        userErrors: [],
        connector: { latestReleasedVersion: 5 },
      });
    });

    it('guards bad input and roles: nothing stored, OPERATOR sees results but not recordings', async () => {
      const count = async () =>
        (
          await s.gql(
            `query($id: ID!) { connector(id: $id) { tests(first: 50) { totalCount } } }`,
            { id: connectorId },
            admin,
          )
        ).body.data.connector.tests.totalCount;
      const before = await count();
      const bad = [
        [
          { connectorId, name: 'x', target: 'actions.get_task', recording: 'not a list' },
          'recording',
        ],
        [
          {
            connectorId,
            name: 'x',
            target: 'actions.get_task',
            recording: [{ request: { method: 'GET', url: 'nope' } }],
          },
          'recording',
        ],
        [{ connectorId, name: 'x', target: 'actions.nope', recording: [] }, 'target'],
        [{ connectorId, name: 'get task 1', target: 'actions.get_task', recording: [] }, 'name'],
        [{ connectorId, name: '', target: 'actions.get_task', recording: [] }, 'name'],
        [
          {
            connectorId,
            name: 'x',
            target: 'actions.get_task',
            recording: [],
            assertions: [{ path: 'id', equals: 1 }],
          },
          'assertions',
        ],
      ] as const;
      for (const [i, field] of bad) {
        const res = await s.gql(CREATE_TEST, { i }, admin);
        expect(res.status).toBe(200);
        expect(res.body.data.createConnectorTest.userErrors).toEqual([
          expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', field] }),
        ]);
      }
      // A run that failed is not a test.
      const failed = await run(s, admin, {
        connectorId,
        target: 'actions.get_task',
        input: { id: 999 },
      });
      const res = await s.gql(
        CREATE_TEST,
        { i: { connectorId, name: 'x', runId: failed.id } },
        admin,
      );
      expect(res.body.data.createConnectorTest.userErrors[0]).toMatchObject({
        code: 'INVALID_INPUT',
        field: ['input', 'runId'],
      });
      expect(await count()).toBe(before);

      // Another workspace sees none of it.
      const other = await s.token('globex', 'ADMIN', 'gus');
      const foreign = await s.gql(
        `query($id: ID!) { node(id: $id) { id } }`,
        { id: testId },
        other,
      );
      expect(foreign.body.data.node).toBeNull();
      const runForeign = await s.gql(RUN_TESTS, { i: { connectorId } }, other);
      expect(runForeign.body.data.runConnectorTests.userErrors[0].code).toBe('NOT_FOUND');
      const del = await s.gql(
        `mutation($id: ID!) { deleteConnectorTest(input: { id: $id }) { deletedTestId ${ERR} } }`,
        { id: testId },
        other,
      );
      expect(del.body.data.deleteConnectorTest.userErrors[0].code).toBe('NOT_FOUND');

      // OPERATOR: the results, not the recording.
      const op = await s.gql(
        `query($id: ID!) { node(id: $id) { ... on ConnectorTest { name latestResult { status } } } }`,
        { id: testId },
        operator,
      );
      expect(op.body.errors).toBeUndefined();
      expect(op.body.data.node).toEqual({ name: 'get task 1', latestResult: { status: 'PASSED' } });
      const rec = await s.gql(
        `query($id: ID!) { node(id: $id) { ... on ConnectorTest { recording } } }`,
        { id: testId },
        operator,
      );
      expect(rec.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const opRun = await s.gql(RUN_TESTS, { i: { connectorId } }, operator);
      expect(opRun.body.data.runConnectorTests.userErrors[0].code).toBe('FORBIDDEN');
    });

    it("an installer's tests run against the parent's next version before it is taken: the banner and the notification say how they fared", async () => {
      const LINK = `mutation($id: ID!) { createShareLink(input: { id: $id }) { token ${ERR} } }`;
      const INSTALL = `mutation($t: String!) { installConnector(input: { linkToken: $t }) { connector { id } ${ERR} } }`;
      // The parent (required tests off, so it can share freely).
      await s.gql(UPDATE_BRIEF, { i: { id: connectorId, requirePassingTests: false } }, admin);
      expect(
        (await s.gql(SHARE_BRIEF, { id: connectorId }, admin)).body.data.shareConnector.userErrors,
      ).toEqual([]);
      const token = (await s.gql(LINK, { id: connectorId }, admin)).body.data.createShareLink.token;
      const installer = await s.token('initech', 'ADMIN', 'ivy');
      const copy = (await s.gql(INSTALL, { t: token }, installer)).body.data.installConnector
        .connector.id;
      const connectionId = await createConnection(s, installer, copy, 'ivy', tasklySettings(api));
      const live = await run(s, installer, {
        connectorId: copy,
        target: 'actions.get_task',
        input: { id: 2 },
        connectionId,
      });
      expect(live.status).toBe('SUCCEEDED');
      const saved = await s.gql(
        CREATE_TEST,
        { i: { connectorId: copy, name: 'task two', runId: live.id } },
        installer,
      );
      expect(saved.body.data.createConnectorTest.userErrors).toEqual([]);

      // The parent ships a version that changes the output; the installer is told, with its tests' result.
      const v3 = (
        await s.gql(
          `query($id: ID!) { connector(id: $id) { version(number: 3) { code } } }`,
          { id: connectorId },
          admin,
        )
      ).body.data.connector.version.code;
      await s.gql(UPDATE_BRIEF, { i: { id: connectorId, code: v3 } }, admin);
      await s.gql(RELEASE_BRIEF, { id: connectorId }, admin);
      expect(
        (await s.gql(SHARE_BRIEF, { id: connectorId }, admin)).body.data.shareConnector.userErrors,
      ).toEqual([]);

      const BANNER = `query($id: ID!) { connector(id: $id) { latestVersion installedFrom { updateAvailable updateTestSummary { total passed failed pending notRun results { reason test { name } } } } } }`;
      const until = Date.now() + 90_000;
      let banner: any;
      for (;;) {
        banner = (await s.gql(BANNER, { id: copy }, installer)).body.data.connector;
        const summary = banner.installedFrom.updateTestSummary;
        if (summary && summary.pending === 0 && summary.passed + summary.failed === summary.total)
          break;
        if (Date.now() > until)
          throw new Error(`update tests still pending: ${JSON.stringify(banner)}`);
        await new Promise((r) => setTimeout(r, 150));
      }
      expect(banner.latestVersion).toBe(1); // nothing taken yet
      expect(banner.installedFrom.updateAvailable).toBe(true);
      expect(banner.installedFrom.updateTestSummary).toMatchObject({
        total: 1,
        passed: 0,
        failed: 1,
      });
      expect(banner.installedFrom.updateTestSummary.results[0]).toMatchObject({
        test: { name: 'task two' },
        reason: '$.done is "yes"; the recording has false.',
      });
      const notes = await s.gql(
        `{ notifications(first: 5) { nodes { parentVersion testSummary { passed failed total } } } }`,
        {},
        installer,
      );
      expect(notes.body.data.notifications.nodes[0]).toMatchObject({
        testSummary: { passed: 0, failed: 1, total: 1 },
      });

      // The installer can also replay against the update on request.
      const again = await s.gql(
        RUN_TESTS,
        { i: { connectorId: copy, againstUpdate: true } },
        installer,
      );
      expect(again.body.data.runConnectorTests.results).toMatchObject([
        { status: 'PENDING', version: 1, parentVersion: 6 },
      ]);

      // A new version of the copy makes the earlier check stale: the banner says not run.
      const own = (
        await s.gql(
          `query($id: ID!) { connector(id: $id) { version(number: 1) { code } } }`,
          { id: copy },
          installer,
        )
      ).body.data.connector.version.code;
      await s.gql(UPDATE_BRIEF, { i: { id: copy, code: `# ours\n${own}` } }, installer);
      const stale = (await s.gql(BANNER, { id: copy }, installer)).body.data.connector;
      expect(stale.installedFrom.updateTestSummary).toMatchObject({
        total: 1,
        passed: 0,
        failed: 0,
        notRun: 1,
      });
    });
  });
}
