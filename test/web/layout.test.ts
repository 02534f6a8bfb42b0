import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { validCode } from '../fixtures/code.js';
import { expectAccessible, screenshot } from './browser.js';
import { connectorPath, useConsole } from './harness.js';
import { CREATE, RELEASE, UPDATE } from '../helpers/documents.js';

// Issue 23, item 11: the console on a phone (390 px) and on a wide screen (1280, 1440 px), in the
// light and the dark theme: a short header, no sideways scrolling, a unified diff on narrow
// screens, dark colours for the page, the editor and the diff, and axe clean in both themes.
describe('console: layout at 390 and 1440 px, light and dark', () => {
  const c = useConsole();
  let token: string;
  let id: string;

  beforeAll(async () => {
    token = await c.t.token('layout-and-themes', 'ADMIN', 'alexandra');
    const { connector } = await c.gql(token, CREATE, {
      input: {
        title: 'Layout check',
        code: validCode({ title: 'Layout check' }),
        note: 'first version of the layout check',
      },
    });
    id = connector.id;
    await c.gql(token, RELEASE, { input: { id } });
    await c.gql(token, UPDATE, {
      input: {
        id,
        code: validCode({
          title: 'Layout check',
          actions: ['search_records'],
          trigger: 'updated_record',
        }),
        note: 'drop create, rename the trigger',
      },
    });
  });

  const headerHeight = (page: Page) =>
    page.locator('header.top').evaluate((el) => el.getBoundingClientRect().height);
  const sideways = (page: Page) =>
    page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
  const background = (page: Page, selector: string) =>
    page
      .locator(selector)
      .first()
      .evaluate((el) => getComputedStyle(el).backgroundColor);
  /** Relative luminance of an `rgb(…)` colour, 0 (black) to 1 (white). */
  const luminance = (rgb: string) => {
    const [r, g, b] = rgb
      .match(/\d+(\.\d+)?/g)!
      .slice(0, 3)
      .map((v) => Number(v) / 255)
      .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };

  async function compare(page: Page) {
    await page.goto(c.base + connectorPath(id, 'history'));
    await page.getByLabel('From').selectOption('1');
    await page.getByLabel('to', { exact: true }).selectOption('2');
    await page.getByRole('button', { name: 'Compare' }).click();
    await page.getByTestId('diff-view').locator('.cm-editor').first().waitFor();
  }

  for (const scheme of ['light', 'dark'] as const) {
    it(`at 390 px (${scheme}): a short header, versions without sideways scrolling, a unified diff`, async () => {
      const page = await c.signedIn(token);
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(c.base + connectorPath(id));
      await page.getByRole('heading', { name: /^Version 2/ }).waitFor();
      await page.locator('.cm-content').first().waitFor();
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(scheme);
      expect(await headerHeight(page)).toBeLessThanOrEqual(844 / 5);
      expect(await sideways(page)).toBe(0);
      await screenshot(page, `layout-390-code-${scheme}`);
      await expectAccessible(page, `the code tab at 390 px (${scheme})`);

      await compare(page);
      // One unified text, not two columns.
      expect(await page.getByTestId('diff-view').locator('.cm-mergeView').count()).toBe(0);
      await page
        .getByTestId('diff-view')
        .locator('.cm-deletedChunk, .cm-changedLine')
        .first()
        .waitFor();
      expect(
        await page.locator('table[aria-label="Versions"] tr[data-version="2"]').isVisible(),
      ).toBe(true);
      expect(await sideways(page)).toBe(0);
      await screenshot(page, `layout-390-versions-${scheme}`);
      await expectAccessible(page, `the versions tab at 390 px (${scheme})`);
    }, 180_000);

    it(`at 1440 and 1280 px (${scheme}): a one-line header, a side-by-side diff, the theme in the editor`, async () => {
      const page = await c.signedIn(token);
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.goto(c.base + connectorPath(id));
      await page.locator('.cm-content').first().waitFor();
      const editorBg = luminance(await background(page, '.cm-editor'));
      const pageBg = luminance(
        await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor),
      );
      if (scheme === 'dark') {
        expect(pageBg).toBeLessThan(0.05);
        expect(editorBg).toBeLessThan(0.05);
      } else {
        expect(pageBg).toBeGreaterThan(0.9);
        expect(editorBg).toBeGreaterThan(0.9);
      }
      await screenshot(page, `layout-1440-code-${scheme}`);
      await expectAccessible(page, `the code tab at 1440 px (${scheme})`);
      await compare(page);
      await page.getByTestId('diff-view').locator('.cm-mergeView').waitFor();
      expect(luminance(await background(page, '.cm-mergeView .cm-editor')) < 0.05).toBe(
        scheme === 'dark',
      );
      await screenshot(page, `layout-1440-versions-${scheme}`);
      await expectAccessible(page, `the versions tab at 1440 px (${scheme})`);
      // At 1280 px the header stays on one line: every item sits on the brand's row.
      await page.setViewportSize({ width: 1280, height: 900 });
      const rows = await page.locator('header.top').evaluate((header) => {
        const items = [
          header.querySelector('.brand')!,
          ...header.querySelectorAll('nav a'),
          ...header.querySelectorAll('.who button'),
        ];
        const top = header.querySelector('.brand')!.getBoundingClientRect();
        return items.map((el) => {
          const r = el.getBoundingClientRect();
          return r.top < top.bottom && r.bottom > top.top && r.right <= window.innerWidth;
        });
      });
      expect(rows.every(Boolean)).toBe(true);
      // …and nothing overlaps: the navigation ends before the signed-in person's part begins.
      const [navEnd, whoStart] = await page
        .locator('header.top')
        .evaluate((header) => [
          Math.max(
            ...[...header.querySelectorAll('nav a')].map((a) => a.getBoundingClientRect().right),
          ),
          header.querySelector('.who')!.getBoundingClientRect().left,
        ]);
      expect(navEnd).toBeLessThanOrEqual(whoStart);
      expect(await headerHeight(page)).toBeLessThan(64);
    }, 180_000);
  }

  it('the theme picker says which theme it is, overrides the system preference, and the choice stays', async () => {
    const page = await c.signedIn(token, { path: connectorPath(id) });
    await page.emulateMedia({ colorScheme: 'light' });
    // A labelled choice whose shown value says what it is, not a "Dark" button that reads the same
    // whether it is on or off.
    const picker = page.getByRole('combobox', { name: 'Theme' });
    const shown = () =>
      picker.evaluate((el: HTMLSelectElement) => el.selectedOptions[0]?.textContent ?? '');
    expect(await shown()).toBe('Theme: system');
    await picker.selectOption('dark');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await shown()).toBe('Theme: dark');
    await page.reload();
    await page.locator('.cm-content').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await shown()).toBe('Theme: dark');
    expect(luminance(await background(page, '.cm-editor'))).toBeLessThan(0.05);
    await page.getByRole('combobox', { name: 'Theme' }).selectOption('light');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    // Back to the system's preference: it follows the system again.
    await page.getByRole('combobox', { name: 'Theme' }).selectOption('system');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect
      .poll(() => page.evaluate(() => document.documentElement.dataset.theme))
      .toBe('dark');
    expect(await shown()).toBe('Theme: system');
  }, 120_000);
});
