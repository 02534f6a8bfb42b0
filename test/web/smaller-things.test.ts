import type { Request, Response } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createSignInCode } from '../../src/domain/sign-in-links.js';
import { validCode } from '../fixtures/code.js';
import { expectAccessible, screenshot } from './browser.js';
import { connectorPath, setCode, useConsole } from './harness.js';
import { CREATE, INSTALL, LINK, RELEASE, SHARE, UPDATE } from '../helpers/documents.js';

/**
 * Issue 23, item 10 (the smaller things) and the rest of item 8 (messages go when they no longer
 * apply), in Chromium through the UI.
 */
describe('console: smaller things', () => {
  const c = useConsole({ WEBHOOK_ALLOW_HTTP_LOOPBACK: true });

  const code = validCode({ title: 'Small Things' });
  /** Same actions, triggers and fields; only code inside an action differs. */
  const sameShape = code.replace('get("/records", input)', 'get("/records?v=2", input)');

  it('an old version opens on its own page from its row; an unchanged shape is a sentence, not an empty box', async () => {
    const token = await c.t.token('versions-co', 'ADMIN', 'vera');
    const { connector } = await c.gql(token, CREATE, {
      input: { title: 'Small Things', code, note: 'the first' },
    });
    await c.gql(token, UPDATE, {
      input: { id: connector.id, code: sameShape, note: 'the second' },
    });
    const page = await c.signedIn(token, { path: connectorPath(connector.id, 'history') });
    await page.getByRole('link', { name: 'v1, open its code' }).click();
    await page.waitForURL((u) => u.pathname === `${connectorPath(connector.id)}/versions/1`);
    await page.getByRole('heading', { name: /^Version 1/ }).waitFor();
    await page.getByText('“the first”').waitFor();
    await page.getByText('An old version, shown as it was saved.').waitFor();
    const text = await page.getByRole('textbox', { name: 'Code of version 1' }).innerText();
    expect(text).toContain('get("/records", input)');
    expect(text).not.toContain('?v=2');
    // The Versions tab stays the current one.
    expect(
      await page
        .getByRole('navigation', { name: 'Connector sections' })
        .getByRole('link', { name: 'Versions' })
        .getAttribute('aria-current'),
    ).toBe('page');
    await screenshot(page, 'version-page');
    await expectAccessible(page, 'an old version on its own page');
    // A reload lands on the same page (a link can be shared).
    await page.reload();
    await page.getByRole('heading', { name: /^Version 1/ }).waitFor();

    await page.getByRole('link', { name: 'All versions' }).click();
    await page.getByLabel('From').selectOption('1');
    await page.getByLabel('to', { exact: true }).selectOption('2');
    await page.getByRole('button', { name: 'Compare' }).click();
    const summary = page.getByTestId('change-summary');
    await summary.waitFor();
    expect(await summary.innerText()).toBe(
      'No structural change: the same actions, triggers and fields.',
    );
    expect(await summary.evaluate((el) => el.tagName)).toBe('P');
  }, 180_000);

  it('after sharing, no orphan rollout input; the webhook secret has a copy button', async () => {
    const token = await c.t.token('share-co', 'ADMIN', 'sia');
    const { connector } = await c.gql(token, CREATE, { input: { title: 'Shared Once', code } });
    await c.gql(token, RELEASE, { input: { id: connector.id } });
    const page = await c.signedIn(token, {
      clipboard: true,
      path: connectorPath(connector.id, 'share'),
    });
    await page.getByLabel('Offer to (% of installers)').waitFor();
    await page.getByRole('button', { name: 'Share version 1' }).click();
    await page.getByText('Version 1 is shared.').waitFor();
    await page.getByText('Nothing new to share').waitFor();
    expect(await page.getByLabel('Offer to (% of installers)').count()).toBe(0);

    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByLabel('HTTPS endpoint').fill('http://127.0.0.1:9/hooks');
    await page.getByRole('button', { name: 'Register webhook' }).click();
    const region = page.getByRole('region', { name: 'Signing secret' });
    const secret = (await region.locator('.secret').innerText()).trim();
    await region.getByRole('button', { name: 'Copy secret' }).click();
    await region.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await expectAccessible(page, 'the webhook secret with its copy button');
  }, 180_000);

  it('a copy says it must be released; an update in words, not "· none ·"; the Notifications item is marked; a stale "Saved as" goes', async () => {
    const pub = await c.t.token('parent-co', 'ADMIN', 'paula');
    const { connector: parent } = await c.gql(pub, CREATE, {
      input: { title: 'Parent Thing', code, note: 'v1' },
    });
    await c.gql(pub, RELEASE, { input: { id: parent.id } });
    await c.gql(pub, SHARE, { input: { id: parent.id } });
    const ins = await c.t.token('copy-co', 'ADMIN', 'carl');
    const { token: link } = await c.gql(pub, LINK, { input: { id: parent.id } });
    const { connector: copy } = await c.gql(ins, INSTALL, { input: { linkToken: link } });

    const page = await c.signedIn(ins, { path: connectorPath(copy.id) });
    const banner = page.getByRole('region', { name: 'Installed copy' });
    await banner
      .getByText('Not released yet: your workspace cannot use this copy until you release it')
      .waitFor();
    await screenshot(page, 'copy-unreleased');
    await page.getByRole('button', { name: 'Release version 1' }).click();
    await page.getByText('Version 1 is released.').waitFor();
    expect(await page.getByTestId('copy-unreleased').count()).toBe(0);

    // The copy's own edit, saved: "Saved as version 2".
    const edited = `${code}\n# our local note\n`;
    await setCode(page, edited);
    await page.getByRole('button', { name: 'Save as new version' }).click();
    await page.getByText('Saved as version 2.').waitFor();
    // Released v1 is used until v2 is released: the banner says so.
    await banner.getByText('Your workspace uses version 1 until you release version 2.').waitFor();

    // The parent shares a version with the same shape: the update arrives live.
    await c.gql(pub, UPDATE, { input: { id: parent.id, code: sameShape, note: 'v2' } });
    await c.gql(pub, RELEASE, { input: { id: parent.id } });
    await c.gql(pub, SHARE, { input: { id: parent.id } });
    await page.getByTestId('update-banner').waitFor();
    await page.getByRole('button', { name: 'Update from parent' }).click();
    await page.getByRole('heading', { name: /^Version 3/ }).waitFor();
    // "Saved as version 2" no longer applies under "Version 3".
    expect(await page.getByText('Saved as version 2.').count()).toBe(0);

    // The notification of that update, in words.
    await page.getByRole('link', { name: /^Notifications, \d+ unread$/ }).click();
    const list = page.getByRole('list', { name: 'Notifications' });
    await list.getByText('the parent shared version 2').waitFor();
    const words = await list.innerText();
    expect(words).not.toMatch(/· none ·/);
    expect(words).toContain('no structural change: the same actions, triggers and fields.');
    expect(
      await page
        .getByRole('link', { name: /^Notifications, \d+ unread$/ })
        .getAttribute('aria-current'),
    ).toBe('page');
    await screenshot(page, 'notifications-update-words');
    await expectAccessible(page, 'the notifications page');
  }, 240_000);

  it('sign-in hints name the real workspace; a used link says how to get a new one', async () => {
    await c.t.token('hint-co', 'DEVELOPER', 'hugo');
    const context = await c.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    // A fresh tab knows nobody: placeholders, and where the first workspace comes from.
    await page.goto(c.base + '/');
    const hint = page.locator('.hint');
    await hint.getByText('--workspace <workspace> --handle <handle>').first().waitFor();
    expect(await hint.innerText()).not.toContain('acme');
    expect(await hint.innerText()).toContain('made workspace default with the admin admin');

    const { code } = await createSignInCode(c.t.server.registry.db.prisma, {
      workspace: 'hint-co',
      handle: 'hugo',
    });
    await page.goto(`${c.base}/sign-in#code=${code}`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    // Signed out, the hints name this tab's workspace and member.
    await hint
      .getByText('npx connector-registry sign-in-link --workspace hint-co --handle hugo')
      .waitFor();
    // The same link again: refused, saying how to get a new one.
    await page.goto(`${c.base}/sign-in#code=${code}`);
    const alert = page.getByRole('alert');
    await alert.getByText('A sign-in link works once, within 24 hours').waitFor();
    expect(await alert.innerText()).toContain('print one on the server');
    await screenshot(page, 'sign-in-used-link');
    await expectAccessible(page, 'a used sign-in link');
    await context.close();
  }, 120_000);

  it('an earlier import table goes when a new attempt is refused', async () => {
    const alice = await c.t.token('import-co', 'ADMIN', 'ines');
    const { connector } = await c.gql(alice, CREATE, { input: { title: 'Imported', code } });
    await c.gql(alice, RELEASE, { input: { id: connector.id } });
    const manifest = (
      await c.t.gql(
        'query($ids: [ID!]!) { exportManifest(ids: $ids) }',
        { ids: [connector.id] },
        alice,
      )
    ).body.data.exportManifest;
    const bob = await c.t.token('import-target', 'ADMIN', 'igor');
    const page = await c.signedIn(bob, { path: '/manifests' });
    await page.getByLabel('or paste it').fill(JSON.stringify(manifest));
    await page.getByRole('button', { name: 'Preview (dry run)' }).click();
    await page.getByRole('button', { name: 'Import 1 connector' }).click();
    await page.getByRole('table', { name: 'Imported and released' }).waitFor();
    // A new, broken attempt: its error, and no table of the earlier import under it.
    await page.getByLabel('or paste it').fill('{"kind": ');
    await page.getByRole('button', { name: 'Preview (dry run)' }).click();
    // The error stands in the Import section, beside the button that caused it.
    await page
      .getByRole('region', { name: 'Import' })
      .getByRole('alert')
      .filter({ hasText: 'The manifest is not valid JSON.' })
      .waitFor();
    expect(await page.getByRole('table', { name: 'Imported and released' }).count()).toBe(0);
  }, 120_000);
  it("a page opened by its address asks for its query with the viewer's, once, and shows it", async () => {
    const token = await c.t.token('ahead-co', 'ADMIN', 'abe');
    const { connector } = await c.gql(token, CREATE, { input: { title: 'Ahead', code } });
    const page = await c.signedIn(token);
    const operation = (r: Request) => /"operationName":"(\w+)"/.exec(r.postData() ?? '')?.[1];
    const visits: [string, string, () => Promise<unknown>][] = [
      [
        connectorPath(connector.id),
        'ConnectorCodeQuery',
        () => page.getByRole('textbox', { name: /code/i }).waitFor(),
      ],
      [
        connectorPath(connector.id, 'history'),
        'ConnectorHistoryQuery',
        () => page.locator('tr[data-version="1"]').waitFor(),
      ],
      [
        '/connectors',
        'ConnectorsPageQuery',
        () => page.getByRole('link', { name: 'Ahead' }).waitFor(),
      ],
    ];
    for (const [path, query, shown] of visits) {
      const events: string[] = [];
      const sent = (r: Request) => operation(r) && events.push(`sent ${operation(r)}`);
      const answered = (r: Response) =>
        operation(r.request()) && events.push(`answered ${operation(r.request())}`);
      page.on('request', sent);
      page.on('response', answered);
      await page.goto(c.base + path);
      await shown();
      page.off('request', sent);
      page.off('response', answered);
      // Started with the app, not once the shell had its viewer; and the route took it, not asked
      // again; the shell's own reads are not asked twice either.
      for (const once of [query, 'AppViewerQuery', 'NotificationBellQuery'])
        expect(
          events.filter((e) => e === `sent ${once}`),
          `${path}: ${once}`,
        ).toHaveLength(1);
      expect(events.indexOf(`sent ${query}`), path).toBeLessThan(
        events.indexOf('answered AppViewerQuery'),
      );
    }
    // A malformed address loads nothing ahead: the shell shows, and the page says what is wrong.
    await page.goto(`${c.base}/connectors/%E0`);
    await page.getByRole('alert').filter({ hasText: 'URI malformed' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  }, 120_000);
});
