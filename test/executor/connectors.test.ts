/**
 * Three realistic connectors (test/fixtures/connectors/) run end to end through the executor
 * process against local fake APIs (fake-api.ts): a REST API with basic auth and a paginated poll
 * trigger, an API key exchanged for a session token that is acquired and refreshed on 401, and an
 * OAuth2 API whose tokens are obtained from an authorization code and refreshed by the token URL.
 */
import { describe, expect, it } from 'vitest';
import {
  fixture,
  METRICS_API_KEY,
  NOTES_CLIENT_ID,
  NOTES_CLIENT_SECRET,
  TASKLY_PASSWORD,
  tasklySettings,
} from './fake-api.js';
import { everything, executorAndFakeApi, run, VM_TEST_TIMEOUT } from './helpers.js';

const { executor, api } = executorAndFakeApi();

describe('Taskly: REST with basic auth and a paginated poll trigger', {
  timeout: VM_TEST_TIMEOUT,
}, () => {
  const code = fixture('taskly-basic-auth.rb');
  const settings = () => tasklySettings(api);
  const opts = () => ({ settings: settings(), secretFields: ['password'] });

  it('tests the connection, and fails it with wrong credentials', async () => {
    const ok = await run(executor, code, 'test', opts());
    expect(ok.status, JSON.stringify(ok.error)).toBe('SUCCEEDED');
    expect(ok.output).toEqual({ id: 7, name: 'Ada', email: 'ada@example.com' });
    const bad = await run(executor, code, 'test', {
      settings: { ...settings(), password: 'wrong-password' },
      secretFields: ['password'],
    });
    expect(bad.status).toBe('FAILED');
    expect(bad.error?.message).toBe('401 Unauthorized: {"error":"bad credentials"}');
    expect(everything(ok)).not.toContain(TASKLY_PASSWORD);
    expect(everything(bad)).not.toContain('wrong-password');
  });

  it('creates a task through the whole action, with input fields from the object definition', async () => {
    const result = await run(executor, code, 'actions.create_task', {
      ...opts(),
      input: { title: 'Write docs', done: false },
    });
    expect(result.status, JSON.stringify(result.error)).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ title: 'Write docs', done: false, status: 'open' });
    expect(result.schema?.inputFields).toEqual([
      { name: 'title' },
      { name: 'done', type: 'boolean' },
    ]);
    expect((result.schema?.outputFields as { name: string }[]).map((f) => f.name)).toEqual([
      'id',
      'title',
      'done',
      'status',
      'updated_at',
    ]);
    const refused = await run(executor, code, 'actions.create_task.execute', {
      ...opts(),
      input: { done: true },
    });
    expect(refused.status).toBe('FAILED');
    expect(refused.error).toMatchObject({
      kind: 'ConnectorError',
      message: 'Taskly refused the task: title is required',
    });
    // The line of the connector's error() call, inside its after_error_response block.
    expect(refused.error?.line).toBe(49);
  });

  it('gets a task, and words a missing one', async () => {
    const found = await run(executor, code, 'actions.get_task.execute', {
      ...opts(),
      input: { id: 2 },
    });
    expect(found.output).toMatchObject({ id: 2, title: 'Task 2' });
    const missing = await run(executor, code, 'actions.get_task.execute', {
      ...opts(),
      input: { id: 99 },
    });
    expect(missing.error?.message).toBe('Task 99 does not exist');
  });

  it('polls every page of new tasks, with dedup keys, and the next closure picks up where it stopped', async () => {
    const first = await run(executor, code, 'triggers.new_or_updated_task.poll', opts());
    expect(first.status, JSON.stringify(first.error)).toBe('SUCCEEDED');
    expect(first.poll?.pages).toBe(3);
    expect((first.poll?.events as { id: number }[]).map((e) => e.id)).toEqual([1, 2, 3, 4, 5]);
    expect(first.poll?.dedupKeys).toEqual([
      '1@2026-01-01T00:00:00.000Z',
      '2@2026-01-02T00:00:00.000Z',
      '3@2026-01-03T00:00:00.000Z',
      '4@2026-01-04T00:00:00.000Z',
      '5@2026-01-05T00:00:00.000Z',
    ]);
    expect(first.poll?.nextPoll).toEqual({ since: '2026-01-05T00:00:00.000Z', page: 1 });
    expect(first.poll?.canPollMore).toBe(false);
    expect(first.exchanges.map((e) => new URL(e.request.url).searchParams.get('page'))).toEqual([
      '1',
      '2',
      '3',
    ]);
    const again = await run(executor, code, 'triggers.new_or_updated_task.poll', {
      ...opts(),
      closure: first.poll?.nextPoll,
    });
    expect(again.poll?.events).toEqual([]);
    expect(again.poll?.nextPoll).toEqual({ since: '2026-01-05T00:00:00.000Z', page: 1 });
  });

  it('fills the statuses pick list', async () => {
    const result = await run(executor, code, 'pick_lists.statuses', opts());
    expect(result.output).toEqual([
      ['Open', 'open'],
      ['Done', 'done'],
    ]);
  });
});

