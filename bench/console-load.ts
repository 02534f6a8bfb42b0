/**
 * How long the console takes to show a page opened by its address (a bookmark, a reload, a link
 * from elsewhere): from the navigation's start until the page's content shows, next to the time
 * until the document's `load` event (the HTML, the main chunk and the styles), which the route's
 * own loading does not touch and serves as this run's baseline. What lies between the two is the
 * app's own start: the viewer's query, the route's chunk and query, and React revealing what
 * suspended (React 19 reveals a boundary no sooner than 300 ms after its fallback showed).
 *
 * One server (PGlite in memory) and one Chromium (test/web/chromium-args.ts), a signed-in tab,
 * pages visited in turn for ROUNDS rounds after a warm-up round. With BENCH_BASELINE=<git rev>,
 * the console of that revision is built under bench/.tmp/ and served to a second tab beside this
 * checkout's (the same server answers both tabs' API calls; the pages' documents must be the same
 * persisted ones), rounds alternating between the two tabs: an A/B under the same load.
 *
 *   npx tsx bench/console-load.ts                        # writes bench/results/console-load.md
 *   BENCH_BASELINE=HEAD~1 BENCH_ROUNDS=20 npx tsx bench/console-load.ts
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { extname, join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { validCode } from '../test/fixtures/code.js';
import { ARGS, CHROMIUM } from '../test/web/chromium-args.js';
import { baselineConsole } from './baseline.js';
import { consoleServer, ROOT, writeReport } from './common.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const OUT = process.env.BENCH_OUT ?? `${ROOT}bench/results/console-load.md`;

const { server, token, gql } = await consoleServer();
const created = await gql(
  'mutation($input: CreateConnectorInput!) { createConnector(input: $input) { connector { id } } }',
  { input: { title: 'Bench', code: validCode() } },
);
const id = encodeURIComponent(created.createConnector.connector.id);
await gql(
  'mutation($input: ReleaseConnectorInput!) { releaseConnector(input: $input) { connector { id } } }',
  {
    input: { id: created.createConnector.connector.id },
  },
);

/** Each page by its address, and what shows once its content is on screen. */
const PAGES: { name: string; path: string; shown: (page: Page) => Promise<unknown> }[] = [
  {
    name: 'connector, Code tab (editor)',
    path: `/connectors/${id}`,
    shown: (p) => p.getByRole('textbox', { name: /code/i }).waitFor(),
  },
  {
    name: 'connector, Share tab',
    path: `/connectors/${id}/share`,
    shown: (p) => p.getByRole('button', { name: 'Share version 1' }).waitFor(),
  },
  {
    name: 'connector, Versions tab',
    path: `/connectors/${id}/history`,
    shown: (p) => p.locator('tr[data-version="1"]').waitFor(),
  },
  {
    name: 'connectors list',
    path: '/connectors',
    shown: (p) => p.getByRole('link', { name: 'Bench' }).first().waitFor(),
  },
];

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.html': 'text/html',
};

/** Serves `dir`'s console to this context in place of the server's own; the API is the server's. */
async function serveConsoleFrom(context: BrowserContext, dir: string) {
  await context.route(`${server.url}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname.startsWith('/assets/')) {
      const file = join(dir, url.pathname);
      if (!existsSync(file)) return route.fulfill({ status: 404 });
      return route.fulfill({ body: readFileSync(file), contentType: TYPES[extname(file)] });
    }
    if (route.request().resourceType() !== 'document') return route.continue();
    // The server's page, headers and all (its CSP), with the other build's index.html.
    const response = await route.fetch();
    return route.fulfill({ response, body: readFileSync(join(dir, 'index.html'), 'utf8') });
  });
}

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
const baseline = process.env.BENCH_BASELINE
  ? baselineConsole(process.env.BENCH_BASELINE)
  : undefined;
const variants: { name: string; page: Page }[] = [];
// With a baseline, both consoles reach the tab the same way (served from their files by the tab's
// route handler), so neither pays for the detour alone.
const thisConsole = { label: 'this checkout', dir: join(ROOT, 'web', 'dist', 'public') };
for (const v of baseline ? [baseline, thisConsole] : [thisConsole]) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  if (baseline) await serveConsoleFrom(context, v.dir);
  const page = await context.newPage();
  // Signed in as a tab that pasted its token: the token in the tab's storage.
  await page.addInitScript((t) => sessionStorage.setItem('registry.token', t), token);
  variants.push({ name: v.label, page });
}

const samples = new Map(
  variants.flatMap((v) =>
    PAGES.map((p) => [`${v.name}|${p.name}`, { load: [] as number[], shown: [] as number[] }]),
  ),
);
const failures: string[] = [];
for (let round = 0; round < ROUNDS + 1; round++) {
  for (const target of PAGES) {
    for (const { name, page } of round % 2 ? variants : [...variants].reverse()) {
      try {
        const start = performance.now();
        await page.goto(server.url + target.path, { waitUntil: 'load' });
        const load = performance.now() - start;
        await target.shown(page);
        const shown = performance.now() - start;
        if (round > 0) {
          samples.get(`${name}|${target.name}`)!.load.push(load);
          samples.get(`${name}|${target.name}`)!.shown.push(shown);
        }
      } catch (error) {
        failures.push(
          `${name}, ${target.name}, round ${round}: ${(error as Error).message.split('\n')[0]}`,
        );
      }
    }
  }
}
await browser.close();
await server.close();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const revision = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
  cwd: ROOT,
  encoding: 'utf8',
});
const dirty = execFileSync('git', ['status', '--porcelain', 'web/src'], {
  cwd: ROOT,
  encoding: 'utf8',
});
const shownOf = (variant: string, page: string) => median(samples.get(`${variant}|${page}`)!.shown);
const lines = [
  '# How long a console page takes to show, opened by its address',
  '',
  `\`${baseline ? `BENCH_BASELINE=${process.env.BENCH_BASELINE} ` : ''}npx tsx bench/console-load.ts\`, ${new Date().toISOString().slice(0, 16)} UTC, ${cpus().length} cores, load before ${loadavg()[0].toFixed(1)}; this checkout is ${revision.trim()}${dirty ? ' with uncommitted changes in web/src' : ''}.`,
  '',
  `Each round opens every page (\`page.goto\`) in a signed-in tab${baseline ? ' of each console, alternating which goes first' : ''}; ${ROUNDS} rounds after a warm-up round. load: until the document's load event; shown: until the page's content is on screen. Milliseconds, medians.`,
  '',
  '| console | page | load ms | shown ms | shown − load ms |',
  '| --- | --- | ---: | ---: | ---: |',
  ...variants.flatMap((v) =>
    PAGES.map((p) => {
      const s = samples.get(`${v.name}|${p.name}`)!;
      const [load, shown] = [median(s.load), median(s.shown)];
      return `| ${v.name} | ${p.name} | ${load.toFixed(0)} | ${shown.toFixed(0)} | ${(shown - load).toFixed(0)} |`;
    }),
  ),
  '',
  ...(baseline
    ? [
        `Shown, this checkout / ${baseline.label}: ${PAGES.map((p) => `${p.name} **${(shownOf('this checkout', p.name) / shownOf(baseline.label, p.name)).toFixed(2)}×**`).join(', ')}.`,
        '',
      ]
    : []),
];
writeReport(OUT, lines, failures);
