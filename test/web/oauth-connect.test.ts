import { describe, expect, it } from 'vitest';
import { fixture, NOTES_CLIENT_ID, NOTES_CLIENT_SECRET } from '../executor/fake-api.js';
import { screenshot } from './browser.js';
import { connectorPath, useConsoleWithFakeApi } from './harness.js';
import { CREATE } from '../helpers/documents.js';

// OAuth2 Connect in a real Chromium through the UI only: a connection of the Notes fixture
// (client values), Connect, the fake provider's consent page, Allow, the registry's callback page,
// back to the Test tab where the connection shows as connected, and a run that uses the tokens.
// Deny ends on the callback page with the provider's refusal in words.
describe('console: OAuth2 Connect', () => {
  const { c, api } = useConsoleWithFakeApi();

  it('Connect → consent → callback → connected; a run uses the tokens; Deny says why', async () => {
    const token = await c.t.token('notes-co', 'DEVELOPER', 'dora');
    const { connector } = await c.gql(token, CREATE, {
      input: { title: 'Notes', code: fixture('notes-oauth2.rb') },
    });
    const page = await c.signedIn(token, {
      path: connectorPath(connector.id, 'test'),
      allowOrigins: [api.url],
    });

    await page.getByRole('button', { name: 'New connection' }).click();
    await page.getByLabel('Connection name').fill('dora');
    await page.getByLabel('base_url').fill(api.url);
    await page.getByLabel('client_id').fill(NOTES_CLIENT_ID);
    await page.getByLabel('client_secret').fill(NOTES_CLIENT_SECRET);
    await page.getByRole('button', { name: 'Save connection' }).click();
    const auth = page.getByLabel('OAuth2 authorization');
    await auth.getByText('Not connected').waitFor();

    // Connect: the provider's consent page, then Allow.
    await auth.getByRole('button', { name: 'Connect' }).click();
    await page.waitForURL(`${api.url}/notes/oauth/authorize?**`, { timeout: 90_000 });
    const authorizeUrl = new URL(page.url());
    expect(authorizeUrl.searchParams.get('client_id')).toBe(NOTES_CLIENT_ID);
    expect(authorizeUrl.searchParams.get('redirect_uri')).toBe(`${c.base}/oauth/callback`);
    await page.getByRole('link', { name: 'Allow' }).click();

    // The registry's callback page, then back to the Test tab.
    await page.getByRole('heading', { name: 'Connected' }).waitFor({ timeout: 90_000 });
    await page.getByText('is authorized').waitFor();
    await screenshot(page, 'oauth-callback-connected');
    await page.getByRole('link', { name: 'Back to the Test tab' }).click();
    await page
      .getByLabel('OAuth2 authorization')
      .getByText(/Connected \(authorized/)
      .waitFor();
    await page
      .getByRole('list', { name: 'Connection values' })
      .getByText('access_token: •••••• (set)')
      .waitFor();
    await screenshot(page, 'test-tab-oauth-connected');

    // A run with the connection: the connection test answers as the provider's user.
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page
      .getByRole('region', { name: 'Output' })
      .getByText('"ada"')
      .waitFor({ timeout: 90_000 });
    await page.getByRole('heading', { name: /Run of test .*SUCCEEDED/ }).waitFor();
    const content = await page.content();
    expect(content).not.toContain(NOTES_CLIENT_SECRET);
    expect(content).not.toMatch(/at-\d+-[a-z0-9]+/);

    // Deny: the callback page says the provider refused; the connection keeps its tokens.
    await page
      .getByLabel('OAuth2 authorization')
      .getByRole('button', { name: 'Connect again' })
      .click();
    await page.waitForURL(`${api.url}/notes/oauth/authorize?**`, { timeout: 90_000 });
    await page.getByRole('link', { name: 'Deny' }).click();
    await page.getByRole('heading', { name: 'Not connected' }).waitFor({ timeout: 90_000 });
    await page
      .getByRole('alert')
      .getByText(
        'The provider refused the authorization: access_denied (The user denied the request).',
      )
      .waitFor();
    await screenshot(page, 'oauth-callback-denied');
  }, 300_000);
});
