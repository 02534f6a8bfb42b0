import { createHmac } from 'node:crypto';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { crc32, deflateSync } from 'node:zlib';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validCode } from '../fixtures/code.js';
import { expectAccessible, screenshot } from './browser.js';
import { setCode, useConsole } from './harness.js';
import { CREATE, INSTALL, LINK, RELEASE, SHARE, UPDATE } from '../helpers/documents.js';
import { webhookReceiver } from '../helpers/webhook-receiver.js';

/** A 16×16 PNG of one colour: signature, IHDR, one deflated IDAT, IEND. */
function pngOf(rgb: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(16, 0);
  ihdr.writeUInt32BE(16, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([
    Buffer.from([0]),
    Buffer.from(Array.from({ length: 16 }, () => rgb).flat()),
  ]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: 16 }, () => row)));
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// Workspace tools in a real Chromium, through the UI: logo upload, webhooks and their deliveries,
// manifest export and import (dry run first), the schema generator, live notifications, keyboard use.
describe('console: logos and search, webhooks, manifests, schema generator, notifications, keyboard use', () => {
  const c = useConsole({ WEBHOOK_ALLOW_HTTP_LOOPBACK: true, WEBHOOK_RETRY_BASE_MS: 100 });
  const files = mkdtempSync(join(tmpdir(), 'console-tools-'));

  it('uploads a logo on create; the list and the page show it', async () => {
    const page = await c.signedIn(await c.t.token('logo-co', 'ADMIN', 'lena'));
    await page.getByRole('link', { name: 'New connector' }).click();
    await page.getByLabel('Title').fill('Pictured');
    const logo = join(files, 'logo.png');
    writeFileSync(logo, pngOf([230, 120, 20]));
    await page.getByLabel(/^Logo/).setInputFiles(logo);
    await page.getByRole('img', { name: 'Logo preview' }).waitFor();
    await setCode(page, validCode({ title: 'Pictured' }));
    await page.getByRole('button', { name: 'Create connector' }).click();
    await page.getByRole('heading', { name: 'Pictured' }).waitFor();
    const onPage = page.getByRole('img', { name: 'Pictured logo' });
    await expect
      .poll(() => onPage.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBe(16);
    await page.getByRole('link', { name: 'Connectors', exact: true }).click();
    const inList = page
      .getByRole('row', { name: /Pictured/ })
      .getByRole('img', { name: 'Pictured logo' });
    await inList.waitFor();
    // Served by the gateway (same origin, content-addressed) and allowed by the console's CSP.
    expect(await inList.getAttribute('src')).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/logos\/[0-9a-f]{64}\.png$/,
    );
    await expect
      .poll(() => inList.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBe(16);
    // Search by title narrows the list.
    await c.gql(await c.t.token('logo-co', 'ADMIN', 'lena'), CREATE, {
      input: { title: 'Plain', code: validCode({ title: 'Plain' }) },
    });
    await page.reload();
    await page.getByRole('status').filter({ hasText: '2 connectors' }).waitFor();
    await page.getByLabel('Search by title').fill('pICT'); // any case
    await page.getByRole('status').filter({ hasText: '1 connector' }).waitFor();
    await expect.poll(() => page.getByRole('link', { name: 'Plain' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Pictured' }).isVisible()).toBe(true);
    await screenshot(page, 'connectors-with-logo');
    await expectAccessible(page, 'the connectors list with a logo');
  }, 120_000);

  it('registers a webhook to a local receiver and shows its deliveries, retries included', async () => {
    const rx = await webhookReceiver(1);
    try {
      const token = await c.t.token('hooked', 'ADMIN', 'hana');
      const page = await c.signedIn(token);
      await page.getByRole('link', { name: 'Webhooks' }).click();
      await page.getByText('No webhooks.').waitFor();
      await page.getByLabel('HTTPS endpoint').fill(rx.url);
      await page.getByRole('checkbox', { name: 'version.created' }).check();
      await page.getByRole('checkbox', { name: 'version.shared' }).uncheck();
      await page.getByRole('button', { name: 'Register webhook' }).click();
      const secret = (await page
        .getByRole('region', { name: 'Signing secret' })
        .locator('.secret')
        .textContent())!.trim();
      expect(secret).toMatch(/^whsec_/);
      await page.getByRole('heading', { name: rx.url }).waitFor();
      expect(
        await page
          .getByText('version.released, version.created')
          .or(page.getByText('version.created, version.released'))
          .isVisible(),
      ).toBe(true);
      await page.getByText('No deliveries yet.').waitFor();
      await expectAccessible(page, 'the webhooks page');

      await c.gql(token, CREATE, {
        input: { title: 'Hooked', code: validCode({ title: 'Hooked' }) },
      });
      // The receiver refused the first attempt; the registry tried again.
      await expect.poll(() => rx.received.length, { timeout: 15_000 }).toBe(2);
      const last = rx.received[1];
      expect(last.headers['x-registry-signature']).toBe(
        'sha256=' +
          createHmac('sha256', secret)
            .update(`${last.headers['x-registry-timestamp']}.${last.body}`)
            .digest('hex'),
      );

      // The page follows the deliveries by itself (no reload): the log appears and settles.
      const deliveries = page.getByRole('table', { name: `Deliveries to ${rx.url}` });
      await page.getByText(/refreshed every 10 seconds while this page is open/).waitFor();
      await deliveries.waitFor({ timeout: 30_000 });
      await expect
        .poll(() => deliveries.getByRole('row').nth(1).innerText(), { timeout: 30_000 })
        .toMatch(/version\.created\s+delivered\s+2\s+204/);

      // Refresh reads them again at once: a release is delivered, and shows without waiting for the timer.
      const [{ id }] = (await c.t.gql('{ connectors(first: 1) { nodes { id } } }', {}, token)).body
        .data.connectors.nodes;
      await c.gql(token, RELEASE, { input: { id } });
      const DELIVERIES =
        '{ webhooks(first: 1) { nodes { deliveries(first: 5) { nodes { event status } } } } }';
      const releasedStatus = async () =>
        (await c.t.gql(DELIVERIES, {}, token)).body.data.webhooks.nodes[0].deliveries.nodes.find(
          (d: { event: string }) => d.event === 'VERSION_RELEASED',
        )?.status;
      await expect.poll(releasedStatus, { timeout: 15_000 }).toBe('DELIVERED');
      await page.getByRole('button', { name: 'Refresh' }).click();
      await expect
        .poll(() => deliveries.getByRole('row').allInnerTexts(), { timeout: 5_000 })
        .toContainEqual(expect.stringMatching(/version\.released\s+delivered\s+1\s+204/));
      await screenshot(page, 'webhooks');
      await expectAccessible(page, 'the webhooks page with deliveries');

      // A target inside the network is refused in words and not registered.
      await page.getByLabel('HTTPS endpoint').fill('https://10.0.0.7/hooks');
      await page.getByRole('button', { name: 'Register webhook' }).click();
      await page.getByRole('alert').filter({ hasText: 'public addresses' }).waitFor();
      expect(await page.getByRole('heading', { name: 'https://10.0.0.7/hooks' }).count()).toBe(0);
    } finally {
      await rx.close();
    }
  }, 120_000);

  it('exports released connectors to a file and imports it elsewhere after a dry run', async () => {
    const alice = await c.t.token('exporter', 'ADMIN', 'alice');
    for (const title of ['Alpha CRM', 'Beta Mail']) {
      const { connector } = await c.gql(alice, CREATE, {
        input: { title, code: validCode({ title }), description: `The ${title} connector.` },
      });
      await c.gql(alice, RELEASE, { input: { id: connector.id } });
    }
    await c.gql(alice, CREATE, {
      input: { title: 'Draft only', code: validCode({ title: 'Draft only' }) },
    });

    const page = await c.signedIn(alice);
    await page.getByRole('link', { name: 'Manifests' }).click();
    const released = page.getByRole('group', { name: 'Released connectors' });
    await released.getByRole('checkbox', { name: 'Alpha CRM (v1)' }).check();
    await released.getByRole('checkbox', { name: 'Beta Mail (v1)' }).check();
    // Only released code leaves the workspace.
    expect(await released.getByText('Draft only').count()).toBe(0);
    await expectAccessible(page, 'the manifests page');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download manifest' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('manifest-exporter.json');
    const file = join(files, download.suggestedFilename());
    await download.saveAs(file);
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    expect(manifest.connectors.map((x: any) => x.title).sort()).toEqual(['Alpha CRM', 'Beta Mail']);

    const bobToken = await c.t.token('importer', 'ADMIN', 'bob');
    const bob = await c.signedIn(bobToken);
    await bob.getByText('No connectors yet.').waitFor();
    await bob.getByRole('link', { name: 'Manifests' }).click();
    // A broken manifest is refused in words.
    await bob.getByLabel('or paste it').fill('{"kind": ');
    await bob.getByRole('button', { name: 'Preview (dry run)' }).click();
    await bob.getByRole('alert').filter({ hasText: 'The manifest is not valid JSON.' }).waitFor();

    await bob.getByLabel('Manifest file').setInputFiles(file);
    await expect
      .poll(() => bob.getByLabel('or paste it').inputValue())
      .toContain('connector-registry.manifest');
    expect(await bob.getByRole('button', { name: /^Import/ }).isDisabled()).toBe(true);
    await bob.getByRole('button', { name: 'Preview (dry run)' }).click();
    const plan = bob.getByRole('table', { name: 'Dry run: nothing written yet' });
    await plan.waitFor();
    expect(await plan.getByRole('row', { name: /Alpha CRM/ }).innerText()).toMatch(
      /Alpha CRM\s+create\s+v1/,
    );
    expect(await plan.getByRole('row', { name: /Beta Mail/ }).innerText()).toMatch(
      /Beta Mail\s+create\s+v1/,
    );
    await screenshot(bob, 'manifest-dry-run');
    await expectAccessible(bob, 'a manifest dry run');
    // Nothing was written by the preview.
    const count = async () =>
      (await c.t.gql('{ connectors(first: 10) { totalCount } }', {}, bobToken)).body.data.connectors
        .totalCount;
    expect(await count()).toBe(0);

    await bob.getByRole('button', { name: 'Import 2 connectors' }).click();
    const done = bob.getByRole('table', { name: 'Imported and released' });
    await done.waitFor();
    expect(await done.getByRole('row', { name: /Alpha CRM/ }).innerText()).toMatch(
      /Alpha CRM\s+create\s+v1/,
    );
    expect(await bob.getByRole('table', { name: 'Dry run: nothing written yet' }).count()).toBe(0);
    await expectAccessible(bob, 'a finished manifest import');
    expect(await count()).toBe(2);
    await bob.getByRole('link', { name: 'Connectors', exact: true }).click();
    const row = bob.getByRole('row', { name: /Alpha CRM/ });
    await row.waitFor();
    // Imported connectors arrive released.
    expect(await row.innerText()).toMatch(/v1\s+v1/);
  }, 180_000);

  it('generates a schema from pasted JSON and from an uploaded CSV with its separator, and copies it', async () => {
    const page = await c.signedIn(await c.t.token('schema-co', 'DEVELOPER', 'sam'), {
      clipboard: true,
    });
    await page.getByRole('link', { name: 'Schema generator' }).click();
    await page.getByLabel('Sample', { exact: true }).fill(
      JSON.stringify({
        id: 42,
        email: 'a@example.com',
        active: true,
        tags: ['x'],
        address: { city: 'Oslo' },
      }),
    );
    await page.getByRole('button', { name: 'Generate schema' }).click();
    const fields = page.getByRole('table', { name: 'Generated fields' });
    await fields.waitFor();
    const rows = async () =>
      (await fields.getByRole('row').allInnerTexts())
        .slice(1)
        .map((r) => r.split('\t').map((s) => s.trim()));
    expect(await rows()).toEqual([
      ['id', 'ID', 'integer', 'no'],
      ['email', 'Email', 'string', 'no'],
      ['active', 'Active', 'boolean', 'no'],
      ['tags', 'Tags', 'array of string', 'no'],
      ['address', 'Address', 'object', 'no'],
      ['address.city', 'City', 'string', 'no'],
    ]);
    await page.getByRole('button', { name: 'Copy schema' }).click();
    await page.getByRole('status').filter({ hasText: 'Copied.' }).waitFor();
    const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
    expect(copied).toEqual(JSON.parse((await page.getByLabel('Schema JSON').textContent())!));
    expect(copied.map((f: any) => f.name)).toEqual(['id', 'email', 'active', 'tags', 'address']);
    await screenshot(page, 'schema-generator');
    await expectAccessible(page, 'the schema generator');

    // A semicolon CSV, uploaded; read with commas it is one column, with semicolons three.
    const csv = join(files, 'people.csv');
    writeFileSync(csv, 'name;age;joined\nAda;36;2024-01-02\nBob;;2023-12-31\n');
    await page.getByLabel('Sample format').selectOption('CSV');
    await page.getByLabel('or upload').setInputFiles(csv);
    await expect
      .poll(() => page.getByLabel('Sample', { exact: true }).inputValue())
      .toContain('Ada;36');
    await page.getByRole('button', { name: 'Generate schema' }).click();
    await expect.poll(async () => (await rows()).map((r) => r[0])).toEqual(['name;age;joined']);
    await page.getByLabel('Separator').selectOption('SEMICOLON');
    await page.getByRole('button', { name: 'Generate schema' }).click();
    await expect
      .poll(async () => (await rows()).map((r) => r[0]))
      .toEqual(['name', 'age', 'joined']);
    expect(await rows()).toEqual([
      ['name', 'Name', 'string', 'no'],
      ['age', 'Age', 'integer', 'no'],
      ['joined', 'Joined', 'date', 'no'],
    ]);

    // A sample that cannot be read is refused in words, with where.
    await page.getByLabel('Sample format').selectOption('JSON');
    await page.getByLabel('Sample', { exact: true }).fill('{"a": 1,,}');
    await page.getByRole('button', { name: 'Generate schema' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /line 1/ })
      .waitFor();
  }, 120_000);

  it('a notification arrives live with the unread count; marking it read clears the count', async () => {
    const pub = await c.t.token('notify-pub', 'ADMIN', 'paula');
    const inst = await c.t.token('notify-inst', 'ADMIN', 'ivan');
    const code = validCode({ title: 'Noisy' });
    const { connector: parent } = await c.gql(pub, CREATE, { input: { title: 'Noisy', code } });
    await c.gql(pub, RELEASE, { input: { id: parent.id } });
    await c.gql(pub, SHARE, { input: { id: parent.id } });
    const { token: linkToken } = await c.gql(pub, LINK, { input: { id: parent.id } });
    await c.gql(inst, INSTALL, { input: { linkToken } });

    const page = await c.signedIn(inst);
    await page.getByRole('link', { name: 'Notifications, 0 unread' }).click();
    await page.getByText('No notifications.').waitFor();
    await expectAccessible(page, 'an empty notifications page');

    // The publisher shares version 2 (with a note); the installer's page is not reloaded.
    await c.gql(pub, UPDATE, {
      input: {
        id: parent.id,
        code: validCode({ title: 'Noisy', actions: ['search_records'] }),
        note: 'drop create_record',
      },
    });
    await c.gql(pub, RELEASE, { input: { id: parent.id } });
    await c.gql(pub, SHARE, { input: { id: parent.id } });
    await page.getByRole('link', { name: 'Notifications, 1 unread' }).waitFor();
    const item = page.getByRole('listitem').filter({ hasText: 'Noisy' });
    await item.waitFor();
    expect(await item.innerText()).toMatch(
      /new\s+Noisy: the parent shared version 2 \(“drop create_record”\) — a breaking change for your copy\./,
    );
    await screenshot(page, 'notifications');
    await expectAccessible(page, 'the notifications page');

    await item.getByRole('button', { name: 'Mark read' }).click();
    await page.getByRole('link', { name: 'Notifications, 0 unread' }).waitFor();
    await expect.poll(() => item.getByRole('button', { name: 'Mark read' }).count()).toBe(0);
    expect(await item.getByText('new').count()).toBe(0);
    // Read is remembered by the server, not just the page.
    await page.reload();
    await page.getByRole('link', { name: 'Notifications, 0 unread' }).waitFor();
    await page.getByRole('listitem').filter({ hasText: 'Noisy' }).waitFor();
    expect(await page.getByRole('button', { name: /Mark (all )?read/ }).count()).toBe(0);
    // Two more arrive (version 3, then 4): "Mark all read" clears them at once.
    for (const [actions, note] of [
      [['search_records', 'export_records'], 'export'],
      [['search_records', 'export_records', 'create_record'], 'create again'],
    ] as const) {
      await c.gql(pub, UPDATE, {
        input: { id: parent.id, code: validCode({ title: 'Noisy', actions: [...actions] }), note },
      });
      await c.gql(pub, RELEASE, { input: { id: parent.id } });
      await c.gql(pub, SHARE, { input: { id: parent.id } });
    }
    await page.getByRole('link', { name: 'Notifications, 2 unread' }).waitFor();
    await expect.poll(() => page.getByRole('button', { name: 'Mark read' }).count()).toBe(2);
    await page.getByRole('button', { name: 'Mark all read' }).click();
    await page.getByRole('link', { name: 'Notifications, 0 unread' }).waitFor();
    await expect.poll(() => page.getByRole('button', { name: /Mark (all )?read/ }).count()).toBe(0);
    expect(await page.getByRole('listitem').filter({ hasText: 'Noisy' }).count()).toBe(3);
    // The copy's page offers the update the notification was about.
    await page.getByRole('link', { name: 'Noisy' }).first().click();
    await page.getByTestId('update-banner').filter({ hasText: 'version 4' }).waitFor();
  }, 120_000);

  it('an OPERATOR is offered neither webhook changes nor manifest export or import (a manifest carries code)', async () => {
    const admin = await c.t.token('ops-co', 'ADMIN', 'ada');
    const { connector } = await c.gql(admin, CREATE, {
      input: { title: 'Ops visible', code: validCode({ title: 'Ops visible' }) },
    });
    await c.gql(admin, RELEASE, { input: { id: connector.id } });
    await c.gql(
      admin,
      'mutation($input: RegisterWebhookInput!) { registerWebhook(input: $input) { secret userErrors { code message } } }',
      {
        input: { url: 'https://hooks.example.com/registry', events: ['VERSION_RELEASED'] },
      },
    );
    const page = await c.signedIn(await c.t.token('ops-co', 'OPERATOR', 'olga'));
    await page.getByRole('link', { name: 'Webhooks' }).click();
    // Its target is not shown to an operator (a URL may carry a secret), and the page says so.
    await page.getByRole('heading', { name: 'Endpoint not shown to your role' }).waitFor();
    expect(await page.getByText('hooks.example.com').count()).toBe(0);
    expect(await page.getByText('version.released · since').isVisible()).toBe(true);
    expect(await page.getByLabel('HTTPS endpoint').count()).toBe(0);
    for (const name of ['Register webhook', 'Remove'])
      expect(await page.getByRole('button', { name }).count()).toBe(0);
    await expectAccessible(page, "an operator's webhooks page");

    await page.getByRole('link', { name: 'Manifests' }).click();
    await page.getByRole('heading', { name: 'Manifests' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Import' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Download manifest' }).count()).toBe(0);
    expect(await page.getByRole('checkbox', { name: /Ops visible/ }).count()).toBe(0);
    await page.getByText('Your role cannot export manifests: they carry connector code.').waitFor();
    await expectAccessible(page, "an operator's manifests page");
  }, 120_000);

  it("a platform reviewer's menu offers only what a reviewer may use", async () => {
    const page = await c.signedIn(await c.t.reviewerToken('rhea'));
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Review queue' }).waitFor();
    // By their names (the shown text of some is shortened at mid widths).
    const names = await nav
      .locator('a')
      .evaluateAll((links) =>
        links.map((a) => (a.getAttribute('aria-label') ?? a.textContent ?? '').trim()),
      );
    expect(names).toEqual([
      'Community library',
      expect.stringMatching(/^Review queue, \d+ pending$/),
    ]);
    await expectAccessible(page, "a reviewer's start page");
    // The generator typed in by hand refuses in words, not with a blank page.
    await page.goto(c.base + '/schema');
    await page.getByLabel('Sample', { exact: true }).fill('{"a": 1}');
    await page.getByRole('button', { name: 'Generate schema' }).click();
    await page.getByRole('alert').filter({ hasText: 'Reviewers act outside workspaces' }).waitFor();
  }, 60_000);

  it('works with the keyboard alone: sign in, skip link, create a connector (Escape then Tab leaves the editor), switch tabs', async () => {
    const token = await c.t.token('keys', 'ADMIN', 'kim');
    const context = await c.browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      /** The accessible name of what has focus, roughly (aria-label, else its label, else its text). */
      const focused = () =>
        page.evaluate(() => {
          const e = document.activeElement as HTMLElement & {
            labels?: NodeListOf<HTMLLabelElement>;
          };
          if (!e || e === document.body) return '';
          return (
            e.getAttribute('aria-label') ??
            e.labels?.[0]?.textContent ??
            e.textContent ??
            ''
          ).trim();
        });
      /** Presses Tab until the focused element is `name`; fails when it never gets there. */
      const tabTo = async (name: string, max = 40) => {
        for (let i = 0; i < max; i++) {
          await page.keyboard.press('Tab');
          if ((await focused()) === name) return;
        }
        throw new Error(`Tab never reached "${name}"`);
      };
      await page.goto(c.base + '/');
      await page.getByLabel('API token').waitFor();
      await tabTo('API token');
      await page.keyboard.type(token);
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      // The page a keyboard user lands on has shown (its query loads at the route): Tab goes
      // through what is on the page, and under load the list can show after 40 Tabs.
      await page.getByRole('link', { name: 'New connector' }).waitFor();

      // The first Tab reaches the skip link, shown while focused; Enter moves focus to the content.
      await page.keyboard.press('Tab');
      expect(await focused()).toBe('Skip to content');
      const skip = page.getByRole('link', { name: 'Skip to content' });
      expect(await skip.evaluate((el) => el.getBoundingClientRect().left >= 0)).toBe(true);
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');

      await tabTo('New connector');
      // The focus is visible.
      expect(
        await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle),
      ).not.toBe('none');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'New connector' }).waitFor();
      await tabTo('Title');
      await page.keyboard.type('Keyed');
      await tabTo('Connector code');
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText(validCode({ title: 'Keyed' }));
      // Tab indents inside the editor; Escape then Tab moves on.
      await page.keyboard.press('Tab');
      expect(await focused()).toBe('Connector code');
      await page.keyboard.press('Escape');
      await tabTo('Create connector', 3);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Keyed' }).waitFor();

      await tabTo('Versions');
      await page.keyboard.press('Enter');
      await page.getByRole('table', { name: 'Versions' }).locator('tr[data-version="1"]').waitFor();
      await tabTo('Share');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Private link' }).waitFor();
      await expectAccessible(page, 'the share tab reached by keyboard');
    } finally {
      await context.close();
    }
  }, 120_000);
});
