import { describe, expect, it } from 'vitest';
import { validCode } from '../fixtures/code.js';
import { expectAccessible, screenshot } from './browser.js';
import { connectorPath, useConsole } from './harness.js';
import { CREATE, RELEASE } from '../helpers/documents.js';

/**
 * Offer only what can succeed, and say what happened where the person looks (issue 23, items 6
 * and 8), in Chromium through the UI: the first share does not warn of breaking anybody; Copy link
 * answers on the button; the library shows a connector already installed as Installed, with a link
 * to the copy, instead of making a second identical copy.
 */
describe('console: offers that can succeed', () => {
  const c = useConsole();

  it('first share without a breaking-change warning; Copy link says Copied; an installed listing shows Installed with a link', async () => {
    const pub = await c.t.token('pubco', 'ADMIN', 'pia');
    const { connector } = await c.gql(pub, CREATE, {
      input: { title: 'Offered Thing', code: validCode({ title: 'Offered Thing' }) },
    });
    await c.gql(pub, RELEASE, { input: { id: connector.id } });
    const page = await c.signedIn(pub, {
      clipboard: true,
      path: connectorPath(connector.id, 'share'),
    });

    // The first share: nobody has installed anything, so no "breaking change" warning.
    await page
      .getByTestId('first-share')
      .getByText('Nobody has installed this connector yet')
      .waitFor();
    expect(await page.getByTestId('change-summary').count()).toBe(0);
    expect(await page.getByText('Breaking change').count()).toBe(0);
    await page.getByRole('button', { name: 'Share version 1' }).click();
    await page.getByText('Version 1 is shared.').waitFor();

    // Copy link: the button itself says it worked.
    await page.getByRole('button', { name: 'Create private link' }).click();
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();

    // Listed and approved (preconditions through the API), then installed by another workspace.
    const listed = await c.gql(
      pub,
      `mutation($id: ID!) { listConnector(input: { id: $id, appName: "Offered", categories: ["Tools"] }) { listing { id } userErrors { code message } } }`,
      { id: connector.id },
    );
    const reviewer = await c.t.reviewerToken();
    await c.gql(
      reviewer,
      `mutation($id: ID!) { reviewListing(input: { id: $id, decision: APPROVE }) { listing { id } userErrors { code message } } }`,
      { id: listed.listing.id },
    );
    const ivy = await c.t.token('installco', 'ADMIN', 'ivy');
    const shop = await c.signedIn(ivy, {
      path: `/library/${encodeURIComponent(listed.listing.id)}`,
    });
    await shop.getByRole('button', { name: 'Install' }).click();
    await shop.waitForURL(/\/connectors\//);
    const copyUrl = new URL(shop.url()).pathname;

    // Back on the listing: Installed, with a link to the copy; no second Install.
    await shop.goto(`${c.base}/library/${encodeURIComponent(listed.listing.id)}`);
    const installed = shop.getByText('Installed in your workspace as');
    await installed.waitFor();
    expect(await shop.getByRole('button', { name: 'Install' }).count()).toBe(0);
    await screenshot(shop, 'listing-installed');
    await expectAccessible(shop, 'a listing already installed');
    await shop.getByRole('link', { name: 'Offered Thing' }).click();
    await shop.waitForURL((u) => u.pathname === copyUrl);
  }, 240_000);
});
