import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/processes.js';
import {
  fixture,
  startFakeApi,
  TASKLY_PASSWORD,
  TASKLY_USER,
  type FakeApi,
} from '../executor/fake-api.js';

/**
 * `connector-registry exec` on a developer's machine: no registry, the executor's own sandbox, a
 * local fake API on loopback (the test-only opt-in), settings from YAML, the HTTP log with the
 * password redacted, a recording written and then replayed with the API gone.
 */
// Each exec boots ruby.wasm in a new executor process: seconds on a quiet machine, more on a loaded one.
describe('developer CLI: exec', { timeout: 240_000 }, () => {
  let api: FakeApi;
  const dir = mkdtempSync(join(tmpdir(), 'registry-exec-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CONNECTOR_HTTP_ALLOW_LOOPBACK: 'true',
    EXECUTOR_SPARE_VMS: '0',
    LOG_LEVEL: 'silent',
  };
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  let connector: string;
  let settings: string;
  /** `exec` of Taskly's get_task with the connector and settings files, and `more` arguments. */
  const execGetTask = (...more: string[]) =>
    cli(
      env,
      'exec',
      'actions.get_task.execute',
      '--connector',
      connector,
      '--settings',
      settings,
      ...more,
    );

  beforeAll(async () => {
    api = await startFakeApi();
    connector = file('taskly.rb', fixture('taskly-basic-auth.rb'));
    settings = file(
      'settings.yaml',
      `base_url: ${api.url}\nusername: ${TASKLY_USER}\npassword: ${TASKLY_PASSWORD}\n`,
    );
  });
  afterAll(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs an action with input and settings files, logs HTTP with the password redacted, and records it', async () => {
    const recording = join(dir, 'get-task.json');
    const res = await execGetTask(
      '--input',
      file('in.json', '{"id": 2}'),
      '--verbose',
      '--record',
      recording,
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).not.toMatch(/Warning/);
    expect(JSON.parse(res.stdout)).toMatchObject({ id: 2, title: 'Task 2' });
    expect(res.stderr).toContain(`→ GET ${api.url}/taskly/api/tasks/2`);
    expect(res.stderr).toMatch(/← 200 in \d+ ms/);
    const basic = Buffer.from(`${TASKLY_USER}:${TASKLY_PASSWORD}`).toString('base64');
    for (const text of [res.stdout, res.stderr, readFileSync(recording, 'utf8')]) {
      expect(text).not.toContain(TASKLY_PASSWORD);
      expect(text).not.toContain(basic);
    }
    expect(JSON.parse(readFileSync(recording, 'utf8')).exchanges).toHaveLength(1);

    // Replayed with the API closed: the same output, no network.
    await api.close();
    const replayed = await execGetTask(
      '--input',
      join(dir, 'in.json'),
      '--replay',
      recording,
      '--json',
    );
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(JSON.parse(replayed.stdout)).toMatchObject({
      status: 'SUCCEEDED',
      output: { id: 2, title: 'Task 2' },
      exchanges: 1,
    });

    // A request that is not in the recording fails the run, in words.
    const other = await execGetTask(
      '--input',
      file('in3.json', '{"id": 3}'),
      '--replay',
      recording,
    );
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(`GET ${api.url}/taskly/api/tasks/3 is not in the recording`);
    api = await startFakeApi();
  });

  it('ends with the connector line of an error, and refuses bad files in words', async () => {
    const failing = file(
      'fails.rb',
      `{\n  actions: {\n    a: {\n      execute: lambda do |_c, _i|\n        error('no such contact')\n      end\n    }\n  }\n}\n`,
    );
    const res = await cli(env, 'exec', 'actions.a.execute', '--connector', failing);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/FAILED: line 5: no such contact/);

    const notJson = await cli(
      env,
      'exec',
      'test',
      '--connector',
      connector,
      '--input',
      file('bad.json', '{nope'),
    );
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toMatch(/The input file .*bad\.json does not parse/);
    const both = await cli(
      env,
      'exec',
      'test',
      '--connector',
      connector,
      '--record',
      'a',
      '--replay',
      'b',
    );
    expect(both.code).toBe(2);
  });

  it('writes refreshed settings back only with --write-settings', async () => {
    const code = file('metrics.rb', fixture('metrics-custom-auth.rb'));
    const s = file(
      'metrics.json',
      JSON.stringify({ base_url: api.url, api_key: 'mk_live_51HxSecretKey' }),
    );
    const first = await cli(env, 'exec', 'test', '--connector', code, '--settings', s);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/settings changed .*--write-settings/);
    expect(JSON.parse(readFileSync(s, 'utf8'))).not.toHaveProperty('session_token');
    const written = await cli(
      env,
      'exec',
      'test',
      '--connector',
      code,
      '--settings',
      s,
      '--write-settings',
    );
    expect(written.code, written.stderr).toBe(0);
    expect(written.stderr).toMatch(/written back to/);
    expect(Object.keys(JSON.parse(readFileSync(s, 'utf8'))).length).toBeGreaterThan(2);
    expect(statSync(s).mode & 0o777).toBe(0o600);
  });
});
