/**
 * What a browser test's new context costs Chromium: a new context (a new window in headless mode),
 * a page in it signed in, and the connector page loaded until its code editor shows, as the
 * browser tests do dozens of times a run. Measured as the CPU of the browser's processes (browser,
 * GPU, utility and renderers: every process whose command line carries the browser's own
 * --user-data-dir) from before the context opens until the editor shows.
 *
 * Two browsers run side by side, rounds alternating between them, so both see the same machine:
 * - baseline: playwright-core's own flags and ours without the omnibox popup's features (what the
 *   tests launched before test/web/chromium-args.ts turned the popup off);
 * - tests: test/web/chromium-args.ts's flags, as the browser tests launch it.
 *
 *   npx tsx bench/browser-context.ts          # writes bench/results/browser-context.md
 *   BENCH_ROUNDS=12 npx tsx bench/browser-context.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { type Browser, chromium } from 'playwright-core';
import { validCode } from '../test/fixtures/code.js';
import {
  ARGS,
  CHROMIUM,
  DISABLED_FEATURES,
  OMNIBOX_POPUP_FEATURES,
} from '../test/web/chromium-args.js';
import { consoleServer, procStat, ROOT, writeReport } from './common.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const OUT = process.env.BENCH_OUT ?? `${ROOT}bench/results/browser-context.md`;

/** CPU seconds of each live process of the browser whose profile is `dataDir`, by pid. */
function browserCpu(dataDir: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dataDir)) continue;
    } catch {
      continue; // gone
    }
    const stat = procStat(pid);
    if (stat) out.set(`${pid} ${stat.start}`, stat.cpuSeconds);
  }
  return out;
}

/** CPU the browser's processes used between two readings (a process new since `before` counts whole). */
const used = (before: Map<string, number>, after: Map<string, number>) =>
  [...after].reduce((sum, [key, cpu]) => sum + cpu - (before.get(key) ?? 0), 0);

/** The --user-data-dir Playwright gave the browser (on every process it starts). */
function profileOf(): string[] {
  const dirs = new Set<string>();
  for (const pid of readdirSync('/proc')) {
    try {
      const m = readFileSync(`/proc/${pid}/cmdline`, 'utf8').match(/--user-data-dir=([^\0 ]+)/);
      if (m) dirs.add(m[1]);
    } catch {
      // not ours to read, or gone
    }
  }
  return [...dirs];
}

async function launch(args: string[]): Promise<{ browser: Browser; dataDir: string }> {
  const before = new Set(profileOf());
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args });
  const dataDir = profileOf().find((d) => !before.has(d));
  if (!dataDir) throw new Error('could not find the new browser profile');
  return { browser, dataDir };
}

const { server, token, gql } = await consoleServer();
const created = await gql(
  'mutation($input: CreateConnectorInput!) { createConnector(input: $input) { connector { id } } }',
  { input: { title: 'Bench', code: validCode() } },
);
const path = `/connectors/${encodeURIComponent(created.createConnector.connector.id)}`;

const withoutPopupFlags = `--disable-features=${DISABLED_FEATURES.filter((f) => !OMNIBOX_POPUP_FEATURES.includes(f)).join(',')}`;
const variants = [
  {
    name: 'baseline (the omnibox popup on)',
    ...(await launch(
      ARGS.map((a) => (a.startsWith('--disable-features=') ? withoutPopupFlags : a)),
    )),
  },
  { name: 'tests (test/web/chromium-args.ts)', ...(await launch(ARGS)) },
];
const samples = new Map<string, number[]>(variants.map((v) => [v.name, []]));
const failures: string[] = [];

for (let round = 0; round < ROUNDS + 1; round++) {
  for (const v of round % 2 ? variants : [...variants].reverse()) {
    const before = browserCpu(v.dataDir);
    const context = await v.browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      // Signed in as the harness's pages are, without the sign-in form: the token in the tab's storage.
      await page.addInitScript((t) => sessionStorage.setItem('registry.token', t), token);
      await page.goto(server.url + path);
      await page.getByRole('textbox', { name: /code/i }).waitFor({ timeout: 30_000 });
      const cpu = used(before, browserCpu(v.dataDir));
      if (round > 0) samples.get(v.name)!.push(cpu); // round 0 warms the server and the browser
    } catch (error) {
      failures.push(`${v.name}, round ${round}: ${(error as Error).message.split('\n')[0]}`);
    } finally {
      await context.close();
    }
    await new Promise((r) => setTimeout(r, 500)); // the closed context's processes exit
  }
}
for (const v of variants) await v.browser.close();
await server.close();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const [base, tests] = variants.map((v) => median(samples.get(v.name)!));
const lines = [
  '# What a new browser context costs Chromium',
  '',
  `\`npx tsx bench/browser-context.ts\`, ${new Date().toISOString().slice(0, 16)} UTC, ${cpus().length} cores, load before ${loadavg()[0].toFixed(1)}, Chromium at ${CHROMIUM}.`,
  '',
  `Each round: a new context, a page signed in, the connector page until its code editor shows; the CPU of the browser's processes over that time. ${ROUNDS} rounds a browser after a warm-up round, alternating.`,
  '',
  '| browser | median CPU s | every round (s) |',
  '| --- | ---: | --- |',
  ...variants.map(
    (v) =>
      `| ${v.name} | ${median(samples.get(v.name)!).toFixed(2)} | ${samples
        .get(v.name)!
        .map((x) => x.toFixed(2))
        .join(', ')} |`,
  ),
  '',
  `Ratio tests / baseline: **${(tests / base).toFixed(2)}×** the CPU.`,
  '',
];
writeReport(OUT, lines, failures);
