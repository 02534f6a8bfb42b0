import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { ARGS, CHROMIUM } from './chromium-args.js';

/**
 * Where the browser tests put their screenshots: test/web/screenshots/latest/ (ignored by git), so
 * a test run leaves the tracked tree alone. `npm run screenshots` sets SCREENSHOTS_DIR to
 * test/web/screenshots/ and runs the browser tests: the pictures the docs show, made on purpose.
 */
export const SCREENSHOTS = process.env.SCREENSHOTS_DIR
  ? join(process.env.SCREENSHOTS_DIR, '/')
  : new URL('./screenshots/latest/', import.meta.url).pathname;

/** Builds the console when its sources changed since the last build (as `npm start` does). */
export function ensureConsoleBuilt(): void {
  execFileSync(process.execPath, ['scripts/console-build.mjs', '--if-stale'], {
    stdio: 'inherit',
    timeout: 300_000,
  });
}

let shared: Promise<Browser> | undefined;

/**
 * This test worker's one headless Chromium, launched on first use (Playwright gives the launch its
 * own temporary user-data-dir; every context in it starts empty, as a new profile would). Files
 * run one after another in a worker (isolate: false), so they share it instead of paying a launch
 * each. Playwright closes it when the worker process ends.
 */
export function sharedBrowser(): Promise<Browser> {
  shared ??= startChromium().then((browser) => {
    browser.on('disconnected', () => (shared = undefined));
    return browser;
  });
  shared.catch(() => (shared = undefined));
  return shared;
}

/**
 * A Chromium for one test file: a handle on the worker's shared browser (sharedBrowser) whose
 * contexts (and pages) are the file's own, each with a fresh, empty profile; `close()` closes
 * those and leaves the browser to the next file. Fails, rather than skips, when the browser is
 * missing, saying what to install.
 */
export async function launchBrowser(): Promise<Browser> {
  const browser = await sharedBrowser();
  const mine = new Set<BrowserContext>();
  const own = (context: BrowserContext) => {
    mine.add(context);
    context.once('close', () => mine.delete(context));
    return context;
  };
  return new Proxy(browser, {
    get(target, prop) {
      if (prop === 'newContext')
        return async (...args: Parameters<Browser['newContext']>) =>
          own(await target.newContext(...args));
      if (prop === 'newPage')
        return async (...args: Parameters<Browser['newPage']>) => {
          const page = await target.newPage(...args);
          own(page.context());
          return page;
        };
      if (prop === 'contexts') return () => [...mine];
      if (prop === 'close')
        return async () =>
          void (await Promise.all([...mine].map((c) => c.close().catch(() => {}))));
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function startChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM}. Install Debian's package: \`sudo apt-get update && sudo apt-get install -y chromium\` ` +
        '(or set CHROMIUM_PATH to a Chromium binary). .ci/run installs it.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/** Runs axe-core on the page as it is now; serious and critical violations fail the test. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  // Evaluated through the debugging protocol: the console's CSP rightly refuses injected <script>s.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v: any) =>
          `${v.id} (${v.impact}): ${v.help} — ${v.nodes
            .slice(0, 3)
            .map((n: any) => n.target.join(' '))
            .join(', ')}`,
      );
  });
  expect(violations, `accessibility of ${what}`).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Fails the test on any request to another host: the console must work offline. */
export function forbidOtherHosts(
  page: Page,
  origin: string,
  seen: string[],
  alsoAllowed: string[] = [],
): void {
  page.on('request', (req) => {
    const url = req.url();
    if (
      !url.startsWith(origin) &&
      !url.startsWith('data:') &&
      !url.startsWith('blob:') &&
      !alsoAllowed.some((o) => url.startsWith(`${o}/`))
    )
      seen.push(url);
  });
}
