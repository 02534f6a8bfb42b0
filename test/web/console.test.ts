import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createSignInCode } from '../../src/domain/sign-in-links.js';
import { expectAccessible, screenshot } from './browser.js';
import { useConsole } from './harness.js';

// The registry console in a real Chromium, through the UI only (PGlite; the API underneath is
// tested on both databases by the integration tests).
describe('registry console in Chromium', () => {
  const c = useConsole();
  const newPage = () => c.newPage({ viewport: { width: 1280, height: 860 } });

  async function signInWithToken(page: Page, token: string) {
    await page.goto(c.base + '/');
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('signs in with a pasted token, keeps it for the tab only, and signs out', async () => {
    const token = await c.t.token('acme', 'ADMIN', 'alice');
    const { context, page } = await newPage();
    await page.goto(c.base + '/');
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
    await c.t.token('beta', 'DEVELOPER', 'bob');
    const { code } = await createSignInCode(c.t.server.registry.db.prisma, {
      workspace: 'beta',
      handle: 'bob',
    });
    const { context, page } = await newPage();
    await page.goto(`${c.base}/sign-in#code=${code}`);
    await page.getByText('bob · developer in').waitFor();
    expect(page.url()).toBe(c.base + '/connectors');
    const second = await context.newPage();
    await second.goto(`${c.base}/sign-in#code=${code}`);
    await second.getByText('This sign-in link is not valid').waitFor();
    await context.close();
  });
});
