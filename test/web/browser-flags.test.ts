import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedBrowser } from './browser.js';
import { OMNIBOX_POPUP_FEATURES } from './chromium-args.js';

// The test browser's flags (test/web/chromium-args.ts) do what they say: Chromium reads only the
// last --disable-features, so ours must carry every feature the flags before it turn off; and a
// new context (a new window in headless mode) builds no omnibox popup.

/** The command lines (arguments) of the Chromium browser processes running now (not their children). */
function browserCommandLines(): string[][] {
  const lines: string[][] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (
        /chrom/.test(args[0]) &&
        args.includes('--remote-debugging-pipe') &&
        !args.some((a) => a.startsWith('--type='))
      )
        lines.push(args);
    } catch {
      // gone, or not ours to read
    }
  }
  return lines;
}

const features = (arg: string) => arg.slice('--disable-features='.length).split(',');

describe('the test browser', () => {
  it("turns off playwright-core's features as well as ours (Chromium reads only the last --disable-features)", async () => {
    await sharedBrowser();
    const lines = browserCommandLines();
    expect(lines.length).toBeGreaterThan(0);
    for (const args of lines) {
      const lists = args.filter((a) => a.startsWith('--disable-features='));
      expect(lists.length, 'playwright-core passes a list of its own').toBeGreaterThan(1);
      const last = features(lists.at(-1)!);
      for (const earlier of lists.slice(0, -1))
        expect(last).toEqual(expect.arrayContaining(features(earlier)));
      expect(last).toEqual(expect.arrayContaining(OMNIBOX_POPUP_FEATURES));
    }
  });

  it('builds no omnibox popup for a new context', async () => {
    const browser = await sharedBrowser();
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto('about:blank');
      const cdp = await browser.newBrowserCDPSession();
      const { targetInfos } = await cdp.send('Target.getTargets');
      await cdp.detach();
      expect(targetInfos.map((t) => t.url).filter((url) => url.startsWith('chrome://'))).toEqual(
        [],
      );
      expect(targetInfos.some((t) => t.type === 'page')).toBe(true);
    } finally {
      await context.close();
    }
  });
});
