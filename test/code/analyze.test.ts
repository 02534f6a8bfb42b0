import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeConnectorCode, type CodeAnalysis } from '../../src/code/analyze.js';
import { generateConnector } from './generate.js';

const fixture = (name: string) =>
  readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');

/** Wraps an actions hash body in an otherwise valid connector. */
const withActions = (actions: string) =>
  `{\n  title: 'T',\n  test: lambda { |c| get('/me') },\n  actions: {\n${actions}\n  }\n}\n`;

const errors = (a: CodeAnalysis) => a.diagnostics.filter((d) => d.severity === 'error');
const messages = (a: CodeAnalysis) => a.diagnostics.map((d) => d.message);

describe('analyzeConnectorCode', () => {
  it('accepts a realistic connector and lists its actions and triggers', async () => {
    const a = await analyzeConnectorCode(fixture('acme_crm.rb'));
    expect(a.diagnostics).toEqual([]);
    expect(a.hasErrors).toBe(false);
    expect(a.title).toBe('Acme CRM');
    expect(a.actions).toEqual(['search_contacts', 'create_contact']);
    expect(a.triggers).toEqual(['new_or_updated_contact']);
  });

  it('reads string-keyed hashes the same as symbol-keyed ones', async () => {
    const a = await analyzeConnectorCode(fixture('hooks_string_keys.rb'));
    expect(a.diagnostics).toEqual([]);
    expect(a.title).toBe('Hooks');
    expect(a.actions).toEqual(['send_event']);
    expect(a.triggers).toEqual(['event_received']);
  });

  it('reports a syntax error on its line, first, and extracts nothing', async () => {
    const a = await analyzeConnectorCode(`{\n  title: 'Broken' 'x' =>,\n  actions: {}\n}\n`);
    expect(a.hasErrors).toBe(true);
    expect(a.diagnostics[0]).toMatchObject({ severity: 'error', kind: 'syntax', line: 2 });
    expect(a.diagnostics[0].message).toMatch(/^Line 2 has syntax errors: /);
    expect(
      a.diagnostics.every((d) => d.message.startsWith(`Line ${d.line} has syntax errors: `)),
    ).toBe(true);
    expect(a).toMatchObject({ actions: [], triggers: [], title: null });
  });

  it('counts columns in characters (UTF-16 units) after multi-byte text', async () => {
    const line = "  title: 'Café 日本 😀', subtitle: ]";
    const a = await analyzeConnectorCode(`{\n${line}\n}\n`);
    expect(a.diagnostics[0]).toMatchObject({
      kind: 'syntax',
      line: 2,
      column: line.indexOf(']') + 1,
    });

    const semantic = "  title: 'Über — 😀', custom_action: 'yes'";
    const b = await analyzeConnectorCode(`{\n${semantic}\n}`);
    expect(errors(b)).toEqual([
      expect.objectContaining({ line: 2, column: semantic.indexOf("'yes'") + 1, kind: 'semantic' }),
    ]);
  });

  it("reproduces the platform's semantic message, positioned at the offending value", async () => {
    const code = `{
  title: 'Semantic',
  triggers: {
    test_trigger: {
      description: :some_symbol,
      poll: lambda do |connection, input| {} end,
      dedup: lambda do |record| record['id'] end
    }
  }
}`;
    const a = await analyzeConnectorCode(code);
    expect(a.hasErrors).toBe(true);
    expect(errors(a)).toEqual([
      {
        severity: 'error',
        kind: 'semantic',
        message:
          "Expected string or lambda for 'description' in 'test_trigger' trigger but got Symbol.",
        line: 5,
        column: 20,
      },
    ]);
    expect(a.triggers).toEqual(['test_trigger']);
  });

  it('requires the program to be exactly one hash literal', async () => {
    const cases: [string, RegExp][] = [
      ['[1, 2]', /hash literal but got Array\./],
      ["connector(title: 'x')", /hash literal but got `connector\(title: 'x'\)`\./],
      ['"code"', /but got String\./],
      ['{ title: "a" }\n{ title: "b" }', /single hash literal/],
    ];
    for (const [code, message] of cases) {
      const a = await analyzeConnectorCode(code);
      expect(a.hasErrors, code).toBe(true);
      expect(
        errors(a)
          .map((d) => d.message)
          .join('\n'),
        code,
      ).toMatch(message);
    }
    const twice = await analyzeConnectorCode('{ title: "a" }\n{ title: "b" }');
    expect(errors(twice)[0]).toMatchObject({ line: 2, column: 1 });
  });

  it('rejects empty code and allows comments and whitespace around the hash', async () => {
    for (const code of ['', '  \n', '# only a comment\n']) {
      const a = await analyzeConnectorCode(code);
      expect(a.hasErrors).toBe(true);
      expect(a.diagnostics).toEqual([
        expect.objectContaining({ severity: 'error', kind: 'semantic', line: 1, column: 1 }),
      ]);
      expect(a).toMatchObject({ actions: [], triggers: [], title: null });
    }
    const ok = await analyzeConnectorCode(
      "# frozen_string_literal: true\n# Acme\n{ title: 'T', test: lambda { |c| c } }\n\n  \n",
    );
    expect(ok.diagnostics).toEqual([]);
  });

  it('warns about unknown top-level keys without failing', async () => {
    const a = await analyzeConnectorCode(
      "{\n  title: 'T',\n  test: ->(c) { c },\n  colour: 'blue'\n}",
    );
    expect(a.hasErrors).toBe(false);
    expect(a.diagnostics).toEqual([
      {
        severity: 'warning',
        kind: 'semantic',
        message: "Unknown key 'colour' at top level.",
        line: 4,
        column: 3,
      },
    ]);
    const proto = await analyzeConnectorCode(
      "{ title: 'T', test: ->(c) { c }, constructor: 1, 'toString' => {} }",
    );
    expect(messages(proto)).toEqual([
      "Unknown key 'constructor' at top level.",
      "Unknown key 'toString' at top level.",
    ]);
  });

  it('checks the kinds of top-level values', async () => {
    const a = await analyzeConnectorCode(
      "{ title: :acme, test: 'x', actions: [], secure_tunnel: 1, connection: {} }",
    );
    expect(messages(a)).toEqual([
      "Expected string for 'title' at top level but got Symbol.",
      "Expected lambda for 'test' at top level but got String.",
      "Expected hash for 'actions' at top level but got Array.",
      "Expected boolean for 'secure_tunnel' at top level but got Integer.",
    ]);
    expect(a.title).toBeNull();
  });

  it('requires execute in actions and poll or webhook_notification in triggers', async () => {
    const code = `{
  title: 'T',
  test: lambda { |c| c },
  actions: {
    search: { title: 'Search', input_fields: ->(o) { [] }, output_fields: ->(o) { [] } }
  },
  triggers: {
    updated: { title: 'Updated', dedup: ->(r) { r['id'] }, input_fields: ->(o) { [] }, output_fields: ->(o) { [] } }
  }
}`;
    const a = await analyzeConnectorCode(code);
    expect(errors(a).map(({ message, line }) => ({ message, line }))).toEqual([
      { message: "Missing 'execute' in 'search' action.", line: 5 },
      { message: "Missing 'poll' or 'webhook_notification' in 'updated' trigger.", line: 8 },
    ]);
  });

  it('accepts every lambda form, and any non-literal expression, where a lambda belongs', async () => {
    const a = await analyzeConnectorCode(
      withActions(`    a: { execute: lambda do |c, i| i end, input_fields: lambda { |o| [] }, output_fields: ->(o) { [] } },
    b: { execute: proc { |c, i| i }, input_fields: FIELDS, output_fields: build_fields(1) },
    c: { execute: :run, input_fields: [], output_fields: nil }`),
    );
    expect(errors(a).map((d) => d.message)).toEqual([
      "Expected lambda for 'execute' in 'c' action but got Symbol.",
      "Expected lambda for 'input_fields' in 'c' action but got Array.",
      "Expected lambda for 'output_fields' in 'c' action but got NilClass.",
    ]);
  });

  it('checks each attribute kind from the DSL table', async () => {
    const a = await analyzeConnectorCode(
      withActions(`    a: {
      title: 1.5, subtitle: 'ok', description: 'ok', help: { body: 'ok' },
      display_priority: '1', batch: 1, bulk: true, deprecated: false, config_fields: {},
      execute: ->(c, i) { i }, input_fields: ->(o) { [] }, output_fields: ->(o) { [] }, exceute: 1
    }`),
    );
    expect(messages(a)).toEqual([
      "Expected string for 'title' in 'a' action but got Float.",
      "Expected integer for 'display_priority' in 'a' action but got String.",
      "Expected boolean for 'batch' in 'a' action but got Integer.",
      "Expected array for 'config_fields' in 'a' action but got Hash.",
      "Unknown key 'exceute' in 'a' action.",
    ]);
    expect(a.diagnostics.at(-1)?.severity).toBe('warning');
  });

  it('checks methods, pick lists and object definitions', async () => {
    const a = await analyzeConnectorCode(`{
  title: 'T',
  test: ->(c) { c },
  methods: { ok: ->(x) { x }, bad: 'nope' },
  pick_lists: { colours: [['Red', 'red']] },
  object_definitions: { good: { fields: ->(c, cf) { [] } }, noop: {}, odd: { fields: [] }, wrong: :x }
}`);
    expect(messages(a)).toEqual([
      "Expected lambda for 'bad' in methods but got String.",
      "Expected lambda for 'colours' in pick_lists but got Array.",
      "Missing 'fields' in 'noop' object definition.",
      "Expected lambda for 'fields' in 'odd' object definition but got Array.",
      "Expected hash for 'wrong' in object_definitions but got Symbol.",
    ]);
  });

  it('gives the exact source text of each action and trigger', async () => {
    const search = `{
      title: 'Search } tricky',
      execute: lambda do |connection, input|
        { items: get('/x', q: "#{input['q']} }") }
      end,
      input_fields: ->(o) { [] }, output_fields: ->(o) { [{ name: 'ünïcode' }] }
    }`;
    const poll = `{ poll: ->(c, i, cl) { { events: [] } }, dedup: ->(r) { r['id'] } }`;
    const code = `{\n  title: 'T',\n  actions: {\n    search: ${search}\n  },\n  triggers: { 'changed' => ${poll} }\n}`;
    const a = await analyzeConnectorCode(code);
    expect(a.definitions).toEqual({ actions: { search }, triggers: { changed: poll } });
  });

  it('treats :name and "name" as one action, the later definition winning', async () => {
    const a = await analyzeConnectorCode(
      withActions(`    run: { execute: ->(c, i) { 1 }, input_fields: ->(o) { [] }, output_fields: ->(o) { [] } },
    other: { execute: ->(c, i) { 3 }, input_fields: ->(o) { [] }, output_fields: ->(o) { [] } },
    'run' => { execute: ->(c, i) { 2 }, input_fields: ->(o) { [] }, output_fields: ->(o) { [] } }`),
    );
    expect(a.actions).toEqual(['run', 'other']);
    expect(a.definitions.actions.run).toContain('{ 2 }');
    expect(a.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'warning',
        line: 7,
        message: "Key 'run' in actions is defined more than once; the last definition wins.",
      }),
    ]);
  });

  it("passes on prism's default-level warnings, such as a repeated key", async () => {
    const a = await analyzeConnectorCode("{\n  title: 'A',\n  title: 'B',\n  test: ->(c) { c }\n}");
    expect(a.hasErrors).toBe(false);
    expect(a.title).toBe('B');
    expect(a.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'warning',
        kind: 'syntax',
        line: 2,
        message: expect.stringMatching(/^Line 2: key :title is duplicated/),
      }),
    ]);
  });

  it('reports code nested too deeply to parse, and keeps working afterwards', async () => {
    const a = await analyzeConnectorCode(`{ title: ${'['.repeat(20_000)}${']'.repeat(20_000)} }`);
    expect(a.diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', kind: 'syntax', line: 1, column: 1 }),
    ]);
    expect((await analyzeConnectorCode(fixture('acme_crm.rb'))).diagnostics).toEqual([]);
  });

  it('reports large code nested too deeply to parse (parsed in a thread of its own)', async () => {
    const code = `{ title: '${'x'.repeat(1_200_000)}', help: ${'['.repeat(20_000)}${']'.repeat(20_000)} }`;
    const a = await analyzeConnectorCode(code);
    expect(a.diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', kind: 'syntax', line: 1, column: 1 }),
    ]);
    expect((await analyzeConnectorCode(fixture('acme_crm.rb'))).diagnostics).toEqual([]);
  });

  it('parses a 5 MB connector', async () => {
    const code = generateConnector({ actions: 3000, triggers: 600 });
    expect(Buffer.byteLength(code)).toBeGreaterThan(4.5e6);
    const a = await analyzeConnectorCode(code);
    expect(a.hasErrors).toBe(false);
    expect(a.actions).toHaveLength(3000);
    expect(a.triggers).toHaveLength(600);
    expect(a.actions[2999]).toBe('action_2999');
    expect(Object.keys(a.definitions.triggers)).toHaveLength(600);
  });
});

describe('analyzeCode (large code goes to the worker as UTF-8 bytes)', () => {
  it('stores the same analysis and digest as the code analysed in place', async () => {
    const { analyzeCode, closeAnalyzePool } = await import('../../src/code/analyze-pool.js');
    const { storedPart } = await import('../../src/code/analyze.js');
    const { codeDigest } = await import('../../src/domain/digest.js');
    // Large enough for the worker, with multi-byte characters before a syntax error so columns count UTF-16 units.
    const code = `${generateConnector({ actions: 40, triggers: 4 }).replace(/\n}\s*$/, '')},\n  broken: ['café ☕', }\n}\n`;
    try {
      const offThread = await analyzeCode(code);
      const inPlace = storedPart(await analyzeConnectorCode(code), codeDigest(code));
      expect(offThread).toEqual(inPlace);
      expect(offThread.codeSha256).toBe(codeDigest(code));
      expect(offThread.hasErrors).toBe(true);
      expect(offThread.diagnostics[0]).toMatchObject({ severity: 'error', kind: 'syntax' });
    } finally {
      await closeAnalyzePool();
    }
  });
});
