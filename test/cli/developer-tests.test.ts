import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/domain/auth.js';
import { fixture, TASKLY_PASSWORD, tasklySettings } from '../executor/fake-api.js';
import { backends } from '../helpers/backends.js';
import { BIN, cli, type CliResult } from '../helpers/processes.js';
import { createConnection, createConnector, run, serverWithFakeApi } from '../runs/helpers.js';

const PIPELINE = new URL('../../examples/ci/connector-pipeline.sh', import.meta.url).pathname;

function bash(env: NodeJS.ProcessEnv, cwd: string, script: string): Promise<CliResult> {
  return new Promise((resolve, reject) =>
    execFile(
      'bash',
      [script],
      { env, cwd, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    ),
  );
}

/**
 * `connector-registry test` as a CI gate: the registry's recorded tests against a version (exit 1
 * on a failure, with the reason), the same tests pulled as files and replayed offline with
 * --local, `release` refused by TESTS_FAILING, and examples/ci/connector-pipeline.sh run end to
 * end against a registry this test starts: green releases, red stops before releasing.
 */
for (const backend of await backends()) {
  describe(`developer CLI: tests and the CI example (${backend})`, () => {
    const { s: srv, api } = serverWithFakeApi(backend);
    let admin: string;
    let connectorId: string;
    let connectionId: string;
    const dir = mkdtempSync(join(tmpdir(), 'registry-devtests-'));
    let env: NodeJS.ProcessEnv;
    const run$ = (...args: string[]) => cli(env, ...args);
    const code = fixture('taskly-basic-auth.rb');
    const changedOutput = code.replace(
      `error("Task #{input['id']} does not exist")\n          end`,
      `error("Task #{input['id']} does not exist")\n          end.merge('title' => 'renamed')`,
    );
    const otherRequest = code.replace(
      `get("/taskly/api/tasks/#{input['id']}")`,
      `get("/taskly/api/v2/tasks/#{input['id']}")`,
    );

    beforeAll(async () => {
      admin = await srv.token('acme', 'ADMIN', 'ada');
      const { token } = await createToken(srv.server.registry.db.prisma, {
        workspace: 'acme',
        role: 'DEVELOPER',
        handle: 'dana',
      });
      env = {
        ...process.env,
        CONNECTOR_REGISTRY_CONFIG: join(dir, 'profiles.json'),
        CONNECTOR_REGISTRY_URL: srv.url.replace(/\/graphql$/, ''),
        CONNECTOR_REGISTRY_TOKEN: token,
        CONNECTOR_HTTP_ALLOW_LOOPBACK: 'true',
      };
      // A connector with one test case, recorded from a live run against the fake API.
      connectorId = await createConnector(srv, admin, 'Taskly', code);
      connectionId = await createConnection(srv, admin, connectorId, 'ada', tasklySettings(api));
      const live = await run(srv, admin, {
        connectorId,
        target: 'actions.get_task',
        input: { id: 3 },
        connectionId,
      });
      const saved = await srv.gql(
        `mutation($i: CreateConnectorTestInput!) { createConnectorTest(input: $i) { userErrors { message } } }`,
        { i: { connectorId, name: 'get task 3', runId: live.id } },
        admin,
      );
      expect(saved.body.data.createConnectorTest.userErrors).toEqual([]);
    }, 90_000);
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it("test ID replays the registry's tests and exits 1 naming what failed", async () => {
      const green = await run$('test', connectorId, '--json');
      expect(green.code, green.stderr).toBe(0);
      expect(JSON.parse(green.stdout)).toMatchObject({
        subject: 'Taskly version 1:',
        passed: 1,
        failed: 0,
        total: 1,
      });

      writeFileSync(join(dir, 'changed.rb'), changedOutput);
      const pushed = await run$(
        'push',
        join(dir, 'changed.rb'),
        '--connector',
        connectorId,
        '--note',
        'rename',
        '--json',
      );
      expect(pushed.code, pushed.stderr).toBe(0);
      const red = await run$('test', connectorId);
      expect(red.code).toBe(1);
      expect(red.stdout).toContain('Taskly version 2:');
      expect(red.stdout).toContain('✗ get task 3');
      expect(red.stdout).toMatch(/\$\.title is "renamed"; the recording has "Task 3"/);
      expect(red.stdout).toContain('0 passed, 1 failed, 1 in all.');
      // Version 1 still passes.
      expect((await run$('test', connectorId, '--version', '1')).code).toBe(0);
    });

    it('pull --tests writes the test cases as files, and test --local replays them offline', {
      timeout: 90_000,
    }, async () => {
      const tests = join(dir, 'tests');
      const pulled = await run$(
        'pull',
        connectorId,
        '--version',
        '1',
        '-o',
        join(dir, 'connector.rb'),
        '--tests',
        tests,
      );
      expect(pulled.code, pulled.stderr).toBe(0);
      expect(readdirSync(tests)).toEqual(['get-task-3.json']);
      const file = JSON.parse(readFileSync(join(tests, 'get-task-3.json'), 'utf8'));
      expect(file).toMatchObject({
        name: 'get task 3',
        target: 'actions.get_task',
        input: { id: 3 },
      });
      expect(JSON.stringify(file)).not.toContain(TASKLY_PASSWORD);

      const calls = api.requests.length;
      const local = await run$('test', '--local', join(dir, 'connector.rb'), '--dir', tests);
      expect(local.code, local.stderr).toBe(0);
      expect(local.stdout).toContain('✓ get task 3');
      writeFileSync(join(dir, 'other.rb'), otherRequest);
      const missing = await run$(
        'test',
        '--local',
        join(dir, 'other.rb'),
        '--dir',
        tests,
        '--json',
      );
      expect(missing.code).toBe(1);
      expect(JSON.parse(missing.stdout).tests[0].reason).toContain(
        `GET ${api.url}/taskly/api/v2/tasks/3 is not in the recording`,
      );
      expect(api.requests.length).toBe(calls); // offline

      // exec --record writes a file test --local can replay.
      const recDir = join(dir, 'recorded');
      rmSync(recDir, { recursive: true, force: true });
      await import('node:fs').then((fs) => fs.mkdirSync(recDir));
      writeFileSync(join(dir, 'settings.json'), JSON.stringify(tasklySettings(api)));
      writeFileSync(join(dir, 'input.json'), '{"id": 4}');
      const rec = await run$(
        'exec',
        'actions.get_task',
        '--connector',
        join(dir, 'connector.rb'),
        '--settings',
        join(dir, 'settings.json'),
        '--input',
        join(dir, 'input.json'),
        '--record',
        join(recDir, 'task-4.json'),
      );
      expect(rec.code, rec.stderr).toBe(0);
      expect(readFileSync(join(recDir, 'task-4.json'), 'utf8')).not.toContain(TASKLY_PASSWORD);
      const replayed = await run$('test', '--local', join(dir, 'connector.rb'), '--dir', recDir);
      expect(replayed.code, replayed.stdout + replayed.stderr).toBe(0);
      expect(replayed.stdout).toContain('✓ task-4');
    });

    it('record saves a test from a live run on the registry, or uploads a test file', {
      timeout: 90_000,
    }, async () => {
      writeFileSync(join(dir, 'task5.json'), '{"id": 5}');
      const live = await run$(
        'record',
        connectorId,
        'actions.get_task',
        '--version',
        '1',
        '--name',
        'task 5',
        '--connection',
        connectionId,
        '--input',
        join(dir, 'task5.json'),
      );
      expect(live.code, live.stderr).toBe(0);
      expect(live.stdout).toBe('Saved test "task 5" (actions.get_task, 1 recorded exchange(s)).\n');
      const upload = await run$(
        'record',
        connectorId,
        '--file',
        join(dir, 'tests', 'get-task-3.json'),
        '--name',
        'uploaded',
        '--json',
      );
      expect(upload.code, upload.stderr).toBe(0);
      expect(JSON.parse(upload.stdout)).toMatchObject({
        name: 'uploaded',
        target: 'actions.get_task',
        exchangeCount: 1,
      });
      writeFileSync(join(dir, 'task404.json'), '{"id": 404}');
      const failed = await run$(
        'record',
        connectorId,
        'actions.get_task',
        '--name',
        'nope',
        '--connection',
        connectionId,
        '--input',
        join(dir, 'task404.json'),
      );
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(
        /The run ended FAILED \(line \d+\): Task 404 does not exist; only a run that succeeded is saved as a test\./,
      );
      const taken = await run$(
        'record',
        connectorId,
        '--file',
        join(dir, 'tests', 'get-task-3.json'),
      );
      expect(taken.code).toBe(1);
      expect(taken.stderr).toContain('already has a test named "get task 3"');
      const list = await srv.gql(
        `query($id: ID!) { connector(id: $id) { tests(first: 10) { nodes { name } } } }`,
        { id: connectorId },
        admin,
      );
      expect(list.body.data.connector.tests.nodes.map((t: { name: string }) => t.name)).toEqual([
        'get task 3',
        'task 5',
        'uploaded',
      ]);
      // The new tests pass against version 1 (the code they were recorded with).
      expect((await run$('test', connectorId, '--version', '1')).stdout).toContain(
        '3 passed, 0 failed, 3 in all.',
      );
    });

    it('refuses a wrong command line in words', async () => {
      const both = await run$('test', connectorId, '--local', 'x.rb');
      expect(both.code).toBe(2);
      expect(both.stderr).toContain('not both');
      const none = await run$('test');
      expect(none.code).toBe(2);
      const bad = join(dir, 'bad-tests');
      await import('node:fs').then((fs) => fs.mkdirSync(bad, { recursive: true }));
      writeFileSync(join(bad, 'x.json'), '{"target": 1}');
      const wrong = await run$('test', '--local', join(dir, 'connector.rb'), '--dir', bad);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain('is not a test file');
    });

    it('examples/ci/connector-pipeline.sh: green releases the pushed version; red stops before releasing', {
      timeout: 120_000,
    }, async () => {
      const repo = join(dir, 'repo');
      await import('node:fs').then((fs) => fs.mkdirSync(join(repo, 'tests'), { recursive: true }));
      writeFileSync(join(repo, 'connector.rb'), code);
      for (const f of readdirSync(join(dir, 'tests')))
        writeFileSync(join(repo, 'tests', f), readFileSync(join(dir, 'tests', f)));
      const pipelineEnv = {
        ...env,
        CONNECTOR_ID: connectorId,
        CONNECTOR_REGISTRY_CLI: `node ${BIN}`,
        CI_COMMIT_TITLE: 'back to the original',
      };

      const green = await bash(pipelineEnv, repo, PIPELINE);
      expect(green.code, green.stdout + green.stderr).toBe(0);
      expect(green.stdout).toContain('3 passed, 0 failed');
      expect(green.stdout).toMatch(/Released Taskly version 3 to the workspace\./);

      // A change that breaks the recorded test: the pipeline stops at the offline replay.
      writeFileSync(join(repo, 'connector.rb'), changedOutput);
      const red = await bash(pipelineEnv, repo, PIPELINE);
      expect(red.code).toBe(1);
      expect(red.stdout).toContain('✗ get task 3');
      // Without local test files, the registry's replay stops it: pushed, not released.
      rmSync(join(repo, 'tests'), { recursive: true });
      const redRemote = await bash(pipelineEnv, repo, PIPELINE);
      expect(redRemote.code).toBe(1);
      expect(redRemote.stdout).toContain('Pushed version 4.');
      expect(redRemote.stdout).not.toContain('Released');
      const state = await srv.gql(
        `query($id: ID!) { connector(id: $id) { latestVersion latestReleasedVersion } }`,
        { id: connectorId },
        admin,
      );
      expect(state.body.data.connector).toEqual({ latestVersion: 4, latestReleasedVersion: 3 });

      // release itself respects requirePassingTests.
      await srv.gql(
        `mutation($i: UpdateConnectorInput!) { updateConnector(input: $i) { userErrors { message } } }`,
        { i: { id: connectorId, requirePassingTests: true } },
        admin,
      );
      const refused = await run$('release', connectorId);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('requires passing tests');
    });
  });
}
