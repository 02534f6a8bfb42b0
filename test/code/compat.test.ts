import { describe, expect, it } from 'vitest';
import { analyzeConnectorCode } from '../../src/code/analyze.js';
import { classifyChange, type ChangeLevel } from '../../src/code/compat.js';

/** A small connector whose parts the table below varies. */
function connector(
  parts: {
    connection?: string;
    input?: string;
    output?: string;
    actions?: string;
    extraTrigger?: boolean;
    record?: string;
  } = {},
) {
  const input =
    parts.input ?? `[{ name: 'query' }, { name: 'limit', type: 'integer', optional: true }]`;
  const output = parts.output ?? `object_definitions['record']`;
  const actions =
    parts.actions ??
    `search: {
      input_fields: lambda do |object_definitions|
        ${input}
      end,
      execute: lambda do |connection, input| get('/search', input) end,
      output_fields: lambda do |object_definitions|
        ${output}
      end
    }`;
  return `{
  title: 'Compat',
  connection: {
    fields: ${parts.connection ?? `[{ name: 'api_key', control_type: 'password', optional: false }]`}
  },
  object_definitions: {
    record: {
      fields: lambda do |connection|
        ${parts.record ?? `[{ name: 'id', type: 'integer' }, { name: 'title' }, { name: 'owner', type: 'object', properties: [{ name: 'email' }] }]`}
      end
    }
  },
  actions: {
    ${actions}
  },
  triggers: {
    ${parts.extraTrigger ? `updated: { poll: lambda do |c, i, cl| {} end, dedup: lambda do |r| r['id'] end, output_fields: lambda do |o| [] end },` : ''}
    created: {
      poll: lambda do |connection, input, closure| {} end,
      dedup: lambda do |record| record['id'] end,
      output_fields: lambda do |object_definitions| object_definitions['record'] end
    }
  }
}`;
}

async function classify(before: string, after: string) {
  const [a, b] = await Promise.all([analyzeConnectorCode(before), analyzeConnectorCode(after)]);
  expect(a.hasErrors, JSON.stringify(a.diagnostics)).toBe(false);
  expect(b.hasErrors, JSON.stringify(b.diagnostics)).toBe(false);
  return classifyChange(a.structure, b.structure);
}

const table: [string, Parameters<typeof connector>[0], ChangeLevel, RegExp | null][] = [
  ['nothing changes', {}, 'NONE', null],
  ['an action is removed', { actions: '' }, 'BREAKING', /action 'search' was removed/],
  [
    'an action is renamed',
    {
      actions: `find: { input_fields: lambda do |o| [{ name: 'query' }] end, execute: lambda do |c, i| {} end, output_fields: lambda do |o| object_definitions['record'] end }`,
    },
    'BREAKING',
    /action 'search' was removed/,
  ],
  ['a trigger is added', { extraTrigger: true }, 'NON_BREAKING', /trigger 'updated' was added/],
  [
    'a required input field is added',
    {
      input: `[{ name: 'query' }, { name: 'limit', type: 'integer', optional: true }, { name: 'scope', optional: false }]`,
    },
    'BREAKING',
    /Required input field 'scope'/,
  ],
  [
    'an optional input field is added',
    {
      input: `[{ name: 'query' }, { name: 'limit', type: 'integer', optional: true }, { name: 'sort' }]`,
    },
    'NON_BREAKING',
    /Optional input field 'sort'/,
  ],
  [
    'an optional input field becomes required',
    { input: `[{ name: 'query' }, { name: 'limit', type: 'integer', optional: false }]` },
    'BREAKING',
    /'limit' of action 'search' became required/,
  ],
  [
    'an output field is removed (through object_definitions)',
    {
      record: `[{ name: 'id', type: 'integer' }, { name: 'owner', type: 'object', properties: [{ name: 'email' }] }]`,
    },
    'BREAKING',
    /Output field 'title' removed/,
  ],
  [
    'an output field changes type',
    {
      record: `[{ name: 'id', type: 'string' }, { name: 'title' }, { name: 'owner', type: 'object', properties: [{ name: 'email' }] }]`,
    },
    'BREAKING',
    /'id' of .* changed type from integer to string/,
  ],
  [
    'a nested output field is removed',
    {
      record: `[{ name: 'id', type: 'integer' }, { name: 'title' }, { name: 'owner', type: 'object', properties: [] }]`,
    },
    'BREAKING',
    /'owner.email' removed/,
  ],
  [
    'an output field is added',
    { output: `object_definitions['record'] + [{ name: 'score', type: 'number' }]` },
    'NON_BREAKING',
    /Output field 'score' added/,
  ],
  [
    'a connection field changes',
    { connection: `[{ name: 'api_key', control_type: 'password', optional: true }]` },
    'BREAKING',
    /Connection field 'api_key' changed/,
  ],
  [
    'a required connection field is added',
    { connection: `[{ name: 'api_key', optional: false }, { name: 'region', optional: false }]` },
    'BREAKING',
    /Required connection field 'region'/,
  ],
  [
    'an optional connection field is added',
    {
      connection: `[{ name: 'api_key', control_type: 'password', optional: false }, { name: 'sandbox', type: 'boolean' }]`,
    },
    'NON_BREAKING',
    /Optional connection field 'sandbox'/,
  ],
  [
    'input fields become computed at run time',
    { input: `call('fields_for', object_definitions)` },
    'UNKNOWN',
    /computed at run time/,
  ],
];

describe('classifying changes for installers', () => {
  for (const [name, change, level, message] of table) {
    it(`${name}: ${level}`, async () => {
      const report = await classify(connector(), connector(change));
      expect(report.level, JSON.stringify(report.changes)).toBe(level);
      if (message) expect(report.changes.map((c) => c.message).join('\n')).toMatch(message);
    });
  }

  it('cannot classify code with syntax errors', async () => {
    const broken = await analyzeConnectorCode('{ title: ');
    const fine = await analyzeConnectorCode(connector());
    expect(classifyChange(fine.structure, broken.structure).level).toBe('UNKNOWN');
  });
});
