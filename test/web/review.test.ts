import { describe, expect, it } from 'vitest';
import { validCode } from '../fixtures/code.js';
import { expectAccessible, screenshot } from './browser.js';
import { useConsole } from './harness.js';
import { CREATE, RELEASE, SHARE } from '../helpers/documents.js';

/**
 * Reviewers see what they approve (issue 23, item 9), in Chromium through the UI: the header counts
 * the pending listings; a queue card opens the listing with its description, code and versions;
 * the publisher hears of the decision in its notifications.
 */
describe('console: reviewing a listing', () => {
  const c = useConsole();

  it('the queue counts, a card opens the listing with description, code and versions, the publisher is told', async () => {
    const pub = await c.t.token('reviewed-co', 'ADMIN', 'rhea');
    const { connector } = await c.gql(pub, CREATE, {
      input: {
        title: 'Reviewed Tracker',
        code: validCode({ title: 'Reviewed Tracker' }),
        description: 'Tracks **issues** for the review check.',
        note: 'first cut',
      },
    });
    await c.gql(pub, RELEASE, { input: { id: connector.id } });
    await c.gql(pub, SHARE, { input: { id: connector.id } });
    await c.gql(
      pub,
      `mutation($id: ID!) { listConnector(input: { id: $id, appName: "Tracker", categories: ["Dev"] }) { listing { id } userErrors { code message } } }`,
      { id: connector.id },
    );

    const reviewer = await c.signedIn(await c.t.reviewerToken('rory'), { path: '/review' });
    // The header says how many listings wait.
    const navCount = reviewer.getByRole('link', { name: 'Review queue, 1 pending' });
    await navCount.waitFor();
    const card = reviewer.getByRole('region', { name: 'Listing Reviewed Tracker' });
    await card.waitFor();
    expect(await reviewer.getByRole('status').filter({ hasText: '1 listing' }).count()).toBe(1);

    // The card opens the listing: its description, its code and its versions.
    await card
      .getByRole('link', { name: 'Open the listing: description, code and versions' })
      .click();
    await reviewer.getByRole('heading', { name: 'Reviewed Tracker', level: 1 }).waitFor();
    await reviewer.getByTestId('listing-review-status').getByText('waiting for review').waitFor();
    await reviewer.getByText('Tracks issues for the review check.').waitFor();
    await reviewer.getByRole('heading', { name: 'Code of version 1' }).waitFor();
    await reviewer.locator('.cm-content').first().waitFor();
    expect(await reviewer.locator('.cm-content').first().innerText()).toContain(
      "title: 'Reviewed Tracker'",
    );
    await reviewer.getByRole('heading', { name: 'Version notes' }).waitFor();
    await reviewer.getByText(/v1 \(.*\): first cut/).waitFor();
    // A reviewer installs nothing.
    expect(await reviewer.getByRole('button', { name: 'Install' }).count()).toBe(0);
    await screenshot(reviewer, 'review-listing');
    await expectAccessible(reviewer, 'a listing opened from the review queue');

    // Back to the queue, reject with a reason: the count drops at once.
    await reviewer.getByRole('link', { name: 'Back to the review queue' }).click();
    const again = reviewer.getByRole('region', { name: 'Listing Reviewed Tracker' });
    await again.getByLabel('Reason').fill('The logo is missing');
    await again.getByRole('button', { name: 'Reject' }).click();
    await reviewer.getByText('Reviewed Tracker: rejected.').waitFor();
    await reviewer.getByRole('link', { name: 'Review queue, 0 pending' }).waitFor();

    // The publisher is told, with the reason, and can go to its listing.
    const publisher = await c.signedIn(pub);
    await publisher.getByRole('link', { name: 'Notifications, 1 unread' }).click();
    const list = publisher.getByRole('list', { name: 'Notifications' });
    await list.getByText('its listing was rejected').waitFor();
    expect(await list.innerText()).toContain('Reason: “The logo is missing”.');
    await screenshot(publisher, 'notifications-listing-rejected');
    await expectAccessible(publisher, 'a review decision among the notifications');
    await list.getByRole('link', { name: 'See the listing' }).click();
    await publisher.getByTestId('listing-status').getByText('rejected').waitFor();
  }, 240_000);
});
