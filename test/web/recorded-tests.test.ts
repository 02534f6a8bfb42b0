import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, TASKLY_PASSWORD, TASKLY_USER } from '../executor/fake-api.js';
import { expectAccessible, screenshot } from './browser.js';
import { CREATE, INSTALL, LINK, RELEASE, SHARE, UPDATE } from '../helpers/documents.js';
import { connectorPath, setCode, useConsoleWithFakeApi } from './harness.js';

// Recorded tests in a real Chromium, through the UI (issue 21): a run against a local fake API
// saved as a test, Run all → PASSED; a new version whose output differs → FAILED with its reason;
// the badges in the version history and the outcome change in compare; "require passing tests"
// holding Release back and a release refused with the failing test named; an installed copy's
// update banner saying how its own tests fared against the parent's new version, the failing
// test one click away; the notification saying the same; deleting a test after a question.

const v1 = fixture('taskly-basic-auth.rb');
// The output gains `done: "yes"` (output_fields say done is a boolean, the recording has a boolean).
const doneYes = v1.replace(
  `error("Task #{input['id']} does not exist")\n          end`,
  `error("Task #{input['id']} does not exist")\n          end.merge('done' => 'yes')`,
);

describe('console: recorded tests', () => {
  const { c, api } = useConsoleWithFakeApi();
  let admin: string;
  let connectorId: string;
  let page: Page;

  beforeAll(async () => {
    expect(doneYes).not.toBe(v1);
    admin = await c.t.token('acme', 'ADMIN', 'ada');
  });

  /** On the Test tab: a connection to the fake API, a run of get_task, saved as a test. */
  async function recordTest(p: Page, taskId: number, name: string) {
    await p.getByRole('button', { name: 'New connection' }).click();
    await p.getByLabel('Connection name').fill('fake api');
    await p.getByLabel('API URL').fill(api.url);
    await p.getByLabel('username').fill(TASKLY_USER);
    await p.getByLabel('password', { exact: true }).fill(TASKLY_PASSWORD);
    await p.getByRole('button', { name: 'Save connection' }).click();
    await p.getByText('password: •••••• (set)').waitFor();
    await p.getByLabel('What to run').selectOption('actions.get_task');
    await p.getByLabel('id *').fill(String(taskId));
    await p.getByRole('button', { name: 'Run', exact: true }).click();
    await p
      .getByRole('heading', { name: /Run of actions\.get_task .*SUCCEEDED/ })
      .waitFor({ timeout: 90_000 });
    await p.getByRole('button', { name: 'Save as test' }).click();
    await p.getByLabel('Test name').fill(name);
    await p.getByRole('button', { name: 'Save test' }).click();
    await p.getByText(`Saved as the test “${name}” (1 recorded HTTP exchange).`).waitFor();
  }

  const row = (p: Page, name: string) =>
    p.getByRole('table', { name: 'Test cases' }).locator(`tr[data-test="${name}"]`);

  it('saves a run as a test and replays it: passed, then failed on a version whose output differs', async () => {
    connectorId = (await c.gql(admin, CREATE, { input: { title: 'Taskly', code: v1 } })).connector
      .id;
    page = await c.signedIn(admin, { path: connectorPath(connectorId, 'test') });
    await page.getByText('No tests yet.').waitFor();
    await recordTest(page, 1, 'get task 1');
    await row(page, 'get task 1').getByText('not run').waitFor();

    await page.getByRole('button', { name: 'Run all' }).click();
    await row(page, 'get task 1').getByText('PASSED').waitFor({ timeout: 90_000 });
    await page.getByText('1 passed, 0 failed against version 1.').waitFor();
    await screenshot(page, 'test-cases-passed');

    // A new version, through the Code tab, whose output differs.
    await page.getByRole('link', { name: 'Code', exact: true }).click();
    await setCode(page, doneYes);
    await page.getByLabel('Version note').fill('done says yes');
    await page.getByRole('button', { name: 'Save as new version' }).click();
    await page.getByText('Saved as version 2.').waitFor();

    await page.getByRole('link', { name: 'Test' }).click();
    await expect.poll(() => page.getByLabel('Against version').inputValue()).toBe('2');
    await row(page, 'get task 1').getByText('not run').waitFor();
    await page.getByRole('button', { name: 'Run all' }).click();
    const failed = row(page, 'get task 1');
    await failed.getByText('FAILED').waitFor({ timeout: 90_000 });
    const failures = failed.getByRole('list', { name: 'Failures' }).getByRole('listitem');
    await failures.first().getByText('$.done is "yes"; the recording has true.').waitFor();
    expect(await failures.first().textContent()).toContain('(expected true, got "yes")');
    expect(await failures.nth(1).textContent()).toContain('declared boolean in output_fields');
    await page.getByText('0 passed, 1 failed against version 2.').waitFor();
    // The replay ran offline: its HTTP came from the recording.
    const calls = api.requests.length;
    await failed.getByRole('button', { name: 'Show replay of get task 1' }).click();
    await page.getByRole('heading', { name: /Run of actions\.get_task \(v2\)/ }).waitFor();
    await page.getByText('The replay of the test “get task 1”: offline').waitFor();
    expect(await page.getByRole('button', { name: 'Save as test' }).count()).toBe(0);
    expect(api.requests.length).toBe(calls);
    // Version 1 still passed.
    await page.getByLabel('Against version').selectOption('1');
    await row(page, 'get task 1').getByText('PASSED').waitFor();
    await page.getByLabel('Against version').selectOption('2');
    await row(page, 'get task 1').getByText('FAILED').waitFor();
    await screenshot(page, 'test-cases-failed');
    await expectAccessible(page, 'the test tab with a failed test');
  }, 300_000);

  it('badges each version in the history and shows the outcome change in compare', async () => {
    await page.getByRole('link', { name: 'Versions' }).click();
    const versions = page.getByRole('table', { name: 'Versions' });
    await versions
      .locator('tr[data-version="1"]')
      .getByText('Tests of version 1: 1/1 passed')
      .waitFor();
    await versions
      .locator('tr[data-version="2"]')
      .getByText('Tests of version 2: 0/1 passed')
      .waitFor();
    await page.getByLabel('From').selectOption('1');
    await page.getByLabel('to', { exact: true }).selectOption('2');
    await page.getByRole('button', { name: 'Compare' }).click();
    const changed = page.getByRole('list', { name: 'Tests whose outcome changed' });
    await changed.waitFor();
    expect(await changed.textContent()).toMatch(
      /get task 1: version 1 PASSED → version 2 FAILED.*\$\.done is "yes"/,
    );
    await screenshot(page, 'history-test-badges');
    await expectAccessible(page, 'the version history with test badges');
  }, 120_000);

  it('with passing tests required, Release waits for them and a release is refused naming the test', async () => {
    await page.getByRole('link', { name: 'Test' }).click();
    await page.getByLabel('Require passing tests to release and share').check();
    await page
      .getByText('Release and share now need every test to pass against the version.')
      .waitFor();

    await page.getByRole('link', { name: 'Code', exact: true }).click();
    await page
      .getByTestId('release-tests')
      .getByText('Tests of version 2: 0 passed, 1 failed')
      .waitFor();
    const release = page.getByRole('button', { name: 'Release version 2' });
    await expect.poll(() => release.isDisabled()).toBe(true);
    await page
      .getByText(
        'This connector requires passing tests, and “get task 1” failed against version 2: run them in the Test tab.',
      )
      .waitFor();
    await screenshot(page, 'release-tests-required');

    // Restoring version 1 makes a version its tests never ran against, whose release would be
    // refused (test/runs/recorded-tests.test.ts): only the restore is offered, and the page says why.
    await page.getByRole('link', { name: 'Versions' }).click();
    await page.getByRole('button', { name: 'Restore version 1' }).waitFor();
    expect(await page.getByRole('button', { name: 'Restore and release version 1' }).count()).toBe(
      0,
    );
    await page
      .getByText(
        'This connector requires passing tests: release a restored version from the Code tab once its tests pass.',
      )
      .waitFor();
    await expectAccessible(page, 'the version history while tests are required');
  }, 120_000);

  it("an installed copy's update banner says how its own tests fared against the parent's new version", async () => {
    // The parent (through the API): passing code as version 3, released and shared, a link.
    await c.gql(admin, UPDATE, { input: { id: connectorId, requirePassingTests: false } });
    await c.gql(admin, UPDATE, { input: { id: connectorId, code: `${v1}\n` } });
    await c.gql(admin, RELEASE, { input: { id: connectorId } });
    await c.gql(admin, SHARE, { input: { id: connectorId } });
    const { token } = await c.gql(admin, LINK, { input: { id: connectorId } });
    const installer = await c.t.token('initech', 'ADMIN', 'ivy');
    const copy = (await c.gql(installer, INSTALL, { input: { linkToken: token } })).connector.id;

    // The installer records its own test through the UI, then waits on the copy's page.
    const ivy = await c.signedIn(installer, { path: connectorPath(copy, 'test') });
    await recordTest(ivy, 2, 'task two');
    await ivy.getByRole('link', { name: 'Code', exact: true }).click();
    await ivy.getByText('A copy of').waitFor();

    // The parent shares a version whose output differs.
    await c.gql(admin, UPDATE, { input: { id: connectorId, code: doneYes } });
    await c.gql(admin, RELEASE, { input: { id: connectorId } });
    await c.gql(admin, SHARE, { input: { id: connectorId } });

    // Live, no reload: the banner, then the tests' result beside the breaking-change level.
    const banner = ivy.getByTestId('update-banner');
    await banner.waitFor({ timeout: 30_000 });
    const tests = banner.getByTestId('update-tests');
    await tests.getByText('Your tests: 0 passed, 1 failed').waitFor({ timeout: 90_000 });
    await banner.getByTestId('change-summary').waitFor();
    await screenshot(ivy, 'installed-copy-update-tests');
    await expectAccessible(ivy, 'an update banner with the tests of the copy');

    // The failing test is one click away.
    await tests.getByRole('link', { name: '“task two” failed' }).click();
    const focused = ivy.getByRole('region', { name: /“task two” against the parent's version 4/ });
    await focused.getByText('$.done is "yes"; the recording has false.').first().waitFor();
    expect(await focused.textContent()).toContain('merged into your version 1');
    await screenshot(ivy, 'installed-copy-failing-test');

    // The notification says the same.
    await ivy.getByRole('link', { name: /Notifications, \d+ unread/ }).click();
    await ivy
      .getByRole('list', { name: 'Notifications' })
      .getByText(/your tests: 0 passed, 1 failed/)
      .waitFor();
    await screenshot(ivy, 'notifications-test-results');
    await expectAccessible(ivy, 'notifications with test results');

    // Deleting a test asks first; dismissed, nothing changes.
    await ivy.goto(c.base + connectorPath(copy, 'test'));
    const del = row(ivy, 'task two').getByRole('button', { name: 'Delete the test task two' });
    ivy.once('dialog', (d) => void d.dismiss());
    await del.click();
    expect(await row(ivy, 'task two').count()).toBe(1);
    ivy.once('dialog', (d) => {
      expect(d.message()).toContain('Delete the test “task two”');
      void d.accept();
    });
    await del.click();
    await ivy.getByText('The test “task two” is deleted.').waitFor();
    await ivy.getByText('No tests yet.').waitFor();

    // A test saved after the update arrived has not run against it: "Test this update" runs it.
    await recordTest(ivy, 2, 'task two again');
    await ivy.getByRole('link', { name: 'Code', exact: true }).click();
    const fresh = ivy.getByTestId('update-tests');
    await fresh.getByText('Your tests: not run against this update yet.').waitFor();
    await fresh.getByRole('button', { name: 'Test this update' }).click();
    await fresh.getByText('Your tests: 0 passed, 1 failed').waitFor({ timeout: 90_000 });
    await fresh.getByRole('link', { name: '“task two again” failed' }).waitFor();
  }, 300_000);
});
