import { describe, expect, it } from 'vitest';
import {
  generateSchemaFromJson,
  labelize,
  MAX_SAMPLE_BYTES,
  SampleError,
} from '../../src/schema-gen/index.js';

const text = (name: string, label: string) => ({
  control_type: 'text',
  label,
  type: 'string',
  name,
});

function reasonOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SampleError);
    const e = error as SampleError;
    return { reason: e.reason, line: e.line, column: e.column, message: e.message };
  }
  throw new Error('expected a SampleError');
}

describe('generateSchemaFromJson', () => {
  it('answers the spec example exactly, key order included', () => {
    const out = generateSchemaFromJson('{ "test":"hello"}');
    expect(out).toEqual([{ control_type: 'text', label: 'Test', type: 'string', name: 'test' }]);
    expect(Object.keys(out[0])).toEqual(['control_type', 'label', 'type', 'name']);
  });

  it('types every value kind', () => {
    const out = generateSchemaFromJson(
      JSON.stringify({
        s: 'x',
        i: 42,
        d: 4.5,
        t: true,
        n: null,
        day: '2024-02-29',
        at: '2024-02-08T05:05:34.136-07:00',
        z: '2024-02-08T05:05:34Z',
        bad_day: '2023-02-29',
        odd: '2024-13-01T00:00:00Z',
      }),
    );
    expect(out).toEqual([
      text('s', 'S'),
      {
        control_type: 'integer',
        label: 'I',
        parse_output: 'integer_conversion',
        type: 'integer',
        name: 'i',
      },
      {
        control_type: 'number',
        label: 'D',
        parse_output: 'float_conversion',
        type: 'number',
        name: 'd',
      },
      {
        control_type: 'checkbox',
        label: 'T',
        render_input: 'boolean_conversion',
        parse_output: 'boolean_conversion',
        toggle_hint: 'Select from option list',
        toggle_field: {
          label: 'T',
          control_type: 'text',
          toggle_hint: 'Use custom value',
          type: 'boolean',
          name: 't',
        },
        type: 'boolean',
        name: 't',
      },
      text('n', 'N'),
      {
        control_type: 'date',
        label: 'Day',
        render_input: 'date_conversion',
        parse_output: 'date_conversion',
        type: 'date',
        name: 'day',
      },
      {
        control_type: 'date_time',
        label: 'At',
        render_input: 'date_time_conversion',
        parse_output: 'date_time_conversion',
        type: 'date_time',
        name: 'at',
      },
      {
        control_type: 'date_time',
        label: 'Z',
        render_input: 'date_time_conversion',
        parse_output: 'date_time_conversion',
        type: 'date_time',
        name: 'z',
      },
      text('bad_day', 'Bad day'),
      text('odd', 'Odd'),
    ]);
  });

  it('nests objects with properties and keeps key order', () => {
    expect(generateSchemaFromJson('{"b": {"z": 1, "a": {"deep": "x"}}, "a": "first?"}')).toEqual([
      {
        properties: [
          {
            control_type: 'integer',
            label: 'Z',
            parse_output: 'integer_conversion',
            type: 'integer',
            name: 'z',
          },
          { properties: [text('deep', 'Deep')], label: 'A', type: 'object', name: 'a' },
        ],
        label: 'B',
        type: 'object',
        name: 'b',
      },
      text('a', 'A'),
    ]);
  });

  it('merges arrays of mixed objects, marking fields some elements lack as optional', () => {
    const sample = JSON.stringify({
      items: [
        { id: 1, name: 'a', price: 2 },
        { id: 2, price: 2.5, tags: ['x'], meta: null },
        { id: 3, name: 'c', price: 3, meta: { k: 'v' } },
      ],
    });
    expect(generateSchemaFromJson(sample)).toEqual([
      {
        name: 'items',
        type: 'array',
        of: 'object',
        label: 'Items',
        properties: [
          {
            control_type: 'integer',
            label: 'ID',
            parse_output: 'integer_conversion',
            type: 'integer',
            name: 'id',
          },
          { ...text('name', 'Name'), optional: true },
          {
            control_type: 'number',
            label: 'Price',
            parse_output: 'float_conversion',
            type: 'number',
            name: 'price',
          },
          { name: 'tags', type: 'array', of: 'string', label: 'Tags', optional: true },
          {
            properties: [text('k', 'K')],
            label: 'Meta',
            type: 'object',
            name: 'meta',
            optional: true,
          },
        ],
      },
    ]);
  });

  it('types arrays of primitives by their elements, and takes a top-level array of objects', () => {
    expect(
      generateSchemaFromJson(
        '[{"ns": [1, 2.5], "days": ["2024-01-01", "2024-01-02T10:00:00Z"], "mixed": [1, "a"], "none": []}, {"x": true}]',
      ),
    ).toEqual([
      { name: 'ns', type: 'array', of: 'number', label: 'Ns', optional: true },
      { name: 'days', type: 'array', of: 'date_time', label: 'Days', optional: true },
      { name: 'mixed', type: 'array', of: 'string', label: 'Mixed', optional: true },
      { name: 'none', type: 'array', of: 'string', label: 'None', optional: true },
      expect.objectContaining({ name: 'x', type: 'boolean', optional: true }),
    ]);
  });

  it('labels keys as the SDK does', () => {
    const cases: [string, string][] = [
      ['first_name', 'First name'],
      ['firstName', 'First name'],
      ['FirstName', 'First name'],
      ['first-name', 'First name'],
      ['org_id', 'Org ID'],
      ['userID', 'User ID'],
      ['URL', 'URL'],
      ['image_url', 'Image URL'],
      ['HTMLBody', 'HTML body'],
      ['DateEstablished', 'Date established'],
      ['field1', 'Field 1'],
      ['address2Line', 'Address 2 line'],
      ['_', '_'],
    ];
    for (const [key, label] of cases) expect(labelize(key), key).toBe(label);
  });

  it('treats __proto__ and other odd keys as plain keys', () => {
    const out = generateSchemaFromJson('{"__proto__": {"polluted": 1}, "constructor": "x"}');
    expect(out.map((f) => f.name)).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses invalid JSON saying where, scalars and empty samples', () => {
    expect(reasonOf(() => generateSchemaFromJson('{\n  "a": 1,\n  "b": }'))).toMatchObject({
      reason: 'INVALID_JSON',
      line: 3,
      column: 8,
    });
    for (const scalar of ['42', '"text"', 'null', 'true', '[1, 2]', '[]'])
      expect(reasonOf(() => generateSchemaFromJson(scalar)).reason, scalar).toBe('SCALAR_SAMPLE');
    expect(reasonOf(() => generateSchemaFromJson('  ')).reason).toBe('EMPTY_SAMPLE');
    expect(generateSchemaFromJson('{}')).toEqual([]);
  });

  it('refuses samples over 10 MB and nesting deeper than 100 levels', () => {
    const big = `{"a": "${'x'.repeat(MAX_SAMPLE_BYTES)}"}`;
    expect(reasonOf(() => generateSchemaFromJson(big)).reason).toBe('SAMPLE_TOO_LARGE');
    const deep = '{"a":'.repeat(150) + '1' + '}'.repeat(150);
    expect(reasonOf(() => generateSchemaFromJson(deep)).reason).toBe('SAMPLE_TOO_DEEP');
    const fine = '{"a":'.repeat(90) + '1' + '}'.repeat(90);
    expect(generateSchemaFromJson(fine)[0].type).toBe('object');
  });
});
