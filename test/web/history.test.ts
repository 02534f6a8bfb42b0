import { describe, expect, it } from 'vitest';
import { validCode } from '../fixtures/code.js';
import { expectAccessible, screenshot } from './browser.js';
import { connectorPath, useConsole } from './harness.js';
import { CREATE, INSTALL, LINK, RELEASE, SHARE, UPDATE } from '../helpers/documents.js';

// Version history's restore and "restore and release", and a merge conflict resolved by keeping
// the copy's own side, in a real Chromium through the UI (stale saves and "take theirs" are in
// editing.test.ts).
describe('console: restore, restore and release, keep ours', () => {
  const c = useConsole();

  const VERSIONS =
    'query($id: ID!) { connector(id: $id) { latestVersion latestReleasedVersion versions(first: 10) { nodes { number code note } } } }';

  it('restores an old version as a new one, and restores and releases another; a version with errors is offered no release, and no version is compared with itself', async () => {
    const token = await c.t.token('restore-co', 'ADMIN', 'rosa');
    const v1 = validCode({ title: 'Restorable' });
    const v2 = validCode({ title: 'Restorable', actions: ['search_records'] });
    const broken = v2.replace("get('/me')", "get('/me'");
    const { connector } = await c.gql(token, CREATE, {
      input: { title: 'Restorable', code: v1, note: 'one' },
    });
    const id = connector.id as string;
    await c.gql(token, UPDATE, { input: { id, code: v2, note: 'two' } });
    await c.gql(token, RELEASE, { input: { id } });
    await c.gql(token, UPDATE, { input: { id, code: broken, note: 'three, broken' } });

    const page = await c.signedIn(token);
    await page.goto(c.base + connectorPath(id, 'history'));
    const row = (n: number) => page.locator(`tr[data-version="${n}"]`);
    await row(3).getByText('latest').waitFor();
    expect(await row(3).getByText('errors').isVisible()).toBe(true);
    // The latest version is not offered for restore: it is what you have.
    expect(await row(3).getByRole('button').count()).toBe(0);

    await page.getByRole('button', { name: 'Restore version 1', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Version 1 restored as version 4.' })
      .waitFor();
    await row(4).getByText('latest').waitFor();
    expect(await row(3).getByText('latest').count()).toBe(0);
    // Released stays where it was.
    expect(await row(2).getByText('released').isVisible()).toBe(true);
    expect(await row(4).getByText('released').count()).toBe(0);
    expect(await page.getByText('latest v4 · released v2').isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Restore and release version 2' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Version 2 restored as version 5 and released.' })
      .waitFor();
    await row(5).getByText('released').waitFor();
    expect(await row(5).getByText('latest').isVisible()).toBe(true);
    expect(await row(5).innerText()).toContain('by rosa');
    await page.getByText('latest v5 · released v5').waitFor();
    await screenshot(page, 'version-history-restore');
    await expectAccessible(page, 'the version history after restores');

    // The broken version is offered only what can succeed: a plain restore, not a release.
    await page.getByRole('button', { name: 'Restore version 3', exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Restore and release version 3' }).count()).toBe(
      0,
    );
    // A version is not compared with itself: the button says why it is off.
    await page.locator('#compare-from').selectOption('2');
    await page.locator('#compare-to').selectOption('2');
    expect(await page.getByRole('button', { name: 'Compare' }).isDisabled()).toBe(true);
    await page.getByText('Pick two different versions.').waitFor();
    await page.locator('#compare-to').selectOption('5');
    expect(await page.getByRole('button', { name: 'Compare' }).isEnabled()).toBe(true);
    const after = (await c.t.gql(VERSIONS, { id }, token)).body.data.connector;
    expect({ latest: after.latestVersion, released: after.latestReleasedVersion }).toEqual({
      latest: 5,
      released: 5,
    });
    await page.reload();
    await row(5).getByText('latest').waitFor();
    expect(await row(6).count()).toBe(0);

    // The restored versions carry the old code.
    const code = (n: number) => after.versions.nodes.find((v: any) => v.number === n).code;
    expect(code(4)).toBe(v1);
    expect(code(5)).toBe(v2);
    // And the code tab shows the restored code.
    await page.getByRole('link', { name: 'Code', exact: true }).click();
    await page.getByRole('button', { name: 'Save as new version' }).waitFor();
    await expect.poll(() => page.locator('.cm-content').innerText()).toContain('search_records: {');
    expect(await page.locator('.cm-content').innerText()).not.toContain('create_record');
  }, 180_000);

  it("an update whose changes overlap the copy's own: keeping ours keeps the copy's lines and merges the rest", async () => {
    const pub = await c.t.token('ours-parent', 'ADMIN', 'paula');
    const inst = await c.t.token('ours-copy', 'ADMIN', 'carl');
    const original = validCode({ title: 'Keep mine' });
    const { connector: parent } = await c.gql(pub, CREATE, {
      input: { title: 'Keep mine', code: original },
    });
    await c.gql(pub, RELEASE, { input: { id: parent.id } });
    await c.gql(pub, SHARE, { input: { id: parent.id } });
    const { token: linkToken } = await c.gql(pub, LINK, { input: { id: parent.id } });
    const { connector: copy } = await c.gql(inst, INSTALL, { input: { linkToken } });
    // Both change the test request; the parent also renames the trigger (no overlap there).
    await c.gql(inst, UPDATE, {
      input: { id: copy.id, code: original.replace("get('/me')", "get('/me/ours')"), note: 'ours' },
    });
    const theirs = validCode({ title: 'Keep mine', trigger: 'updated_record' }).replace(
      "get('/me')",
      "get('/me/theirs')",
    );
    await c.gql(pub, UPDATE, { input: { id: parent.id, code: theirs, note: 'theirs' } });
    await c.gql(pub, RELEASE, { input: { id: parent.id } });
    await c.gql(pub, SHARE, { input: { id: parent.id } });

    const page = await c.signedIn(inst);
    await page.goto(c.base + connectorPath(copy.id));
    const banner = page.getByTestId('update-banner');
    await banner.waitFor();
    // The banner names the breaking-change level: the parent's version 2 drops a trigger.
    await banner.getByTestId('change-summary').getByText('Breaking change').waitFor();
    expect(await banner.getByTestId('change-summary').innerText()).toContain('new_record');
    await page.getByRole('button', { name: 'Update from parent' }).click();
    const conflicts = page.getByRole('region', { name: 'Merge conflicts' });
    await conflicts.getByText("get('/me/ours')").waitFor();
    await expectAccessible(page, 'merge conflicts');
    await conflicts.getByRole('button', { name: 'Keep ours' }).click();
    await page.getByText(/Updated: the parent's changes are in version 3/).waitFor();
    expect(await page.getByRole('region', { name: 'Merge conflicts' }).count()).toBe(0);
    expect(await page.getByTestId('update-banner').count()).toBe(0);
    // The editor shows the merged code (our request line); their trigger merged in too.
    await expect.poll(() => page.locator('.cm-content').innerText()).toContain("get('/me/ours')");
    expect(await page.locator('.cm-content').innerText()).not.toContain("get('/me/theirs')");
    await page
      .getByRole('heading', { name: 'Triggers' })
      .locator('xpath=following-sibling::ul[1]')
      .getByText('updated_record')
      .waitFor();
    const merged = (await c.t.gql(VERSIONS, { id: copy.id }, inst)).body.data.connector.versions
      .nodes[0];
    expect(merged.number).toBe(3);
    expect(merged.code).toContain('updated_record:');
    expect(merged.code).toContain("get('/me/ours')");
    await screenshot(page, 'merge-kept-ours');
  }, 180_000);
});