describe('Metrics: custom_auth, an API key exchanged for a session token', {
  timeout: VM_TEST_TIMEOUT,
}, () => {
  const code = fixture('metrics-custom-auth.rb');

  it('acquires a token on the first 401, re-acquires when it expires, and hands back the new settings', async () => {
    api.state.metricsTokenUses = 2;
    const settings = { base_url: api.url, api_key: METRICS_API_KEY };
    const first = await run(executor, code, 'actions.list_series.execute', {
      settings,
      secretFields: ['api_key'],
    });
    expect(first.status, JSON.stringify(first.error)).toBe('SUCCEEDED');
    expect(first.output).toEqual({
      series: [
        { name: 'signups', total: 8, max: 5 },
        { name: 'churn', total: 1, max: 1 },
      ],
    });
    expect(
      first.exchanges.map(
        (e) => `${e.request.method} ${new URL(e.request.url).pathname} ${e.response?.status}`,
      ),
    ).toEqual([
      'GET /metrics/v1/series 401',
      'POST /metrics/auth/session 200',
      'GET /metrics/v1/series 200',
    ]);
    const token = first.settingsUpdate?.session_token as string;
    expect(token).toMatch(/^sess-/);
    // The token and the API key appear nowhere in what the run hands back.
    expect(everything(first)).not.toContain(token);
    expect(everything(first)).not.toContain(METRICS_API_KEY);

    // The stored token serves one more request, then expires: the run after that acquires again.
    const second = await run(executor, code, 'pick_lists.series', {
      settings: { ...settings, session_token: token },
      secretFields: ['api_key'],
    });
    expect(second.output).toEqual([
      ['Signups', 'signups'],
      ['Churn', 'churn'],
    ]);
    expect(second.settingsUpdate).toBeUndefined();
    const third = await run(executor, code, 'actions.get_series.execute', {
      settings: { ...settings, session_token: token },
      input: { name: 'signups' },
      secretFields: ['api_key'],
    });
    expect(third.status, JSON.stringify(third.error)).toBe('SUCCEEDED');
    expect(third.output).toEqual({
      name: 'signups',
      points: [
        [1, 3],
        [2, 5],
      ],
      total: 8,
    });
    expect(third.settingsUpdate?.session_token).toMatch(/^sess-/);
    expect(third.settingsUpdate?.session_token).not.toBe(token);
  });

  it('fails clearly when the API key is wrong', async () => {
    const result = await run(executor, code, 'test', {
      settings: { base_url: api.url, api_key: 'mk_wrong_key_value' },
      secretFields: ['api_key'],
    });
    expect(result.status).toBe('FAILED');
    expect(result.error?.message).toBe('403 Forbidden: {"error":"unknown api key"}');
    expect(everything(result)).not.toContain('mk_wrong_key_value');
  });
});

