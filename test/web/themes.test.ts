import { beforeAll, describe, expect, it } from 'vitest';
import { validCode } from '../fixtures/code.js';
import { expectAccessible, screenshot } from './browser.js';
import { connectorPath, useConsole } from './harness.js';
import { CREATE, INSTALL, LINK, RELEASE, SHARE, UPDATE } from '../helpers/documents.js';

// Issue 23, item 11: every page of the console in the dark and the light theme, on a phone and on
// a wide screen: axe finds no serious contrast (or other) violation, and nothing scrolls sideways.
describe('console: every page in both themes at 390 and 1440 px', () => {
  const c = useConsole();
  let token: string;
  const paths: [string, string][] = [];

  beforeAll(async () => {
    token = await c.t.token('themes', 'ADMIN', 'theo');
    const pub = await c.t.token('themes-parent', 'ADMIN', 'pat');
    const code = validCode({ title: 'Themed' });
    const { connector: parent } = await c.gql(pub, CREATE, {
      input: { title: 'Themed', code, description: 'A **connector** for the theme check.' },
    });
    await c.gql(pub, RELEASE, { input: { id: parent.id } });
    await c.gql(pub, SHARE, { input: { id: parent.id } });
    const { token: linkToken } = await c.gql(pub, LINK, { input: { id: parent.id } });
    const { connector: copy } = await c.gql(token, INSTALL, { input: { linkToken } });
    await c.gql(pub, UPDATE, {
      input: {
        id: parent.id,
        code: code.replace("get('/me')", "get('/me/v2')"),
        note: 'new test path',
      },
    });
    await c.gql(pub, RELEASE, { input: { id: parent.id } });
    await c.gql(pub, SHARE, { input: { id: parent.id } });
    paths.push(
      ['connectors', '/connectors'],
      ['new-connector', '/connectors/new'],
      ['copy-code', connectorPath(copy.id)],
      ['copy-versions', connectorPath(copy.id, 'history')],
      ['copy-share', connectorPath(copy.id, 'share')],
      ['copy-test', connectorPath(copy.id, 'test')],
      ['library', '/library'],
      ['notifications', '/notifications'],
      ['webhooks', '/webhooks'],
      ['manifests', '/manifests'],
      ['schema', '/schema'],
    );
  });

  for (const scheme of ['dark', 'light'] as const) {
    for (const width of [390, 1440]) {
      it(`${scheme}, ${width} px`, async () => {
        const page = await c.signedIn(token);
        await page.emulateMedia({ colorScheme: scheme });
        await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
        for (const [name, path] of paths) {
          // Moved to as the console's links do (history.pushState, which the router follows):
          // the page is the one a reload would show, without loading the app and axe again.
          await page.evaluate((to) => {
            history.pushState(null, '', to);
            return new Promise((shown) => requestAnimationFrame(shown));
          }, path);
          await page.waitForURL(c.base + path);
          await page.locator('main h1').first().waitFor();
          await page.waitForFunction(() => !document.querySelector('main .loading'));
          expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(scheme);
          expect
            .soft(
              await page.evaluate(
                () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
              ),
              `sideways scroll on ${name}`,
            )
            .toBe(0);
          if (width === 390) await screenshot(page, `theme-${name}-${width}-${scheme}`);
          await expectAccessible(page, `${name} (${scheme}, ${width} px)`);
          if (scheme === 'dark' && (name === 'copy-code' || name === 'new-connector'))
            await screenshot(page, `theme-${name}-${width}-${scheme}`);
        }
      }, 300_000);
    }
  }
});
