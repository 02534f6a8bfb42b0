import { describe, expect, it } from 'vitest';
import { PNG_1PX, validCode } from '../fixtures/code.js';
import { expectAccessible, screenshot } from './browser.js';
import { useConsole } from './harness.js';
import { CREATE, RELEASE, SHARE, UPDATE } from '../helpers/documents.js';

// Editing a connector's title, logo and description from its page, and lists longer than a page
// (the review queue and the community library) read to their end with "Load more".
describe('console: connector details and long lists', () => {
  const c = useConsole();

  const signedIn = (token: string, path?: string) => c.signedIn(token, { path });
  const gql = (token: string, query: string, variables: Record<string, unknown>) =>
    c.gql(token, query, variables);
  const LIST =
    'mutation($input: ListConnectorInput!) { listConnector(input: $input) { listing { id } userErrors { code message } } }';
  const REVIEW =
    'mutation($input: ReviewListingInput!) { reviewListing(input: $input) { listing { id status } userErrors { code message } } }';

  it('a writer edits the title, logo and Markdown description; the list shows them; an operator is not offered the form', async () => {
    const token = await c.t.token('acme', 'ADMIN', 'alice');
    const { connector } = await gql(token, CREATE, {
      input: { title: 'Old title', code: validCode({ title: 'Old title' }) },
    });
    const page = await signedIn(token, `/connectors/${encodeURIComponent(connector.id)}`);
    await page.getByRole('heading', { name: 'Old title' }).waitFor();

    await page.getByRole('button', { name: 'Edit details' }).click();
    const form = page.getByRole('form', { name: 'Connector details' });
    // A blank title is refused in words and changes nothing.
    await form.getByLabel('Title').fill('   ');
    await form.getByRole('button', { name: 'Save details' }).click();
    await form
      .getByRole('alert')
      .filter({ hasText: 'title is required and cannot be blank.' })
      .waitFor();
    await page.getByRole('heading', { name: 'Old title' }).waitFor();

    await form.getByLabel('Title').fill('Acme Billing');
    await form.getByLabel('Logo (PNG, JPEG, GIF or WebP, at most 512 KB)').setInputFiles({
      name: 'logo.png',
      mimeType: 'image/png',
      buffer: Buffer.from(PNG_1PX, 'base64'),
    });
    await form.getByAltText('Logo preview').waitFor();
    await form.getByLabel('Description (Markdown)').fill('Sends **invoices** to Acme.');
    await expectAccessible(page, 'the connector details form');
    await screenshot(page, 'connector-edit-details');
    await form.getByRole('button', { name: 'Save details' }).click();
    await page.getByText('Details saved.').waitFor();
    await page.getByRole('heading', { name: 'Acme Billing', level: 1 }).waitFor();
    expect(
      await page.getByRole('img', { name: 'Acme Billing logo' }).first().getAttribute('src'),
    ).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/logos\/[0-9a-f]{64}\.png$/);
    await page.locator('.markdown strong', { hasText: 'invoices' }).waitFor();

    await page.getByRole('link', { name: 'Connectors', exact: true }).click();
    const row = page
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name: 'Acme Billing' }) });
    await row.waitFor();
    expect(await row.getByRole('img', { name: 'Acme Billing logo' }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Old title' }).count()).toBe(0);
    await page
      .getByRole('status')
      .filter({ hasText: /^1 connector$/ })
      .waitFor(); // one, not "1 connectors"
    await screenshot(page, 'connectors-after-edit');

    // Removing the logo: the list falls back to the placeholder.
    await row.getByRole('link', { name: 'Acme Billing' }).click();
    await page.getByRole('button', { name: 'Edit details' }).click();
    await form.getByLabel('Remove the logo').check();
    await form.getByRole('button', { name: 'Save details' }).click();
    await page.getByText('Details saved.').waitFor();
    expect(await page.getByRole('img', { name: 'Acme Billing logo' }).count()).toBe(0);

    // What the API says now (the console showed what was stored).
    const stored = await c.t.gql(
      'query($id: ID!) { connector(id: $id) { title description logoUrl latestVersion } }',
      { id: connector.id },
      token,
    );
    expect(stored.body.data.connector).toEqual({
      title: 'Acme Billing',
      description: 'Sends **invoices** to Acme.',
      logoUrl: null,
      latestVersion: 1,
    });

    const olga = await signedIn(
      await c.t.token('acme', 'OPERATOR', 'olga'),
      `/connectors/${encodeURIComponent(connector.id)}`,
    );
    await olga.getByRole('heading', { name: 'Acme Billing' }).waitFor();
    expect(await olga.getByRole('button', { name: 'Edit details' }).count()).toBe(0);
  }, 180_000);

  it('the version history reads past its first page, and compares a version from the second page with the latest', async () => {
    const token = await c.t.token('hist', 'ADMIN', 'hugo');
    const { connector } = await gql(token, CREATE, {
      input: { title: 'Long history', code: validCode({ title: 'Long history' }), note: 'v1' },
    });
    for (let v = 2; v <= 27; v++)
      await gql(token, UPDATE, { input: { id: connector.id, note: `v${v}` } });
    // Version 27's code differs from version 1's by one action.
    await gql(token, UPDATE, {
      input: {
        id: connector.id,
        code: validCode({ title: 'Long history', actions: ['search_records'] }),
        note: 'v28',
      },
    });

    const page = await signedIn(token, `/connectors/${encodeURIComponent(connector.id)}/history`);
    const rows = page.getByRole('table', { name: 'Versions' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(25);
    await page.getByText('25 of 28 shown').waitFor();
    expect(await page.getByLabel('From').locator('option').count()).toBe(25);
    await page.getByRole('button', { name: 'Load more versions' }).click();
    await expect.poll(() => rows.count()).toBe(28);
    expect(await page.getByRole('button', { name: 'Load more versions' }).count()).toBe(0);
    expect(await rows.last().getAttribute('data-version')).toBe('1');

    await page.getByLabel('From').selectOption('1');
    await page.getByLabel('to', { exact: true }).selectOption('28');
    await page.getByRole('button', { name: 'Compare' }).click();
    const comparison = page.getByRole('region', { name: 'Version 1 compared with version 28' });
    await comparison.getByText('removed create_record').waitFor();
    await comparison.getByTestId('diff-view').locator('.cm-changedLine').first().waitFor();
    await screenshot(page, 'history-second-page-compare');
  }, 180_000);

  const LISTED = 27; // more than a page of the review queue (20) and of the library (25)

  it('the review queue and the community library read past their first page', async () => {
    const pub = await c.t.token('pubs', 'ADMIN', 'paula');
    const listingIds: string[] = [];
    for (let i = 1; i <= LISTED; i++) {
      const title = `Listed ${String(i).padStart(2, '0')}`;
      const { connector } = await gql(pub, CREATE, {
        input: { title, code: validCode({ title }) },
      });
      await gql(pub, RELEASE, { input: { id: connector.id } });
      await gql(pub, SHARE, { input: { id: connector.id } });
      const { listing } = await gql(pub, LIST, {
        input: { id: connector.id, appName: 'Paging app', categories: ['paging'] },
      });
      listingIds.push(listing.id);
    }
    const titles = Array.from(
      { length: LISTED },
      (_, i) => `Listed ${String(i + 1).padStart(2, '0')}`,
    );

    const rita = await signedIn(await c.t.reviewerToken('rita'), '/review');
    const regions = rita.getByRole('region', { name: /^Listing Listed / });
    await expect.poll(() => regions.count()).toBe(20);
    await rita.getByText(`20 of ${LISTED} shown`).waitFor();
    await rita.getByRole('button', { name: 'Load more listings' }).click();
    await expect.poll(() => regions.count()).toBe(LISTED);
    expect(await rita.getByRole('button', { name: 'Load more listings' }).count()).toBe(0);
    // Deciding one from the second page takes it out of the pending list; the rest stay.
    const last = rita.getByRole('region', { name: 'Listing Listed 01' });
    await last.getByRole('button', { name: 'Approve' }).click();
    await rita.getByText('Listed 01: approved.').waitFor();
    await expect.poll(() => regions.count()).toBe(LISTED - 1);
    await rita.getByText(`${LISTED - 1} listings`).waitFor();
    for (const id of listingIds.slice(1))
      await gql(await c.t.reviewerToken('rita'), REVIEW, { input: { id, decision: 'APPROVE' } });

    const bob = await signedIn(await c.t.token('beta', 'ADMIN', 'bob'), '/library');
    const table = bob.getByRole('table', { name: 'Listed connectors' });
    const links = table.getByRole('link', { name: /^Listed \d\d$/ });
    await expect.poll(() => links.count()).toBe(25);
    await bob.getByText(`25 of ${LISTED} shown`).waitFor();
    await bob.getByRole('button', { name: 'Load more listings' }).click();
    await expect.poll(() => links.count()).toBe(LISTED);
    expect((await links.allTextContents()).sort()).toEqual(titles);
    expect(await bob.getByRole('button', { name: 'Load more listings' }).count()).toBe(0);
    await screenshot(bob, 'library-all-pages');
    await expectAccessible(bob, 'the library after loading more');

    // A search starts again from its own first page.
    await bob.getByLabel('Title').fill('Listed 2');
    await bob.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => links.count()).toBe(8); // Listed 20 … Listed 27
    expect(await bob.getByRole('button', { name: 'Load more listings' }).count()).toBe(0);
  }, 300_000);
});
