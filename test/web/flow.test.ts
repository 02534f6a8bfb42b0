import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { validCode } from '../fixtures/code.js';
import { expectAccessible, screenshot } from './browser.js';
import { setCode, useConsole } from './harness.js';

// The flow, through the console's UI only, in a real Chromium: a publisher (acme) and an
// installer (beta) in two browser contexts, a platform reviewer, and a read-only operator.
describe('console flow: write, release, compare, share, install, live update, review', () => {
  const c = useConsole();
  const signedIn = (token: string) => c.signedIn(token, { clipboard: true });

  const broken = validCode({ title: 'Acme CRM' }).replace("get('/me')", "get('/me'");
  const fixed = validCode({ title: 'Acme CRM' });
  const withExport = validCode({
    title: 'Acme CRM',
    actions: ['search_records', 'create_record', 'export_records'],
  });
  let linkUrl = '';
  let alice: Page;
  let bob: Page;

  it('creates a connector whose code has an error, and shows the error on its line', async () => {
    alice = await signedIn(await c.t.token('acme', 'ADMIN', 'alice'));
    await alice.getByRole('link', { name: 'New connector' }).click();
    await alice.getByLabel('Title').fill('Acme CRM');
    await alice
      .getByLabel('Description (Markdown)')
      .fill('Syncs **records** with Acme.\n\n- search\n- create');
    await alice.getByLabel('Version note').fill('first draft');
    await setCode(alice, broken);
    await expectAccessible(alice, 'the new connector form');
    await alice.getByRole('button', { name: 'Create connector' }).click();
    await alice.getByRole('heading', { name: 'Acme CRM' }).waitFor();
    const problem = alice
      .getByRole('list', { name: 'Code problems' })
      .getByRole('listitem')
      .first();
    await problem.waitFor();
    const line = Number(/Line (\d+)/.exec((await problem.textContent()) ?? '')?.[1]);
    expect(line).toBeGreaterThan(0);
    // The mark sits on that line of the editor (and its gutter).
    await alice
      .locator('.cm-line')
      .nth(line - 1)
      .locator('.cm-lintRange-error')
      .first()
      .waitFor();
    expect(await alice.locator('.cm-lint-marker-error').count()).toBeGreaterThan(0);
    expect(await alice.getByText('has errors').first().isVisible()).toBe(true);
    // The description is rendered Markdown.
    await alice.locator('.markdown strong', { hasText: 'records' }).waitFor(); // the Markdown renderer loads on demand
    await screenshot(alice, 'connector-code-error');
    await expectAccessible(alice, 'a connector with a code error');
  }, 240_000);

  it('does not offer to release it, says why, then saves the fix and releases', async () => {
    const release1 = alice.getByRole('button', { name: 'Release version 1' });
    expect(await release1.isDisabled()).toBe(true);
    expect(await release1.getAttribute('aria-describedby')).toBe('release-blocked');
    expect(await alice.locator('#release-blocked').innerText()).toBe(
      'Version 1 has code errors: fix them and save a new version to release.',
    );
    await setCode(alice, fixed);
    await alice.getByLabel('Version note').fill('fix the syntax error');
    await alice.getByRole('button', { name: 'Save as new version' }).click();
    await alice.getByText('Saved as version 2.').waitFor();
    expect(await alice.getByRole('list', { name: 'Code problems' }).count()).toBe(0);
    await alice.getByRole('button', { name: 'Release version 2' }).click();
    await alice.getByText('Version 2 is released.').waitFor();
    // Released: the button stays, disabled, with the reason.
    await expect
      .poll(() => alice.getByRole('button', { name: 'Release version 2' }).isDisabled())
      .toBe(true);
    expect(await alice.locator('#release-blocked').innerText()).toBe(
      'Version 2 is already released.',
    );
  }, 120_000);

  it('compares two versions side by side with the change summary', async () => {
    await alice.getByRole('link', { name: 'Versions' }).click();
    const v2 = alice.locator('tr[data-version="2"]');
    await v2.waitFor();
    expect(await v2.getByText('released').isVisible()).toBe(true);
    expect(await alice.locator('tr[data-version="1"]').getByText('errors').isVisible()).toBe(true);
    await alice.getByLabel('From').selectOption('1');
    await alice.getByLabel('to', { exact: true }).selectOption('2');
    await alice.getByRole('button', { name: 'Compare' }).click();
    await alice.getByTestId('diff-view').locator('.cm-changedLine').first().waitFor();
    await alice.getByTestId('change-summary').waitFor();
    await screenshot(alice, 'compare-versions');
    await expectAccessible(alice, 'the version history');
  }, 120_000);

  it('shares, and creates a private link shown once', async () => {
    await alice.getByRole('link', { name: 'Share' }).click();
    await alice.getByRole('button', { name: 'Share version 2' }).click();
    await alice.getByText('Version 2 is shared.').waitFor();
    await alice.getByRole('button', { name: 'Create private link' }).click();
    linkUrl = (await alice.getByTestId('share-link-url').textContent())!.trim();
    expect(linkUrl).toMatch(new RegExp(`^${c.base}/install#link=`));
    await alice.getByRole('button', { name: 'Copy link' }).click();
    await alice.getByText('Link copied.').waitFor();
    expect(await alice.evaluate(() => navigator.clipboard.readText())).toBe(linkUrl);
    await screenshot(alice, 'share-tab');
    await expectAccessible(alice, 'the share tab');
  }, 120_000);

  it('another workspace installs from the link', async () => {
    bob = await signedIn(await c.t.token('beta', 'ADMIN', 'bob'));
    await bob.goto(linkUrl);
    await bob.getByRole('heading', { name: 'Acme CRM' }).waitFor();
    await bob.getByRole('button', { name: 'Install into beta' }).click();
    await bob.getByText('A copy of').waitFor();
    expect(await bob.getByText('installed through a private link').isVisible()).toBe(true);
    // The publisher sees the install in the link's use log.
    await alice.reload();
    await alice
      .getByRole('table', { name: 'Installs through the link' })
      .getByText('beta')
      .waitFor();
  }, 120_000);

  it('a new shared version reaches the copy live; update from parent, release the copy', async () => {
    // The installer stays on the copy's page, listening.
    const bell = bob.getByRole('link', { name: /Notifications, \d+ unread/ });
    await bell.waitFor();
    await alice.getByRole('link', { name: 'Code', exact: true }).click();
    await setCode(alice, withExport);
    await alice.getByLabel('Version note').fill('export records');
    await alice.getByRole('button', { name: 'Save as new version' }).click();
    await alice.getByText('Saved as version 3.').waitFor();
    await alice.getByRole('button', { name: 'Release version 3' }).click();
    await alice.getByText('Version 3 is released.').waitFor();
    await alice.getByRole('link', { name: 'Share' }).click();
    await alice.getByRole('heading', { name: 'What installers will get' }).waitFor();
    await alice.getByRole('button', { name: 'Share version 3' }).click();
    await alice.getByText('Version 3 is shared.').waitFor();

    // No reload on bob's side: the subscription brings the banner and the unread count.
    const banner = bob.getByTestId('update-banner');
    await banner.waitFor({ timeout: 20_000 });
    expect(await banner.textContent()).toContain('version 3');
    await bob.getByRole('link', { name: 'Notifications, 1 unread' }).waitFor();
    await screenshot(bob, 'installed-copy-update');
    await expectAccessible(bob, 'an installed copy with an update');
    await bob.getByRole('button', { name: 'Update from parent' }).click();
    await bob.getByText(/Updated: the parent's changes are in version 2/).waitFor();
    // Taking the update read its notification: the count drops at once, and the banner goes.
    await bob.getByRole('link', { name: 'Notifications, 0 unread' }).waitFor();
    expect(await bob.getByTestId('update-banner').count()).toBe(0);
    await bob.getByRole('button', { name: 'Release version 2' }).click();
    await bob.getByText('Version 2 is released.').waitFor();
  }, 180_000);

  it('lists the connector, a reviewer approves it, and it appears in the library', async () => {
    await alice.getByLabel('App (required; from the catalog, or type a name)').fill('Acme CRM');
    await alice.getByLabel('Categories (required; comma separated)').fill('crm, sales');
    await alice.getByRole('button', { name: 'List in the community library' }).click();
    await alice.getByText('Listing sent to review.').waitFor();
    await alice.getByTestId('listing-status').filter({ hasText: 'pending' }).waitFor();

    const rita = await signedIn(await c.t.reviewerToken('rita'));
    await rita.getByRole('link', { name: 'Review queue' }).click();
    const item = rita.getByRole('region', { name: 'Listing Acme CRM' });
    await item.waitFor();
    await screenshot(rita, 'review-queue');
    await expectAccessible(rita, 'the review queue');
    await item.getByRole('button', { name: 'Approve' }).click();
    await rita.getByText('Acme CRM: approved.').waitFor();

    await alice.reload();
    await alice.getByTestId('listing-status').filter({ hasText: 'approved' }).waitFor();
    await bob.getByRole('link', { name: 'Community library' }).click();
    await bob.getByLabel('Category').fill('crm');
    await bob.getByRole('button', { name: 'Search' }).click();
    await bob.getByRole('link', { name: 'Acme CRM' }).click();
    // Bob installed Acme CRM by its private link earlier: the listing points to that copy
    // instead of offering a second, identical one.
    await bob.getByText('Installed in your workspace as').waitFor();
    expect(await bob.getByRole('button', { name: 'Install' }).count()).toBe(0);
    expect(await bob.getByText('export_records').isVisible()).toBe(true);
    await screenshot(bob, 'library-listing');
    await expectAccessible(bob, 'a library listing');
  }, 180_000);

  it('an OPERATOR sees no code and no write buttons', async () => {
    const olga = await signedIn(await c.t.token('acme', 'OPERATOR', 'olga'));
    await olga.getByRole('link', { name: 'Acme CRM' }).waitFor();
    await screenshot(olga, 'connectors-list');
    await expectAccessible(olga, 'the connectors list');
    expect(await olga.getByRole('link', { name: 'New connector' }).count()).toBe(0);
    await olga.getByRole('link', { name: 'Acme CRM' }).click();
    await olga.getByText('Your role does not show connector code.').waitFor();
    expect(await olga.locator('.cm-editor').count()).toBe(0);
    for (const name of [/Save as new version/, /Release version/])
      expect(await olga.getByRole('button', { name }).count()).toBe(0);
    await olga.getByRole('link', { name: 'Versions' }).click();
    await olga.locator('tr[data-version="3"]').waitFor();
    expect(await olga.getByRole('button', { name: /Restore/ }).count()).toBe(0);
    await olga.getByRole('link', { name: 'Share' }).click();
    await olga.getByRole('heading', { name: 'Private link' }).waitFor();
    for (const name of [
      /Share version/,
      /Create private link|Regenerate link/,
      /Revoke link/,
      /Update listing|List in the community/,
    ])
      expect(await olga.getByRole('button', { name }).count()).toBe(0);
  }, 120_000);
});
