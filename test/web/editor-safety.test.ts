import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { validCode } from '../fixtures/code.js';
import { expectAccessible, screenshot } from './browser.js';
import { connectorPath, setCode, useConsole } from './harness.js';
import { CREATE, RELEASE, SHARE, UPDATE } from '../helpers/documents.js';
import { installedCopy, releasedConnector } from '../helpers/fixtures.js';

// Issue 23, items 1-5, through the UI: a stale save merges (never overwrites), unsaved code is
// kept and asked about, the copy's update banner follows every share, the code is checked as it is
// typed, and a new connector starts from code that teaches.
describe('console: edits are never lost or overwritten, and are checked while typed', () => {
  const c = useConsole();

  const latestCode = async (token: string, id: string) =>
    (
      await c.t.gql(
        'query($id: ID!) { connector(id: $id) { versions(first: 1) { nodes { number code } } } }',
        { id },
        token,
      )
    ).body.data.connector.versions.nodes[0] as { number: number; code: string };

  /** A parent shared through a link and a copy of it installed in another workspace (the setup). */
  async function parentAndCopy(title: string) {
    const pub = await c.t.token(`${title.toLowerCase()}-parent`, 'ADMIN', 'paula');
    const inst = await c.t.token(`${title.toLowerCase()}-copy`, 'ADMIN', 'carl');
    const original = validCode({ title });
    const parent = await releasedConnector(c.t, pub, { title, code: original });
    const copy = await installedCopy(c.t, pub, inst, parent);
    const share = async (code: string, note: string) => {
      await c.gql(pub, UPDATE, { input: { id: parent, code, note } });
      await c.gql(pub, RELEASE, { input: { id: parent } });
      await c.gql(pub, SHARE, { input: { id: parent } });
    };
    return { pub, inst, original, parent, copy, share };
  }

  /** The editor's whole text (CodeMirror draws only the lines in view, so innerText would miss some). */
  const editorText = (page: Page) =>
    page
      .locator('.cm-content')
      .first()
      .evaluate((el: any) => el.cmTile.root.view.state.doc.toString() as string);

  it("keeps an edit on top of a newer version by merging: the newer version's change stays, and the words say whose it is", async () => {
    const k = await parentAndCopy('Merge');
    await k.share(k.original.replace("get('/me')", "get('/me/v2')"), 'new test path');
    const page = await c.signedIn(k.inst, { path: connectorPath(k.copy) });
    await page.getByTestId('update-banner').waitFor();
    // An unsaved edit of version 1 (its title line), then the update from the parent makes version 2.
    await setCode(page, k.original.replace("title: 'Merge'", "title: 'Merge (ours)'"));
    await page.getByRole('button', { name: 'Update from parent' }).click();
    await page.getByText(/Updated: the parent's changes are in version 2/).waitFor();
    // The heading names the version the editor holds, and says a newer one exists, made by "you".
    await page.getByRole('heading', { name: /^Version 1/ }).waitFor();
    expect(await page.getByTestId('newer-version').innerText()).toMatch(
      /Version 2 is newer .* by you/,
    );

    await page.getByRole('button', { name: 'Save as new version' }).click();
    const region = page.getByRole('region', { name: 'Save conflict' });
    await region.waitFor();
    expect(await region.innerText()).toMatch(
      /Version 2 was saved by you \(“new test path”\) after your edit started from version 1/,
    );
    expect(await region.innerText()).not.toMatch(/someone else/);
    await screenshot(page, 'stale-save-merge');
    await expectAccessible(page, 'a stale save offered as a merge');
    await region.getByRole('button', { name: 'Keep my edit on top of version 2' }).click();
    await page.getByRole('heading', { name: /^Version 2/ }).waitFor();
    expect(await editorText(page)).toContain("get('/me/v2')");
    await page.getByRole('button', { name: 'Save as new version' }).click();
    await page.getByText('Saved as version 3.').waitFor();
    const saved = await latestCode(k.inst, k.copy);
    expect(saved.number).toBe(3);
    // Both changes: the parent's (through version 2) and the edit.
    expect(saved.code).toContain("get('/me/v2')");
    expect(saved.code).toContain("title: 'Merge (ours)'");
  }, 240_000);

  it('shows overlapping changes side by side and merges with the side chosen', async () => {
    const alice = await c.t.token('overlap', 'ADMIN', 'alice');
    const dave = await c.t.token('overlap', 'DEVELOPER', 'dave');
    const original = validCode({ title: 'Overlap' });
    const { connector } = await c.gql(alice, CREATE, {
      input: { title: 'Overlap', code: original },
    });
    const page = await c.signedIn(alice, { path: connectorPath(connector.id) });
    await page.getByRole('button', { name: 'Release version 1' }).waitFor();
    await setCode(
      page,
      original
        .replace("get('/me')", "get('/me/alice')")
        .replace("title: 'Overlap'", "title: 'Overlap A'"),
    );
    // Dave saves version 2 meanwhile, on the same line and on another one.
    await c.gql(dave, UPDATE, {
      input: {
        id: connector.id,
        code: original
          .replace("get('/me')", "get('/me/dave')")
          .replace('get("/records", input)', 'get("/v2/records", input)'),
        note: 'dave',
      },
    });
    await page.keyboard.press('Control+S');
    const region = page.getByRole('region', { name: 'Save conflict' });
    await region.waitFor();
    expect(await region.innerText()).toMatch(/Version 2 was saved by dave/);
    const overlap = region.getByRole('group', { name: 'Overlapping changes' });
    await overlap.getByText("get('/me/alice')").waitFor();
    expect(await overlap.getByText("get('/me/dave')").isVisible()).toBe(true);
    expect(await overlap.getByRole('heading').allInnerTexts()).toEqual([
      'Your edit (line 19)',
      'Version 2 (line 19)',
    ]);
    await screenshot(page, 'stale-save-overlap');
    await expectAccessible(page, 'overlapping changes of a stale save');
    await region.getByRole('button', { name: 'Keep my lines where both changed' }).click();
    await page.keyboard.press('Control+S');
    await page.getByText('Saved as version 3.').waitFor();
    const saved = await latestCode(alice, connector.id);
    expect(saved.code).toContain("get('/me/alice')");
    expect(saved.code).toContain("title: 'Overlap A'");
    expect(saved.code).toContain('get("/v2/records", input)');
  }, 240_000);

  it('asks before leaving unsaved code, keeps it for the tab across a reload, and saves with Ctrl+S', async () => {
    const token = await c.t.token('drafts', 'ADMIN', 'ann');
    const original = validCode({ title: 'Drafty' });
    const { connector } = await c.gql(token, CREATE, {
      input: { title: 'Drafty', code: original },
    });
    const page = await c.signedIn(token, { path: connectorPath(connector.id) });
    await page.getByRole('button', { name: 'Release version 1' }).waitFor();
    const edited = original.replace("title: 'Drafty'", "title: 'Drafty edited'");
    await setCode(page, edited);
    const questions: string[] = [];
    // In-app navigation: a nav link asks, and staying keeps the edit.
    page.once('dialog', (d) => void (questions.push(d.message()), d.dismiss()));
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Connectors' })
      .click();
    await expect.poll(() => questions.length).toBe(1);
    expect(questions[0]).toMatch(/unsaved changes/);
    expect(new URL(page.url()).pathname).toBe(connectorPath(connector.id));
    expect(await editorText(page)).toContain("title: 'Drafty edited'");
    // A reload keeps the draft (the browser asks first: beforeunload).
    page.once('dialog', (d) => void (questions.push(d.type()), d.accept()));
    await page.reload();
    await page.getByText('Your unsaved edit of version 1 was kept in this tab').waitFor();
    expect(await editorText(page)).toContain("title: 'Drafty edited'");
    // Back asks too; staying keeps the page.
    page.once('dialog', (d) => void (questions.push(d.message()), d.dismiss()));
    await page.evaluate(() => history.back());
    await expect.poll(() => questions.length).toBe(3);
    await page.getByRole('heading', { name: /^Version 1/ }).waitFor();
    expect(new URL(page.url()).pathname).toBe(connectorPath(connector.id));
    // Ctrl+S saves (not the browser's "Save page as…").
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+S');
    await page.getByText('Saved as version 2.').waitFor();
    expect((await latestCode(token, connector.id)).code).toContain("title: 'Drafty edited'");
    // Nothing unsaved: leaving asks nothing, and no draft comes back.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Connectors' })
      .click();
    await page.getByRole('heading', { name: 'Connectors', exact: true }).waitFor();
    expect(questions.length).toBe(3);
    // Closing the tab with an edit asks (beforeunload).
    await page.goto(c.base + connectorPath(connector.id));
    await setCode(page, edited + '\n# more');
    const closing = new Promise<string>((resolve) =>
      page.once('dialog', (d) => void (resolve(d.type()), d.accept())),
    );
    await page.close({ runBeforeUnload: true });
    expect(await closing).toBe('beforeunload');
  }, 240_000);

  it('keeps the new connector form for the tab across a reload, and Ctrl+S creates it', async () => {
    const token = await c.t.token('new-draft', 'ADMIN', 'nina');
    const page = await c.signedIn(token, { path: '/connectors/new' });
    await page.getByRole('status').filter({ hasText: 'Checked: no problems' }).waitFor();
    await page.getByLabel('Title').fill('Drafted');
    await page.getByLabel('Version note').fill('kept across a reload');
    await expect.poll(() => editorText(page)).toContain("title: 'Drafted'");
    page.once('dialog', (d) => void d.accept());
    await page.reload();
    await page.getByRole('heading', { name: 'New connector' }).waitFor();
    expect(await page.getByLabel('Title').inputValue()).toBe('Drafted');
    expect(await page.getByLabel('Version note').inputValue()).toBe('kept across a reload');
    await expect.poll(() => editorText(page)).toContain("title: 'Drafted'");
    await page.getByLabel('Title').click();
    await page.keyboard.press('Control+S');
    await page.getByRole('heading', { name: /^Version 1/ }).waitFor();
    expect(await page.getByRole('heading', { name: 'Drafted' }).isVisible()).toBe(true);
    // Created: the form starts afresh.
    await page.goto(c.base + '/connectors/new');
    await page.getByRole('status').filter({ hasText: 'Checked: no problems' }).waitFor();
    expect(await page.getByLabel('Title').inputValue()).toBe('');
  }, 240_000);

  it("the copy's update banner follows every share live, without a full-page reload, and old messages go", async () => {
    const k = await parentAndCopy('Live');
    const page = await c.signedIn(k.inst, { path: connectorPath(k.copy) });
    await page.getByRole('button', { name: 'Release version 1' }).waitFor();
    await page.evaluate(() => {
      (window as any).flashed = false;
      new MutationObserver(() => {
        if (!document.getElementById('connector-title')) (window as any).flashed = true;
      }).observe(document.body, { subtree: true, childList: true });
    });
    const banner = page.getByTestId('update-banner');
    await k.share(k.original.replace("get('/me')", "get('/me/v2')"), 'two');
    await banner.filter({ hasText: 'version 2 of the parent' }).waitFor();
    await page.getByRole('button', { name: 'Update from parent' }).click();
    await page.getByText(/Updated: the parent's changes are in version 2/).waitFor();
    expect(await banner.count()).toBe(0);
    await k.share(k.original.replace("get('/me')", "get('/me/v3')"), 'three');
    await banner.filter({ hasText: 'version 3 of the parent' }).waitFor();
    // The message about the previous update is gone once a newer one is on offer.
    expect(await page.getByText(/Updated: the parent's changes/).count()).toBe(0);
    await k.share(k.original.replace("get('/me')", "get('/me/v4')"), 'four');
    await banner.filter({ hasText: 'version 4 of the parent' }).waitFor();
    expect(await page.evaluate(() => (window as any).flashed)).toBe(false);
  }, 240_000);

  it('checks the code while it is typed, before Create too, and a problem takes the cursor to its line', async () => {
    const token = await c.t.token('live-check', 'ADMIN', 'lena');
    const page = await c.signedIn(token, { path: '/connectors/new' });
    // The starter: one action, one trigger, comments, the DSL reference; checked clean already.
    await page
      .getByRole('status')
      .filter({ hasText: 'Checked: no problems (1 action, 1 trigger)' })
      .waitFor();
    const starter = await editorText(page);
    expect(starter).toMatch(/get_post: \{/);
    expect(starter).toMatch(/new_post: \{/);
    expect(starter).toMatch(/^# .*DSL reference/m);
    expect(
      await page.getByRole('link', { name: 'connector DSL reference' }).getAttribute('href'),
    ).toMatch(/^https:\/\/docs\.workato\.com\//);
    // The Title fills the code's title.
    await page.getByLabel('Title').fill("Acme's CRM");
    await expect.poll(() => editorText(page)).toContain("title: 'Acme\\'s CRM'");
    await screenshot(page, 'new-connector-starter');
    await expectAccessible(page, 'the new connector form with the starter');
    // A typo: reported as typed, nothing created.
    await setCode(
      page,
      validCode({ title: 'Typo' }).replace("get('/me')\n  end", "get('/me')\n  end\n  end"),
    );
    const problem = page.getByRole('list', { name: 'Code problems' }).getByRole('button').first();
    await problem.waitFor();
    const text = await problem.innerText();
    expect(text).toMatch(/^Line (\d+), column (\d+): /);
    expect(text.match(/line \d+/gi)).toHaveLength(1);
    const line = Number(/^Line (\d+)/.exec(text)![1]);
    const count = await c.t.gql('{ connectors(first: 1) { totalCount } }', {}, token);
    expect(count.body.data.connectors.totalCount).toBe(0);
    await problem.click();
    const lines = (await editorText(page)).split('\n');
    expect(await page.locator('.cm-activeLine').innerText()).toBe(lines[line - 1]);
    await screenshot(page, 'new-connector-live-problem');
    // Fixed: the list goes, and Create makes version 1 without errors.
    await setCode(page, validCode({ title: 'Typo' }));
    await page.getByRole('status').filter({ hasText: 'Checked: no problems' }).waitFor();
    await page.getByRole('button', { name: 'Create connector' }).click();
    await page.getByRole('heading', { name: /^Version 1/ }).waitFor();
    expect(await page.getByText('has errors').count()).toBe(0);
  }, 240_000);
});
