import { describe, expect, it } from 'vitest';
import { validCode } from '../fixtures/code.js';
import { expectAccessible, screenshot } from './browser.js';
import { setCode, useConsole } from './harness.js';
import { CREATE, INSTALL, LINK, RELEASE, SHARE, UPDATE } from '../helpers/documents.js';

// The tricky views in a real browser: a stale save offered as a diff, and merge conflicts of an
// update from the parent resolved by choosing a side.
describe('console: stale saves and merge conflicts', () => {
  const c = useConsole();

  const signedIn = (token: string, path: string) => c.signedIn(token, { path });
  const gql = (token: string, query: string, variables: Record<string, unknown>) =>
    c.gql(token, query, variables);

  it('a save on top of a version someone else replaced is refused and shown as a diff', async () => {
    const token = await c.t.token('acme', 'ADMIN', 'alice');
    const { connector } = await gql(token, CREATE, {
      input: { title: 'Stale', code: validCode({ title: 'Stale' }) },
    });
    const path = `/connectors/${encodeURIComponent(connector.id)}`;
    const mine = await signedIn(token, path);
    const theirs = await signedIn(await c.t.token('acme', 'DEVELOPER', 'dave'), path);
    await mine.getByRole('button', { name: 'Release version 1' }).waitFor();
    await theirs.getByRole('button', { name: 'Release version 1' }).waitFor();

    await setCode(theirs, validCode({ title: 'Stale', actions: ['search_records'] }));
    await theirs.getByRole('button', { name: 'Save as new version' }).click();
    await theirs.getByText('Saved as version 2.').waitFor();

    await setCode(mine, validCode({ title: 'Stale', trigger: 'updated_record' }));
    await mine.getByRole('button', { name: 'Save as new version' }).click();
    await mine.getByRole('alert').filter({ hasText: 'A newer version was saved' }).waitFor();
    const conflict = mine.getByRole('region', { name: 'Save conflict' });
    await conflict.getByTestId('diff-view').locator('.cm-changedLine').first().waitFor();
    await screenshot(mine, 'stale-save');
    await expectAccessible(mine, 'a stale save');
    await conflict.getByRole('button', { name: 'Keep my edit on top of version 2' }).click();
    await mine.getByRole('button', { name: 'Save as new version' }).click();
    await mine.getByText('Saved as version 3.').waitFor();
    const saved = await c.t.gql(
      'query($id: ID!) { connector(id: $id) { versions(first: 1) { nodes { number actions triggers } } } }',
      { id: connector.id },
      token,
    );
    // A three-way merge: dave's change (create_record removed) is kept along with this edit.
    expect(saved.body.data.connector.versions.nodes[0]).toEqual({
      number: 3,
      actions: ['search_records'],
      triggers: ['updated_record'],
    });
  }, 240_000);

  it("an update that overlaps the copy's own edits shows both sides; taking theirs merges", async () => {
    const pub = await c.t.token('parent-co', 'ADMIN', 'paula');
    const inst = await c.t.token('copy-co', 'ADMIN', 'carl');
    const original = validCode({ title: 'Merge me' });
    const { connector: parent } = await gql(pub, CREATE, {
      input: { title: 'Merge me', code: original },
    });
    await gql(pub, RELEASE, { input: { id: parent.id } });
    await gql(pub, SHARE, { input: { id: parent.id } });
    const { token: linkToken } = await gql(pub, LINK, { input: { id: parent.id } });
    const { connector: copy } = await gql(inst, INSTALL, { input: { linkToken } });
    // Both sides change the same line.
    await gql(inst, UPDATE, {
      input: { id: copy.id, code: original.replace("get('/me')", "get('/me/ours')"), note: 'ours' },
    });
    await gql(pub, UPDATE, {
      input: {
        id: parent.id,
        code: original.replace("get('/me')", "get('/me/theirs')"),
        note: 'theirs',
      },
    });
    await gql(pub, RELEASE, { input: { id: parent.id } });
    await gql(pub, SHARE, { input: { id: parent.id } });

    const page = await signedIn(inst, `/connectors/${encodeURIComponent(copy.id)}`);
    await page.getByTestId('update-banner').waitFor();
    await page.getByRole('button', { name: 'Update from parent' }).click();
    const conflicts = page.getByRole('region', { name: 'Merge conflicts' });
    await conflicts.getByText("get('/me/ours')").waitFor();
    expect(await conflicts.getByText("get('/me/theirs')").isVisible()).toBe(true);
    // Where each side's lines are: one line reads as one line.
    expect(await conflicts.getByRole('heading').allInnerTexts()).toEqual([
      'Ours (line 19)',
      'Theirs (line 19)',
    ]);
    await page
      .getByRole('alert')
      .filter({ hasText: 'changes the same lines as your copy' })
      .waitFor();
    await screenshot(page, 'merge-conflicts');
    await expectAccessible(page, 'merge conflicts');
    await conflicts.getByRole('button', { name: 'Take theirs' }).click();
    await page.getByText(/Updated: the parent's changes are in version 3/).waitFor();
    const merged = await c.t.gql(
      'query($id: ID!) { connector(id: $id) { versions(first: 1) { nodes { code } } } }',
      { id: copy.id },
      inst,
    );
    expect(merged.body.data.connector.versions.nodes[0].code).toContain("get('/me/theirs')");
  }, 240_000);
});
