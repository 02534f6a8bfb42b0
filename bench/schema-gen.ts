/**
 * Schema generation against parsing alone, in the same run: a ~10 MB JSON sample (generateSchemaFromJson
 * vs JSON.parse, and genson-js's schema inference on the same text) and a 100k-row CSV
 * (generateSchemaFromCsv vs csv-parse with the same options). Target: within 2× of the parse alone.
 *
 *   npx tsx bench/schema-gen.ts        # writes bench/results/schema-gen.md
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parse as parseCsv } from 'csv-parse/sync';
import { createSchema } from 'genson-js';
import { generateSchemaFromCsv, generateSchemaFromJson } from '../src/schema-gen/index.js';

/** Seeded so every run measures the same documents. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = prng(42);
const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
const words = [
  'alpha',
  'beta',
  'gamma',
  'delta',
  'acme',
  'widget',
  'order',
  'invoice',
  'customer',
  'ticket',
];

function record(i: number) {
  const r: Record<string, unknown> = {
    id: i,
    name: `${pick(words)} ${pick(words)}`,
    email: `user${i}@example.com`,
    amount: Math.round(rnd() * 100000) / 100,
    active: rnd() > 0.5,
    created_at: new Date(1700000000000 + Math.floor(rnd() * 1e10)).toISOString(),
    birthday: `19${10 + Math.floor(rnd() * 89)}-0${1 + Math.floor(rnd() * 9)}-1${Math.floor(rnd() * 9)}`,
    notes: rnd() > 0.7 ? null : pick(words).repeat(3),
    address: {
      street: `${i} ${pick(words)} street`,
      city: pick(words),
      zip: String(10000 + i),
      geo: { lat: rnd() * 180 - 90, lng: rnd() * 360 - 180 },
    },
    tags: [pick(words), pick(words)],
    lines: Array.from({ length: 1 + Math.floor(rnd() * 3) }, (_, j) => ({
      sku: `SKU-${i}-${j}`,
      qty: 1 + Math.floor(rnd() * 5),
      price: rnd() * 100,
      ...(rnd() > 0.5 ? { discount: rnd() } : {}),
    })),
  };
  if (rnd() > 0.8) r.extra_field = pick(words);
  return r;
}

const items: unknown[] = [];
let json = '';
for (let i = 0; json.length < 10 * 1000 * 1000 - 2000; i++) {
  items.push(record(i));
  if (i % 1000 === 999) json = JSON.stringify({ items });
}
json = JSON.stringify({ items });
while (Buffer.byteLength(json) > 10 * 1024 * 1024) {
  items.pop();
  json = JSON.stringify({ items });
}

const header = 'id,name,email,amount,active,created_at,birthday,city,notes';
const rows = [header];
for (let i = 0; i < 100_000; i++) {
  rows.push(
    [
      i,
      `"${pick(words)}, ${pick(words)}"`,
      `user${i}@example.com`,
      (rnd() * 1000).toFixed(2),
      rnd() > 0.5,
      new Date(1700000000000 + i * 1000).toISOString(),
      '1990-01-0' + (1 + (i % 9)),
      pick(words),
      rnd() > 0.5 ? '' : pick(words),
    ].join(','),
  );
}
const csv = rows.join('\r\n');

function median(fn: () => unknown, runs = 7): number {
  fn(); // warm up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

const parseMs = median(() => JSON.parse(json));
const oursJsonMs = median(() => generateSchemaFromJson(json));
const gensonMs = median(() => createSchema(JSON.parse(json)), 3);
const csvParseMs = median(
  () => parseCsv(csv, { bom: true, delimiter: ',', skip_empty_lines: true }),
  5,
);
const oursCsvMs = median(() => generateSchemaFromCsv(csv, 'comma'), 5);

const fmt = (n: number) => n.toFixed(1);
const ratio = (n: number, base: number) => `${(n / base).toFixed(2)}×`;
const lines = [
  '# Schema generation benchmark',
  '',
  `Run: \`npx tsx bench/schema-gen.ts\` on ${new Date().toISOString()}, ${cpus()[0]?.model} × ${cpus().length}, Node ${process.version}. Medians of several runs after a warm-up; ratios to the parse alone measured in the same run. Target: ≤ 2×.`,
  '',
  `JSON sample: ${(Buffer.byteLength(json) / 1024 / 1024).toFixed(2)} MiB, ${items.length} records (nested objects, arrays of objects, dates, nulls). CSV sample: 100,000 rows × 9 columns, ${(Buffer.byteLength(csv) / 1024 / 1024).toFixed(2)} MiB, quoted fields, CRLF.`,
  '',
  '| work | median ms | vs baseline |',
  '| --- | ---: | ---: |',
  `| JSON.parse alone (baseline) | ${fmt(parseMs)} | 1.00× |`,
  `| generateSchemaFromJson (parse + infer) | ${fmt(oursJsonMs)} | ${ratio(oursJsonMs, parseMs)} |`,
  `| genson-js createSchema (JSON.parse + infer, JSON Schema output) | ${fmt(gensonMs)} | ${ratio(gensonMs, parseMs)} |`,
  `| csv-parse alone (baseline) | ${fmt(csvParseMs)} | 1.00× |`,
  `| generateSchemaFromCsv (parse + infer) | ${fmt(oursCsvMs)} | ${ratio(oursCsvMs, csvParseMs)} |`,
  '',
];
writeFileSync(new URL('results/schema-gen.md', import.meta.url), lines.join('\n'));
console.log(lines.join('\n'));
