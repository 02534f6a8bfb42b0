import { describe, expect, it } from 'vitest';
import { fixture, TASKLY_PASSWORD, TASKLY_USER } from '../executor/fake-api.js';
import { screenshot } from './browser.js';
import { connectorPath, useConsoleWithFakeApi } from './harness.js';
import { CREATE, UPDATE } from '../helpers/documents.js';

// The Test tab in a real Chromium through the UI: a connection made from the connector's fields
// (password masked), the connection test, an action from its generated input form, a trigger's
// poll and "Poll again with this closure", every HTTP exchange, and the runs list; a version with
// code errors hides what would run, with the reason.
describe('console: the test tab', () => {
  const { c, api } = useConsoleWithFakeApi();

  it('connects, runs the test, an action and a poll, and shows output, HTTP, closure and history', async () => {
    const token = await c.t.token('test-co', 'DEVELOPER', 'tess');
    const { connector } = await c.gql(token, CREATE, {
      input: { title: 'Taskly', code: fixture('taskly-basic-auth.rb') },
    });
    const page = await c.signedIn(token, { path: connectorPath(connector.id, 'test') });

    await page.getByRole('button', { name: 'New connection' }).click();
    await page.getByLabel('Connection name').fill('ada');
    await page.getByLabel('API URL').fill(api.url);
    await page.getByLabel('username').fill(TASKLY_USER);
    const password = page.getByLabel('password', { exact: true });
    expect(await password.getAttribute('type')).toBe('password');
    await password.fill(TASKLY_PASSWORD);
    await page.getByRole('button', { name: 'Save connection' }).click();
    await page
      .getByRole('list', { name: 'Connection values' })
      .getByText('password: •••••• (set)')
      .waitFor();

    // The connection test.
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const result = page.getByRole('region', { name: 'Output' });
    await result.getByText('"Ada"').waitFor({ timeout: 90_000 });
    await page.getByRole('heading', { name: /Run of test .*SUCCEEDED/ }).waitFor();
    const http = page.getByRole('region', { name: 'HTTP' });
    await http.getByText(`GET ${api.url}/taskly/api/me`).click();
    await http.getByText(/authorization: \[REDACTED\]/i).waitFor();
    expect(await page.content()).not.toContain(TASKLY_PASSWORD);

    // An action, from the form its literal input_fields make.
    await page.getByLabel('What to run').selectOption('actions.get_task');
    await page.getByLabel('id *').fill('2');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page
      .getByRole('region', { name: 'Output' })
      .getByText('"Task 2"')
      .waitFor({ timeout: 90_000 });
    await screenshot(page, 'test-tab-action');

    // An action whose input fields the code computes: the JSON editor.
    await page.getByLabel('What to run').selectOption('actions.create_task');
    await page.getByLabel(/Input \(JSON\)/).fill('{"title": "Ship the test tab"}');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page
      .getByRole('region', { name: 'Output' })
      .getByText('"Ship the test tab"')
      .waitFor({ timeout: 90_000 });

    // A trigger's poll, then again from its next closure.
    await page.getByLabel('What to run').selectOption('triggers.new_or_updated_task.poll');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const poll = page.getByRole('region', { name: 'Poll', exact: true });
    await poll.waitFor({ timeout: 90_000 });
    const closure = await poll.getByLabel('Next closure').textContent();
    expect(closure).toContain('since');
    await screenshot(page, 'test-tab-poll');
    await poll.getByRole('button', { name: 'Poll again with this closure' }).click();
    await page
      .getByRole('table', { name: 'Runs' })
      .locator('tbody tr')
      .nth(4)
      .waitFor({ timeout: 90_000 });

    // The runs list holds every run, newest first, each with its status.
    const rows = page.getByRole('table', { name: 'Runs' }).locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(5);
    expect(await rows.first().textContent()).toContain('triggers.new_or_updated_task.poll');
    const runs = (
      await c.t.gql(
        `query($id: ID!) { connector(id: $id) { runs(first: 10) { nodes { target closure status } } } }`,
        { id: connector.id },
        token,
      )
    ).body.data.connector.runs.nodes;
    expect(runs[0].closure).toEqual(JSON.parse(closure!));
    expect(runs.map((r: { target: string }) => r.target)).toEqual([
      'triggers.new_or_updated_task.poll',
      'triggers.new_or_updated_task.poll',
      'actions.create_task',
      'actions.get_task',
      'test',
    ]);
  }, 300_000);

  it('evaluates input fields the code computes, and fills a pick list field from the code, with the chosen connection', async () => {
    const token = await c.t.token('fields-co', 'DEVELOPER', 'fay');
    // create_task's fields come from an object definition; keeping `status` gives it a pick list field.
    const code = fixture('taskly-basic-auth.rb').replace(
      ".ignored('id', 'updated_at', 'status')",
      ".ignored('id', 'updated_at')",
    );
    const { connector } = await c.gql(token, CREATE, { input: { title: 'Taskly fields', code } });
    const page = await c.signedIn(token, { path: connectorPath(connector.id, 'test') });
    await page.getByRole('button', { name: 'New connection' }).click();
    await page.getByLabel('Connection name').fill('fay');
    await page.getByLabel('API URL').fill(api.url);
    await page.getByLabel('username').fill(TASKLY_USER);
    await page.getByLabel('password', { exact: true }).fill(TASKLY_PASSWORD);
    await page.getByRole('button', { name: 'Save connection' }).click();
    await page
      .getByRole('list', { name: 'Connection values' })
      .getByText('password: •••••• (set)')
      .waitFor();

    await page.getByLabel('What to run').selectOption('actions.create_task');
    // Computed fields: the JSON editor until they are evaluated.
    await page.getByLabel(/Input \(JSON\)/).waitFor();
    const statuses = api.requests.filter((r) => r.url === '/taskly/api/statuses').length;
    await page.getByRole('button', { name: 'Evaluate the input fields' }).click();
    await page.getByLabel('title').waitFor({ timeout: 90_000 });
    expect(await page.getByLabel('done').getAttribute('type')).toBe('checkbox');
    const status = page.getByLabel('status');
    expect(await status.locator('option').allTextContents()).toEqual(['—', 'Open', 'Done']);
    // The choices came from the pick list's own request, with the connection.
    expect(api.requests.filter((r) => r.url === '/taskly/api/statuses').length).toBe(statuses + 1);
    await screenshot(page, 'test-tab-evaluated-fields');

    await page.getByLabel('title').fill('From the form');
    await status.selectOption('done');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page
      .getByRole('region', { name: 'Output' })
      .getByText('"From the form"')
      .waitFor({ timeout: 90_000 });
    const runs = (
      await c.t.gql(
        `query($id: ID!) { connector(id: $id) { runs(first: 5) { nodes { target input } } } }`,
        { id: connector.id },
        token,
      )
    ).body.data.connector.runs.nodes;
    expect(runs.map((r: { target: string }) => r.target)).toEqual([
      'actions.create_task',
      'pick_lists.statuses',
      'actions.create_task.input_fields',
    ]);
    expect(runs[0].input).toEqual({ title: 'From the form', status: 'done' });

    // Without a connection the pick list cannot reach the API: said in words, with the line, and
    // the JSON editor stays usable.
    await page.getByRole('combobox', { name: 'Connection', exact: true }).selectOption('');
    await page.getByLabel('What to run').selectOption('actions.get_task');
    await page.getByLabel('What to run').selectOption('actions.create_task');
    await page.getByRole('button', { name: 'Evaluate the input fields' }).click();
    await page
      .getByRole('alert')
      .getByText(
        /^pick_lists\.statuses failed \(line \d+\): \/taskly\/api\/statuses is not an absolute URL and connection\.base_uri is not set$/,
      )
      .waitFor({ timeout: 90_000 });
    await page.getByLabel(/Input \(JSON\)/).waitFor();
  }, 300_000);

  it('hides what would run when the latest version has code errors, and says why', async () => {
    const token = await c.t.token('test-co', 'ADMIN', 'ann');
    const { connector } = await c.gql(token, CREATE, {
      input: { title: 'Broken', code: fixture('taskly-basic-auth.rb') },
    });
    await c.gql(token, UPDATE, {
      input: {
        id: connector.id,
        code: fixture('taskly-basic-auth.rb').replace("title: 'Taskly',", "title: 'Taskly',,"),
      },
    });
    const page = await c.signedIn(token, { path: connectorPath(connector.id, 'test') });
    await page
      .getByRole('note')
      .getByText(/Actions and triggers are hidden: version 2 has code errors \(line 2/)
      .waitFor();
    expect(await page.getByLabel('What to run').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Run', exact: true }).count()).toBe(0);
    await screenshot(page, 'test-tab-code-errors');
  }, 120_000);
  it("the error's line link opens the Code tab with the cursor on that line", async () => {
    const token = await c.t.token('test-co', 'DEVELOPER', 'eli');
    const code = [
      '{',
      "  title: 'Boom',",
      '  test: lambda do |_connection|',
      '    ready = true',
      "    error('boom on line five') if ready",
      '  end',
      '}',
    ].join('\n');
    const { connector } = await c.gql(token, CREATE, { input: { title: 'Boom', code } });
    const page = await c.signedIn(token, { path: connectorPath(connector.id, 'test') });
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const error = page.getByRole('alert', { name: 'Run error' });
    await error.getByText('ConnectorError').waitFor({ timeout: 90_000 });
    await error.getByRole('link', { name: 'Line 5 in the editor' }).click();
    const active = page.locator('.cm-content .cm-activeLine');
    await expect
      .poll(() => active.textContent(), { timeout: 20_000 })
      .toBe("    error('boom on line five') if ready");
    expect(new URL(page.url()).hash).toBe('#L5');
  }, 300_000);
});
