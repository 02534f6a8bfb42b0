import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's chromium package, driven by playwright-core (no browser download). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Where the browser tests put their screenshots (the README shows some of them). */
export const SCREENSHOTS = new URL('./screenshots/', import.meta.url).pathname;

/** Builds the console when its sources changed since the last build (as `npm start` does). */
export function ensureConsoleBuilt(): void {
  execFileSync(process.execPath, ['scripts/console-build.mjs', '--if-stale'], { stdio: 'inherit', timeout: 300_000 });
}

/**
 * A headless Chromium with a fresh, empty profile (Playwright gives each launch its own temporary
 * user-data-dir). Fails, rather than skips, when the browser is missing, saying what to install.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM}. Install Debian's package: \`sudo apt-get update && sudo apt-get install -y chromium\` ` +
        '(or set CHROMIUM_PATH to a Chromium binary). .ci/run installs it.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core on the page as it is now; serious and critical violations fail the test. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  // Evaluated through the debugging protocol: the console's CSP rightly refuses injected <script>s.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
      .map((v: any) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n: any) => n.target.join(' ')).join(', ')}`);
  });
  expect(violations, `accessibility of ${what}`).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Fails the test on any request to another host: the console must work offline. */
export function forbidOtherHosts(page: Page, origin: string, seen: string[]): void {
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) seen.push(url);
  });
}
