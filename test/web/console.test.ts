import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSignInCode } from '../../src/domain/sign-in-links.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  ensureConsoleBuilt,
  expectAccessible,
  forbidOtherHosts,
  launchBrowser,
  screenshot,
} from './browser.js';

// The registry console in a real Chromium, through the UI only (PGlite; the API underneath is
// tested on both databases by the integration tests).
describe('registry console in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let base: string;
  const offHost: string[] = [];

  beforeAll(async () => {
    ensureConsoleBuilt();
    t = await startTestServer('pglite');
    base = t.server.url;
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    expect(offHost, 'requests to other hosts').toEqual([]);
  });

  async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    forbidOtherHosts(page, base, offHost);
    return { context, page };
  }

  async function signInWithToken(page: Page, token: string) {
    await page.goto(base + '/');
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('signs in with a pasted token, keeps it for the tab only, and signs out', async () => {
    const token = await t.token('acme', 'ADMIN', 'alice');
    const { context, page } = await newPage();
    await page.goto(base + '/');
    await expect
      .poll(() =>
        page.getByRole('heading', { name: 'Sign in to the connector registry' }).isVisible(),
      )
      .toBe(true);
    await expectAccessible(page, 'the sign-in page');
    await screenshot(page, 'sign-in');
    await signInWithToken(page, token);
    await page.getByRole('heading', { name: 'Connectors' }).waitFor();
    expect(await page.getByText('alice · admin in').isVisible()).toBe(true);
    // sessionStorage only: no cookie, nothing in localStorage.
    expect(await context.cookies()).toEqual([]);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(await page.evaluate(() => sessionStorage.getItem('registry.token'))).toBe(token);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    // The token is gone; what stays for the tab is the last identity (a workspace slug and a
    // handle, not secret) that the sign-in hints name.
    const kept = await page.evaluate(() => ({ ...sessionStorage }));
    expect(Object.keys(kept)).toEqual(['registry.last-identity']);
    expect(JSON.stringify(kept)).not.toContain(token);
    await context.close();
  });

  it('refuses a bad token in words', async () => {
    const { context, page } = await newPage();
    await signInWithToken(page, 'crt_' + 'x'.repeat(43));
    await page.getByLabel('API token').waitFor();
    await page.getByRole('alert').waitFor();
    await context.close();
  });

  it('signs in once with a one-time link; the link does not work twice', async () => {
    await t.token('beta', 'DEVELOPER', 'bob');
    const { code } = await createSignInCode(t.server.registry.db.prisma, {
      workspace: 'beta',
      handle: 'bob',
    });
    const { context, page } = await newPage();
    await page.goto(`${base}/sign-in#code=${code}`);
    await page.getByText('bob · developer in').waitFor();
    expect(page.url()).toBe(base + '/connectors');
    const second = await context.newPage();
    await second.goto(`${base}/sign-in#code=${code}`);
    await second.getByText('This sign-in link is not valid').waitFor();
    await context.close();
  });
});
