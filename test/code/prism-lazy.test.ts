import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as nodes from '@ruby/prism';
import { loadLazyPrism, parseInThread } from '../../src/code/prism-lazy.js';
import { generateConnector } from './generate.js';

const fixture = (name: string) =>
  readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');

/** Fields the lazy tree leaves out on purpose: locations other than the node's own (prism-lazy.ts). */
const dropped = (key: string) => key !== 'location' && /Loc$/.test(key);

/**
 * Walks prism's stock tree and the lazy one side by side: the same node classes, locations,
 * names, values and children everywhere, lambda and block bodies included (read through their
 * getters). Returns how many nodes it compared.
 */
function compare(stock: unknown, lazy: unknown, path: string): number {
  if (stock === null || typeof stock !== 'object') {
    expect(lazy, path).toEqual(stock);
    return 0;
  }
  if (Array.isArray(stock)) {
    expect(Array.isArray(lazy), path).toBe(true);
    expect((lazy as unknown[]).length, path).toBe(stock.length);
    return stock.reduce(
      (n: number, x, i) => n + compare(x, (lazy as unknown[])[i], `${path}[${i}]`),
      0,
    );
  }
  expect((lazy as object).constructor, path).toBe(stock.constructor);
  let count = stock.constructor.name.endsWith('Node') ? 1 : 0;
  for (const key of Object.keys(stock)) {
    if (dropped(key)) continue;
    count += compare(
      (stock as Record<string, unknown>)[key],
      (lazy as Record<string, unknown>)[key],
      `${path}.${key}`,
    );
  }
  return count;
}

async function both(code: string) {
  const stock = (await nodes.loadPrism())(code, { version: '3.3' });
  const lazy = (await loadLazyPrism(nodes))(Buffer.from(code, 'utf8'), '3.3');
  return { stock, lazy };
}

describe('prism with lazy lambda and block bodies', () => {
  for (const [name, code] of [
    ['acme_crm.rb', fixture('acme_crm.rb')],
    ['hooks_string_keys.rb', fixture('hooks_string_keys.rb')],
    ['generated connector', generateConnector({ actions: 6, triggers: 2 })],
    [
      'nested lambdas, blocks and procs',
      `{ a: lambda { |x| [1, 2].map { |y| proc { y + x } } }, b: -> (z) do z.times { |i| i } end }`,
    ],
  ] as const) {
    it(`reads the same tree as prism's own deserializer: ${name}`, async () => {
      const { stock, lazy } = await both(code);
      expect(compare(stock.value, lazy.value, 'program')).toBeGreaterThan(10);
      expect(lazy.errors).toEqual(stock.errors);
      expect(lazy.warnings).toEqual(stock.warnings);
    });
  }

  it('reads the same tree when the parse runs in a thread of its own (large code)', async () => {
    const code = generateConnector({ actions: 30, triggers: 5 });
    const stock = (await nodes.loadPrism())(code, { version: '3.3' });
    const threaded = await parseInThread(nodes, Buffer.from(code, 'utf8'), '3.3');
    expect(compare(stock.value, threaded.value, 'program')).toBeGreaterThan(100);
    const broken = await parseInThread(nodes, Buffer.from('{ a: [1, }'), '3.3');
    expect(broken.errors).toEqual(
      (await nodes.loadPrism())('{ a: [1, }', { version: '3.3' }).errors,
    );
  });

  it('reports the same syntax errors and warnings with their locations', async () => {
    const { stock, lazy } = await both(`{ a: lambda do |x|\n  x +\nend, a: 1,\n  b: [1, 2 }`);
    expect(stock.errors.length).toBeGreaterThan(0);
    expect(stock.warnings.length).toBeGreaterThan(0);
    expect(lazy.errors).toEqual(stock.errors);
    expect(lazy.warnings).toEqual(stock.warnings);
  });

  it('reads a body again each time, so nothing keeps what was looked at once', async () => {
    const { lazy } = await both(`{ execute: lambda do |c| get('/x') end }`);
    const hash = (lazy.value.statements.body[0] as InstanceType<typeof nodes.HashNode>)
      .elements[0] as InstanceType<typeof nodes.AssocNode>;
    const block = (hash.value as InstanceType<typeof nodes.CallNode>).block as InstanceType<
      typeof nodes.BlockNode
    >;
    const first = block.body;
    const second = block.body;
    expect(first).toBeInstanceOf(nodes.StatementsNode);
    expect(second).not.toBe(first);
    expect(compare(first, second, 'body')).toBeGreaterThan(0);
  });

  it('keeps its tree when the same instance parses again', async () => {
    const parse = await loadLazyPrism(nodes);
    const one = parse(Buffer.from(`{ a: lambda { 1 } }`), '3.3');
    parse(Buffer.from(`{ b: lambda { "#{'x' * 50}" + :y.to_s } }`), '3.3');
    const assoc = (one.value.statements.body[0] as InstanceType<typeof nodes.HashNode>)
      .elements[0] as InstanceType<typeof nodes.AssocNode>;
    const lambda = (assoc.value as InstanceType<typeof nodes.CallNode>).block as InstanceType<
      typeof nodes.BlockNode
    >;
    const body = lambda.body as InstanceType<typeof nodes.StatementsNode>;
    expect(body.body[0]).toBeInstanceOf(nodes.IntegerNode);
  });
});
