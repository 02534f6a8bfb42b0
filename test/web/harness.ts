import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Config } from '../../src/config.js';
import { startFakeApi } from '../executor/fake-api.js';
import type { Document, Succeeded } from '../helpers/documents.js';
import { forAll } from '../helpers/hooks.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ensureConsoleBuilt, forbidOtherHosts, launchBrowser } from './browser.js';

/**
 * One real server (PGlite) and one Chromium for a browser test file. Preconditions that are not
 * what a test is about may be set up through the API (`gql`); what a test checks goes through the UI.
 */
export interface Console {
  t: TestServer;
  base: string;
  browser: Browser;
  /**
   * A fresh browser context (an empty profile) and a page in it, not signed in, that fails the test
   * on requests to other hosts (but `allowOrigins`). Viewport 1280×900 unless given.
   */
  newPage(opts?: {
    clipboard?: boolean;
    allowOrigins?: string[];
    viewport?: { width: number; height: number };
  }): Promise<{ context: BrowserContext; page: Page }>;
  /**
   * A fresh browser context signed in with `token` (pasted on the sign-in page), then at `path` if
   * given. `allowOrigins`: other origins the test sends the page to (a fake OAuth provider).
   */
  signedIn(
    token: string,
    opts?: { clipboard?: boolean; path?: string; allowOrigins?: string[] },
  ): Promise<Page>;
  /** A GraphQL call that must succeed without userErrors; answers the mutation's payload. */
  gql<TData, TVariables>(
    token: string,
    query: Document<TData, TVariables>,
    variables: TVariables,
  ): Promise<Succeeded<TData>>;
  gql(token: string, query: string, variables?: Record<string, unknown>): Promise<any>;
  close(): Promise<void>;
}

export async function startConsole(overrides: Partial<Config> = {}): Promise<Console> {
  ensureConsoleBuilt();
  const t = await startTestServer('pglite', overrides);
  const base = t.server.url;
  const browser = await launchBrowser();
  const contexts: BrowserContext[] = [];
  const offHost: string[] = [];
  const newPage: Console['newPage'] = async (opts = {}) => {
    const viewport = opts.viewport ?? { width: 1280, height: 900 };
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    if (opts.clipboard)
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    const page = await context.newPage();
    forbidOtherHosts(page, base, offHost, opts.allowOrigins);
    return { context, page };
  };
  return {
    t,
    base,
    browser,
    newPage,
    async signedIn(token, opts = {}) {
      const { page } = await newPage(opts);
      page.setDefaultTimeout(20_000);
      await page.goto(base + '/');
      await page.getByLabel('API token').fill(token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      if (opts.path) await page.goto(base + opts.path);
      return page;
    },
    async gql(token: string, query: string, variables: Record<string, unknown> = {}) {
      const r = await t.gql(query, variables, token);
      expect(r.body.errors).toBeUndefined();
      const payload = Object.values(r.body.data)[0] as any;
      expect(payload?.userErrors ?? []).toEqual([]);
      return payload;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close();
      await t.close();
      expect(offHost, 'requests to other hosts').toEqual([]);
    },
  };
}

/**
 * The enclosing describe's console (startConsole), started before its first test and closed after
 * its last (see forAll): `const c = useConsole();` in place of a `let c` set in `beforeAll`.
 */
export function useConsole(overrides: Partial<Config> = {}): Console {
  return forAll(() => startConsole(overrides), 300_000);
}

/**
 * A fake API (test/executor/fake-api.ts) and a console whose connectors may call it (loopback
 * allowed, one spare VM), for the enclosing describe (see useConsole).
 */
export function useConsoleWithFakeApi() {
  const api = forAll(startFakeApi);
  const c = useConsole({ CONNECTOR_HTTP_ALLOW_LOOPBACK: true, EXECUTOR_SPARE_VMS: 1 });
  return { api, c };
}

/** Replaces the code editor's whole text the way a paste would. */
export async function setCode(page: Page, code: string): Promise<void> {
  await page.getByRole('textbox', { name: /code/i }).click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(code);
}

/** The console's path of a connector's page (or one of its tabs). */
export const connectorPath = (id: string, tab = '') =>
  `/connectors/${encodeURIComponent(id)}${tab ? `/${tab}` : ''}`;
