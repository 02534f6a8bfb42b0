import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launchBrowser, screenshot } from './browser.js';

/**
 * GraphiQL in Chromium (issue 23, item 12): the Headers template is a valid header value, so the
 * first run reaches the server and shows its 401; pasting a token re-fetches the schema; the
 * pasted header stays for the browser tab (a reload keeps it).
 */
const isIntrospection = (r: Request) =>
  r.method() === 'POST' && (r.postData() ?? '').includes('__schema');

describe('GraphiQL headers', () => {
  let t: TestServer;
  let browser: Browser;
  let token: string;
  beforeAll(async () => {
    t = await startTestServer('pglite');
    token = await t.token('acme', 'ADMIN', 'ada');
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function headersEditor(page: Page) {
    // The editor tools pane opens on Headers; its editor is the Monaco editor labelled for headers.
    const tab = page.getByRole('tab', { name: 'Headers' });
    if (await tab.count()) await tab.first().click();
    const editor = page.locator('.graphiql-editor-tool .graphiql-editor').last();
    await editor.waitFor();
    return editor;
  }

  it('runs the template to a 401 from the server, re-introspects on a pasted token, and keeps it on reload', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.server.url });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    // The first introspection carries the template, which is ASCII, so it reaches the server (401).
    const firstIntrospection = page.waitForResponse((r) => isIntrospection(r.request()));
    await page.goto(t.url, { waitUntil: 'domcontentloaded' });
    const first = await firstIntrospection;
    expect(first.status()).toBe(401);
    const sent = first.request().headers()['authorization'];
    expect(sent).toMatch(/^Bearer /);
    expect(/^[\x20-\x7e]*$/.test(sent)).toBe(true);

    // Paste a token into the Headers editor: the schema is fetched again with it.
    const editor = await headersEditor(page);
    const withToken = page.waitForRequest(
      (r) => isIntrospection(r) && r.headers()['authorization'] === `Bearer ${token}`,
    );
    await editor.click();
    await page.keyboard.press('Control+A');
    // A paste, as a person does it (typing would meet the editor's auto-closed brackets).
    await page.evaluate(
      (text) => navigator.clipboard.writeText(text),
      JSON.stringify({ Authorization: `Bearer ${token}` }),
    );
    await page.keyboard.press('Control+V');
    const again = await withToken;
    expect((await again.response())?.status()).toBe(200);
    await screenshot(page, 'graphiql-token-pasted');

    // Reload the tab: the pasted header is still the one used.
    const afterReload = page.waitForRequest((r) => isIntrospection(r));
    await page.reload({ waitUntil: 'domcontentloaded' });
    expect((await afterReload).headers()['authorization']).toBe(`Bearer ${token}`);

    // Another browser tab (a new context shares nothing) starts from the template again.
    const other = await (await browser.newContext()).newPage();
    const otherFirst = other.waitForRequest((r) => isIntrospection(r));
    await other.goto(t.url, { waitUntil: 'domcontentloaded' });
    expect((await otherFirst).headers()['authorization']).not.toContain(token);
    expect(pageErrors.filter((m) => /TypeError/.test(m))).toEqual([]);
    await context.close();
  }, 180_000);
});