describe('Notes: OAuth2 authorization code, refreshed by the token URL', {
  timeout: VM_TEST_TIMEOUT,
}, () => {
  const code = fixture('notes-oauth2.rb');
  const base = () => ({
    base_url: api.url,
    client_id: NOTES_CLIENT_ID,
    client_secret: NOTES_CLIENT_SECRET,
  });

  it('exchanges the code for tokens, uses them, refreshes them when they expire', async () => {
    api.state.notesTokenUses = 2;
    const acquired = await run(executor, code, 'connection.authorization.acquire', {
      settings: base(),
      secretFields: ['client_secret'],
      input: { auth_code: 'auth-code-1', redirect_uri: 'http://127.0.0.1/callback' },
    });
    expect(acquired.status, JSON.stringify(acquired.error)).toBe('SUCCEEDED');
    const tokens = acquired.settingsUpdate as { access_token: string; refresh_token: string };
    expect(tokens.access_token).toMatch(/^at-/);
    expect(tokens.refresh_token).toMatch(/^rt-/);
    expect(everything(acquired)).not.toContain(tokens.access_token);
    expect(everything(acquired)).not.toContain(NOTES_CLIENT_SECRET);

    const settings = { ...base(), ...tokens };
    const created = await run(executor, code, 'actions.create_note.execute', {
      settings,
      secretFields: ['client_secret'],
      input: { title: 'Hello', body: 'World', folder: 'f1' },
    });
    expect(created.status, JSON.stringify(created.error)).toBe('SUCCEEDED');
    expect(created.output).toMatchObject({
      title: 'Hello',
      body: 'World',
      folder: 'f1',
      created_at: '2026-12-06T00:00:00Z',
    });
    expect(created.logs).toEqual([`created note ${(created.output as { id: number }).id}`]);

    // One use left on the access token: the pick list uses it, the test after that refreshes.
    expect(
      (
        await run(executor, code, 'pick_lists.folders', {
          settings,
          secretFields: ['client_secret'],
        })
      ).output,
    ).toEqual([
      ['Inbox', 'f1'],
      ['Archive', 'f2'],
    ]);
    const refreshed = await run(executor, code, 'test', {
      settings,
      secretFields: ['client_secret'],
    });
    expect(refreshed.status, JSON.stringify(refreshed.error)).toBe('SUCCEEDED');
    expect(refreshed.output).toEqual({ user: 'ada' });
    expect(
      refreshed.exchanges.map(
        (e) => `${e.request.method} ${new URL(e.request.url).pathname} ${e.response?.status}`,
      ),
    ).toEqual(['GET /notes/api/me 401', 'POST /notes/oauth/token 200', 'GET /notes/api/me 200']);
    const tokenRequest = api.requests.filter((r) => r.url === '/notes/oauth/token').at(-1)!;
    expect(Object.fromEntries(new URLSearchParams(tokenRequest.body))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: NOTES_CLIENT_ID,
      client_secret: NOTES_CLIENT_SECRET,
    });
    const next = refreshed.settingsUpdate as { access_token: string; refresh_token: string };
    expect(next.access_token).not.toBe(tokens.access_token);
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    for (const secret of [
      tokens.access_token,
      tokens.refresh_token,
      next.access_token,
      next.refresh_token,
      NOTES_CLIENT_SECRET,
    ]) {
      expect(everything(refreshed)).not.toContain(secret);
    }
  });
  it('evaluates authorization_url with the connection and adds the parameters the platform adds', async () => {
    const result = await run(executor, code, 'connection.authorization.authorization_url', {
      settings: base(),
      secretFields: ['client_secret'],
      input: { redirect_uri: 'http://127.0.0.1:9/oauth/callback' },
    });
    expect(result.status, JSON.stringify(result.error)).toBe('SUCCEEDED');
    expect(result.output).toEqual({
      url: `${api.url}/notes/oauth/authorize?response_type=code&client_id=${NOTES_CLIENT_ID}&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Foauth%2Fcallback`,
      client_id: NOTES_CLIENT_ID,
    });
    expect(result.exchanges).toEqual([]);
  });

  it('without acquire, exchanges the code at token_url (form-encoded authorization_code grant)', async () => {
    const withoutAcquire = code.replace(/acquire: lambda do.*?\n      end,\n/s, '');
    expect(withoutAcquire).not.toContain('acquire');
    const acquired = await run(executor, withoutAcquire, 'connection.authorization.acquire', {
      settings: base(),
      secretFields: ['client_secret'],
      input: { auth_code: 'auth-code-1', redirect_uri: 'http://127.0.0.1:9/oauth/callback' },
    });
    expect(acquired.status, JSON.stringify(acquired.error)).toBe('SUCCEEDED');
    expect(Object.keys(acquired.settingsUpdate ?? {})).toEqual(
      expect.arrayContaining(['access_token', 'refresh_token']),
    );
    const tokenRequest = api.requests.filter((r) => r.url === '/notes/oauth/token').at(-1)!;
    expect(Object.fromEntries(new URLSearchParams(tokenRequest.body))).toEqual({
      grant_type: 'authorization_code',
      code: 'auth-code-1',
      redirect_uri: 'http://127.0.0.1:9/oauth/callback',
      client_id: NOTES_CLIENT_ID,
      client_secret: NOTES_CLIENT_SECRET,
    });
    expect(everything(acquired)).not.toContain(NOTES_CLIENT_SECRET);
  });
});
