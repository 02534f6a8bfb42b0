import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { rolloutBucket } from '../../src/domain/rollout.js';
import { validCode } from '../fixtures/code.js';
import { expectAccessible, screenshot } from './browser.js';
import { connectorPath, useConsole } from './harness.js';
import { LINK, RELEASE, SHARE, UPDATE } from '../helpers/documents.js';
import { releasedConnector } from '../helpers/fixtures.js';

// The Share tab beyond the first share, in a real Chromium through the UI: staged rollout widened
// and rolled back, deprecate and yank (as installers see them), a private link's expiry, install
// cap, use log and revocation, and a community listing that sends people to a landing page.
describe('console: rollout, deprecate, yank, private link limits, listings (landing page, review reasons, catalog)', () => {
  const c = useConsole();

  const prisma = () => c.t.server.registry.db.prisma;

  async function releaseNew(
    token: string,
    id: string,
    title: string,
    actions: string[],
    note: string,
  ) {
    await c.gql(token, UPDATE, { input: { id, code: validCode({ title, actions }), note } });
    await c.gql(token, RELEASE, { input: { id } });
  }
  /** The version numbers an installer is shown in the link page's version notes. */
  async function notesShown(page: Page): Promise<number[]> {
    await page.reload();
    await page.getByRole('heading', { name: 'Version notes' }).waitFor();
    const items = await page
      .getByRole('heading', { name: 'Version notes' })
      .locator('xpath=following-sibling::ul[1]/li')
      .allInnerTexts();
    return items.map((t) => Number(/^v(\d+)/.exec(t)![1]));
  }

  /** The version the page presents as the one this workspace gets (its "Version N" heading); after `notesShown`. */
  async function offeredShown(page: Page): Promise<number> {
    const heading = page.getByRole('heading', { name: /^Version \d+$/ });
    return Number(/\d+/.exec(await heading.innerText())![0]);
  }

  it('stages a rollout to some installers, widens it to all, then stages another and rolls it back', async () => {
    const pub = await c.t.token('roll-pub', 'ADMIN', 'paula');
    const id = await releasedConnector(c.t, pub, { title: 'Rolling' });
    const { token: link } = await c.gql(pub, LINK, { input: { id } });
    // Two installing workspaces on either side of the rollout's line (buckets are stable per workspace).
    const row = await prisma().connector.findFirstOrThrow({ where: { title: 'Rolling' } });
    const candidates = [];
    for (const slug of ['roll-a', 'roll-b', 'roll-c', 'roll-d', 'roll-e', 'roll-f']) {
      await c.t.token(slug, 'ADMIN', 'ian');
      const ws = await prisma().workspace.findUniqueOrThrow({ where: { slug } });
      candidates.push({ slug, bucket: rolloutBucket(row.id, ws.id) });
    }
    candidates.sort((a, b) => a.bucket - b.bucket);
    const inside = candidates.find((x) => x.bucket < 98)!;
    const outside = candidates.find((x) => x.bucket > inside.bucket)!;
    expect(outside, 'two workspaces in different buckets').toBeDefined();
    const percent = inside.bucket + 1;

    const inPage = await c.signedIn(await c.t.token(inside.slug, 'ADMIN', 'ian'));
    const outPage = await c.signedIn(await c.t.token(outside.slug, 'ADMIN', 'ian'));
    for (const p of [inPage, outPage])
      await p.goto(`${c.base}/install#link=${encodeURIComponent(link)}`);

    await releaseNew(pub, id, 'Rolling', ['search_records'], 'drop create');
    const page = await c.signedIn(pub);
    await page.goto(c.base + connectorPath(id, 'share'));
    // The preview says what installers will get: version 2 drops an action, a breaking change.
    const preview = page.getByTestId('change-summary');
    await preview.getByText('Breaking change').waitFor();
    expect(await preview.innerText()).toContain('create_record');
    await page.getByLabel('Offer to (% of installers)').fill(String(percent));
    await page.getByRole('button', { name: 'Share version 2' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Version 2 is shared with ${percent}% of installers.` })
      .waitFor();
    await page
      .getByText(`Staged rollout: version 2 is offered to ${percent}% of installing workspaces.`)
      .waitFor();
    // Nothing new to share while version 2 is staged: widen or roll back instead.
    expect(await page.getByRole('button', { name: /^Share version/ }).count()).toBe(0);
    await screenshot(page, 'share-rollout');
    await expectAccessible(page, 'the share tab during a staged rollout');
    // Only the workspace inside the rollout is offered version 2, and its page says version 2 is
    // the one it gets (what Install gives it); outside, version 1.
    expect(await notesShown(inPage)).toEqual([2, 1]);
    expect(await offeredShown(inPage)).toBe(2);
    expect(await inPage.getByText('search_records').count()).toBeGreaterThan(0);
    await screenshot(inPage, 'link-install-rollout');
    expect(await notesShown(outPage)).toEqual([1]);
    expect(await offeredShown(outPage)).toBe(1);

    // Widen to everybody: version 2 becomes the shared version.
    await page.getByLabel('Offer to (% of installers)').fill('100');
    await page.getByRole('button', { name: 'Set rollout to 100%' }).click();
    await page.getByRole('status').filter({ hasText: 'Rollout set to 100%.' }).waitFor();
    await page.getByText('Shared version: v2').waitFor();
    expect(await page.getByText(/Staged rollout/).count()).toBe(0);
    expect(await notesShown(outPage)).toEqual([2, 1]);

    // Stage version 3, then roll it back: nobody is offered it any more.
    await releaseNew(pub, id, 'Rolling', ['search_records', 'export_records'], 'export');
    await page.reload();
    await page.getByLabel('Offer to (% of installers)').fill(String(percent));
    await page.getByRole('button', { name: 'Share version 3' }).click();
    await page
      .getByText(`Staged rollout: version 3 is offered to ${percent}% of installing workspaces.`)
      .waitFor();
    expect(await notesShown(inPage)).toEqual([3, 2, 1]);
    expect(await offeredShown(inPage)).toBe(3);
    expect(await notesShown(outPage)).toEqual([2, 1]);
    expect(await offeredShown(outPage)).toBe(2);
    await page.getByRole('button', { name: 'Roll back' }).click();
    await page.getByRole('status').filter({ hasText: 'Rollout stopped.' }).waitFor();
    await expect.poll(() => page.getByText(/Staged rollout/).count()).toBe(0);
    expect(await page.getByText('Shared version: v2').isVisible()).toBe(true);
    const sharedList = page
      .getByRole('region', { name: 'Shared versions' })
      .or(page.locator('section[aria-labelledby="versions-heading"]'));
    expect(await sharedList.getByText(/^v3 shared/).count()).toBe(0);
    expect(await notesShown(inPage)).toEqual([2, 1]);
    expect(await offeredShown(inPage)).toBe(2);
    // Sharing it again is offered (nothing is staged now).
    await page.getByRole('button', { name: 'Share version 3' }).waitFor();
  }, 240_000);

  it('deprecates and yanks a shared version; installers see the message, and a yanked version is not installed', async () => {
    const pub = await c.t.token('dep-pub', 'ADMIN', 'dora');
    const id = await releasedConnector(c.t, pub, { title: 'Aging' });
    await releaseNew(pub, id, 'Aging', ['search_records'], 'second');
    await c.gql(pub, SHARE, { input: { id } });
    const { token: link } = await c.gql(pub, LINK, { input: { id } });

    const page = await c.signedIn(pub);
    await page.goto(c.base + connectorPath(id, 'share'));
    const shared = page.locator('section[aria-labelledby="versions-heading"]');
    await shared.getByText(/^v2 shared/).waitFor();
    await page.getByLabel('Deprecate version').selectOption('2');
    await page.getByLabel('Message').fill('Moving to the v3 API soon');
    await page.getByRole('button', { name: 'Deprecate' }).click();
    await page.getByRole('status').filter({ hasText: 'Version 2 is deprecated.' }).waitFor();
    await shared.getByText('deprecated: Moving to the v3 API soon').waitFor();

    const installer = await c.signedIn(await c.t.token('dep-inst', 'ADMIN', 'ines'));
    await installer.goto(`${c.base}/install#link=${encodeURIComponent(link)}`);
    await installer.getByText('Deprecated: Moving to the v3 API soon').waitFor();
    await expectAccessible(installer, 'a deprecated shared connector');

    // Yanking asks first and says it can be undone; dismissed, nothing changes.
    const asked: string[] = [];
    page.once('dialog', (d) => {
      asked.push(d.message());
      void d.dismiss();
    });
    await page.getByRole('button', { name: 'Yank v2' }).click();
    await expect
      .poll(() => asked)
      .toEqual([
        'Yank version 2? Nobody can install it any more; copies already installed keep it. You can undo this with Unyank v2.',
      ]);
    expect(await shared.locator('li', { hasText: 'v2 shared' }).getByText('yanked').count()).toBe(
      0,
    );
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Yank v2' }).click();
    await page.getByRole('status').filter({ hasText: 'Version 2 is yanked.' }).waitFor();
    await shared.locator('li', { hasText: 'v2 shared' }).getByText('yanked').waitFor();
    await page.getByRole('button', { name: 'Unyank v2' }).waitFor();
    await screenshot(page, 'share-deprecate-yank');
    await expectAccessible(page, 'the share tab with a deprecated, yanked version');

    // The installer is told, and an install gets version 1, the newest one not yanked.
    await installer.reload();
    await installer.getByText(/^v2 .*— yanked/).waitFor();
    // The page shows what an install gets: version 1 (with the action version 2 dropped).
    await installer.getByRole('heading', { name: 'Version 1', exact: true }).waitFor();
    await installer
      .getByRole('listitem')
      .filter({ hasText: /^create_record$/ })
      .waitFor();
    await screenshot(installer, 'link-install-yanked');
    await installer.getByRole('button', { name: 'Install into dep-inst' }).click();
    await installer.getByText('A copy of').waitFor();
    expect(await installer.getByText('(parent version 1;').isVisible()).toBe(true);

    // Unyank: version 2 is installable again.
    await page.getByRole('button', { name: 'Unyank v2' }).click();
    await page.getByRole('status').filter({ hasText: 'Version 2 is installable again.' }).waitFor();
    expect(await shared.locator('li', { hasText: 'v2 shared' }).getByText('yanked').count()).toBe(
      0,
    );
  }, 180_000);

  it('a private link with an expiry and an install cap: the extra install is refused in words; the use log; revoke', async () => {
    const pub = await c.t.token('link-pub', 'ADMIN', 'lara');
    const id = await releasedConnector(c.t, pub, { title: 'Linked' });
    const page = await c.signedIn(pub);
    await page.goto(c.base + connectorPath(id, 'share'));
    await page.getByText('No active private link.').waitFor();

    // An expiry in the past is refused in words.
    const local = (d: Date) =>
      new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel('Expires').fill(local(new Date(Date.now() - 3_600_000)));
    await page.getByRole('button', { name: 'Create private link' }).click();
    await page.getByRole('alert').filter({ hasText: 'expiresAt must be in the future.' }).waitFor();

    const tomorrow = new Date(Date.now() + 24 * 3_600_000);
    await page.getByLabel('Expires').fill(local(tomorrow));
    await page.getByLabel('Install cap').fill('1');
    await page.getByRole('button', { name: 'Create private link' }).click();
    const url = (await page.getByTestId('share-link-url').textContent())!.trim();
    const facts = page.locator('section[aria-labelledby="link-heading"] dl');
    await facts.getByText('0 of at most 1').waitFor();
    expect(await facts.locator('dt:has-text("Expires") + dd').innerText()).toBe(
      await page.evaluate(
        (iso) =>
          new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
        tomorrow.toISOString(),
      ),
    );

    // Two workspaces open the link; the first installs, the second is refused in words.
    const first = await c.signedIn(await c.t.token('link-one', 'ADMIN', 'otto'));
    const second = await c.signedIn(await c.t.token('link-two', 'ADMIN', 'tina'));
    for (const p of [first, second]) {
      await p.goto(url);
      await p.getByRole('heading', { name: 'Linked' }).waitFor();
    }
    await first.getByRole('button', { name: 'Install into link-one' }).click();
    await first.getByText('A copy of').waitFor();
    await second.getByRole('button', { name: 'Install into link-two' }).click();
    await second
      .getByRole('alert')
      .filter({
        hasText:
          'This share link has been used as many times as it allows. Ask its publisher for a new link.',
      })
      .waitFor();
    // Refusals are words, never the API's code.
    expect(await second.getByRole('alert').innerText()).not.toContain('LINK_EXHAUSTED');
    await screenshot(second, 'link-install-refused');
    await expectAccessible(second, 'a refused install');
    // Opened afresh, the used-up link says so rather than offering Install.
    await second.reload();
    await second
      .getByText(
        'This link has been used for as many installs as it allows: ask the publisher for a new one.',
      )
      .waitFor();
    expect(await second.getByRole('button', { name: /^Install/ }).count()).toBe(0);

    // The publisher sees the use in the link's log, and the count against the cap.
    await page.reload();
    const log = page.getByRole('table', { name: 'Installs through the link' });
    await log.waitFor();
    expect(
      (await log.getByRole('row').allInnerTexts()).slice(1).map((r) => r.split('\t').slice(0, 2)),
    ).toEqual([['link-one', 'otto']]);
    await facts.getByText('1 of at most 1').waitFor();
    await screenshot(page, 'share-link-limits');
    await expectAccessible(page, 'a private link with limits and its use log');

    // Once expired (time moved on), the link says so.
    const shownUrl = async () =>
      (await page.getByTestId('share-link-url').count())
        ? (await page.getByTestId('share-link-url').textContent())!.trim()
        : '';
    /** Regenerates the link and waits until the new one (shown once) replaces what was shown. */
    const regenerated = async () => {
      const before = await shownUrl();
      await page.getByRole('button', { name: 'Regenerate link' }).click();
      await expect.poll(shownUrl).not.toBe(before);
      return shownUrl();
    };
    await page.getByLabel('Install cap').fill('');
    const url2 = await regenerated();
    expect(url2).not.toBe(url);
    await prisma().shareLink.updateMany({
      where: { revokedAt: null, connector: { title: 'Linked' } },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    await second.goto(url2);
    await second.getByText('This link has expired: ask the publisher for a new one.').waitFor();
    expect(await second.getByRole('button', { name: /^Install/ }).count()).toBe(0);

    // Revoked: the link stops working and the tab says there is none.
    const url3 = await regenerated();
    // Revoking cannot be undone: the console asks, and a dismissed question revokes nothing.
    const question: string[] = [];
    page.once('dialog', (d) => {
      question.push(d.message());
      void d.dismiss();
    });
    await page.getByRole('button', { name: 'Revoke link' }).click();
    await expect
      .poll(() => question)
      .toEqual([
        'Revoke the private link? Nobody can view or install the connector through it any more. This cannot be undone: a new link has a new address.',
      ]);
    expect(await page.getByText('No active private link.').count()).toBe(0);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Revoke link' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'The private link stopped working.' })
      .waitFor();
    await page.getByText('No active private link.').waitFor();
    await page.getByRole('button', { name: 'Create private link' }).waitFor();
    await second.goto(url3);
    await second.getByText('This link is unknown or was revoked.').waitFor();
  }, 180_000);

  it('a listing that prevents direct install shows the landing page instead of Install; review reasons reach the publisher', async () => {
    const pub = await c.t.token('land-pub', 'ADMIN', 'lars');
    const id = await releasedConnector(c.t, pub, { title: 'Landed' });
    const page = await c.signedIn(pub);
    await page.goto(c.base + connectorPath(id, 'share'));
    await page.getByLabel('App (required; from the catalog, or type a name)').fill('Landed App');
    await page.getByLabel('Categories (required; comma separated)').fill('marketing');
    await page.getByLabel('Prevent direct install (send people to a landing page)').check();
    // Preventing direct install makes the landing page required: the form says so and is not sent without it.
    const landing = page.getByLabel('Landing page URL (required)');
    expect(await landing.getAttribute('aria-required')).toBe('true');
    await page.getByRole('button', { name: 'List in the community library' }).click();
    expect(await landing.evaluate((el) => (el as HTMLInputElement).validity.valueMissing)).toBe(
      true,
    );
    expect(await page.getByTestId('listing-status').count()).toBe(0);
    await landing.fill('https://landed.example.com/get');
    await page.getByRole('button', { name: 'List in the community library' }).click();
    await page.getByTestId('listing-status').filter({ hasText: 'pending' }).waitFor();

    // The reviewer rejects it with a reason; the publisher reads the reason.
    const rita = await c.signedIn(await c.t.reviewerToken('rita'));
    await rita.getByRole('link', { name: 'Review queue' }).click();
    const item = rita.getByRole('region', { name: 'Listing Landed' });
    await item.getByRole('button', { name: 'Reject' }).click();
    await rita.getByRole('alert').waitFor();
    await item.getByLabel('Reason').fill('Describe what the connector does.');
    await item.getByRole('button', { name: 'Reject' }).click();
    await rita.getByRole('status').filter({ hasText: 'Landed: rejected.' }).waitFor();
    await expectAccessible(rita, 'the review queue after a rejection');
    await page.reload();
    await page.getByTestId('listing-status').filter({ hasText: 'rejected' }).waitFor();
    await page.getByText('reviewer said: “Describe what the connector does.”').waitFor();

    // Updated, it goes back to review and is approved.
    await page.getByRole('button', { name: 'Update listing' }).click();
    await page.getByTestId('listing-status').filter({ hasText: 'pending' }).waitFor();
    await rita.reload();
    await rita
      .getByRole('region', { name: 'Listing Landed' })
      .getByRole('button', { name: 'Approve' })
      .click();
    await rita.getByRole('status').filter({ hasText: 'Landed: approved.' }).waitFor();

    const visitor = await c.signedIn(await c.t.token('land-visitor', 'ADMIN', 'vera'));
    await visitor.getByRole('link', { name: 'Community library' }).click();
    // Found by app (an app nobody else lists).
    await visitor.getByLabel('App').fill('Nobody App');
    await visitor.getByRole('button', { name: 'Search' }).click();
    await visitor.getByText('No listed connectors match.').waitFor();
    await visitor.getByLabel('App').fill('Landed App');
    await visitor.getByRole('button', { name: 'Search' }).click();
    await visitor.getByRole('status').filter({ hasText: '1 listed' }).waitFor();
    await expectAccessible(visitor, 'library search results');
    await visitor.getByRole('link', { name: 'Landed' }).click();
    const get = visitor.getByRole('link', { name: 'Get it from the publisher' });
    await get.waitFor();
    expect(await get.getAttribute('href')).toBe('https://landed.example.com/get');
    expect(await visitor.getByRole('button', { name: 'Install' }).count()).toBe(0);
    await screenshot(visitor, 'library-landing-page');
    await expectAccessible(visitor, 'a listing with a landing page');

    // Disabled with a reason, it leaves the library.
    await rita.getByLabel('Show').selectOption('APPROVED');
    const approved = rita.getByRole('region', { name: 'Listing Landed' });
    await approved.getByLabel('Reason').fill('Landing page is down.');
    await approved.getByRole('button', { name: 'Disable' }).click();
    await rita.getByRole('status').filter({ hasText: 'Landed: disabled.' }).waitFor();
    await visitor.getByRole('link', { name: 'Community library' }).click();
    await visitor
      .getByRole('status')
      .filter({ hasText: '0 listed' })
      .or(visitor.getByText('No listed connectors match.'))
      .first()
      .waitFor();
    expect(await visitor.getByRole('link', { name: 'Landed' }).count()).toBe(0);
  }, 180_000);

  it('offers the catalog apps to pick from; a typed catalog name becomes that app', async () => {
    const pub = await c.t.token('catalog-pub', 'ADMIN', 'cora');
    const id = await releasedConnector(c.t, pub, { title: 'Catalogued' });
    const page = await c.signedIn(pub);
    await page.goto(c.base + connectorPath(id, 'share'));
    const app = page.getByLabel('App (required; from the catalog, or type a name)');
    await app.waitFor();
    // The input suggests the catalog (a datalist), narrowed as you type.
    const options = async () =>
      page
        .locator(`datalist#${await app.getAttribute('list')} option`)
        .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    await expect.poll(options).toEqual(expect.arrayContaining(['HubSpot', 'Salesforce', 'Slack']));
    await app.fill('hub');
    await expect.poll(options).toEqual(['GitHub', 'HubSpot']);
    await app.fill('hubspot');
    // Categories are required: the field says so (label and aria-required), and the form is not
    // sent while it is empty or holds only commas.
    const categories = page.getByLabel('Categories (required; comma separated)');
    expect(await categories.getAttribute('aria-required')).toBe('true');
    expect(await categories.evaluate((el) => (el as HTMLInputElement).required)).toBe(true);
    await page.getByRole('button', { name: 'List in the community library' }).click();
    expect(await categories.evaluate((el) => (el as HTMLInputElement).validity.valueMissing)).toBe(
      true,
    );
    await categories.fill(' , ,');
    await page.getByRole('button', { name: 'List in the community library' }).click();
    expect(
      await categories.evaluate((el) => (el as HTMLInputElement).validity.patternMismatch),
    ).toBe(true);
    expect(await page.getByTestId('listing-status').count()).toBe(0);
    await screenshot(page, 'listing-form-required');
    await categories.fill('crm');
    await page.getByRole('button', { name: 'List in the community library' }).click();
    await page.getByTestId('listing-status').filter({ hasText: 'pending' }).waitFor();
    await page.getByText(/· app HubSpot/).waitFor();
    await expectAccessible(page, 'a listing sent to review');
  }, 120_000);
});
