import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { useServer } from '../helpers/fixtures.js';

const [backend] = await backends(); // no database work: one backend is enough

describe('generate schema over REST (the spec samples) and GraphQL', () => {
  const t = useServer(backend); // read-only roles may generate schemas: t.tokens.operator

  it('replays the JSON sample request: GET with a --data-raw body, and POST', async () => {
    const raw = '{\n     "sample": "{ \\"test\\":\\"hello\\"}"\n     }';
    const expected = [{ control_type: 'text', label: 'Test', type: 'string', name: 'test' }];
    const get = await t.rest('GET', '/api/sdk/generate_schema/json', {
      token: t.tokens.operator,
      raw,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(get.status).toBe(200);
    expect(get.text).toBe(JSON.stringify(expected));
    const post = await t.rest('POST', '/api/sdk/generate_schema/json', {
      token: t.tokens.operator,
      body: { sample: '{ "test":"hello"}' },
    });
    expect(post.body).toEqual(expected);
    const query = await t.rest(
      'GET',
      `/api/sdk/generate_schema/json?sample=${encodeURIComponent('{"a_b": 1}')}`,
      { token: t.tokens.operator },
    );
    expect(query.body).toEqual([
      {
        control_type: 'integer',
        label: 'A b',
        parse_output: 'integer_conversion',
        type: 'integer',
        name: 'a_b',
      },
    ]);
    // The SDK gem sends {"sample": {}} when it has no file.
    expect(
      (
        await t.rest('POST', '/api/sdk/generate_schema/json', {
          token: t.tokens.operator,
          body: { sample: {} },
        })
      ).body,
    ).toEqual([]);
  });

  it('replays the CSV sample request with col_sep, and refuses other separators', async () => {
    const res = await t.rest('GET', '/api/sdk/generate_schema/csv', {
      token: t.tokens.operator,
      body: { sample: 'first_name,last_name\nhello,world', col_sep: 'comma' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { control_type: 'text', label: 'First name', type: 'string', name: 'first_name' },
      { control_type: 'text', label: 'Last name', type: 'string', name: 'last_name' },
    ]);
    const tab = await t.rest('POST', '/api/sdk/generate_schema/csv', {
      token: t.tokens.operator,
      body: { sample: 'a\tb\n1\tx', col_sep: 'tab' },
    });
    expect(tab.body.map((f: { type: string }) => f.type)).toEqual(['integer', 'string']);
    const bad = await t.rest('POST', '/api/sdk/generate_schema/csv', {
      token: t.tokens.operator,
      body: { sample: 'a;b', col_sep: ';' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error_code: 'INVALID_COL_SEP', errors: [{ code: 400 }] });
    expect(bad.body.message).toContain('comma, semicolon, space, tab, colon, pipe');
  });

  it('answers bad samples with 400, the reason and where', async () => {
    const json = await t.rest('POST', '/api/sdk/generate_schema/json', {
      token: t.tokens.operator,
      body: { sample: '{\n"a": [1,\n}' },
    });
    expect(json.status).toBe(400);
    expect(json.body).toMatchObject({
      error_code: 'INVALID_JSON',
      line: 3,
      column: 1,
      errors: [{ code: 400, title: expect.stringContaining('line 3') }],
    });
    const scalar = await t.rest('POST', '/api/sdk/generate_schema/json', {
      token: t.tokens.operator,
      body: { sample: '42' },
    });
    expect(scalar.body.error_code).toBe('SCALAR_SAMPLE');
    const rows = await t.rest('POST', '/api/sdk/generate_schema/csv', {
      token: t.tokens.operator,
      body: { sample: 'a,b\n1\n' },
    });
    expect(rows.body).toMatchObject({ error_code: 'INCONSISTENT_ROW', line: 2 });
    const empty = await t.rest('POST', '/api/sdk/generate_schema/csv', {
      token: t.tokens.operator,
      body: {},
    });
    expect(empty.body.error_code).toBe('EMPTY_SAMPLE');
    expect(
      (await t.rest('POST', '/api/sdk/generate_schema/json', { body: { sample: '{}' } })).status,
    ).toBe(401);
  });

  it('answers generateSchema in GraphQL with recursive fields and plain JSON, and typed sample errors', async () => {
    const q = `query($s: String!, $f: SampleFormat, $c: ColSep) { generateSchema(sample: $s, format: $f, colSep: $c) {
      json fields { name label type controlType optional of properties { name type properties { name type } } }
      userErrors { reason message field line column }
    } }`;
    const ok = await t.gql(
      q,
      { s: JSON.stringify({ order: { lines: [{ sku: 'a', qty: 1 }, { sku: 'b' }] } }) },
      t.tokens.operator,
    );
    expect(ok.body.errors).toBeUndefined();
    const data = ok.body.data.generateSchema;
    expect(data.userErrors).toEqual([]);
    expect(data.fields[0]).toMatchObject({
      name: 'order',
      type: 'OBJECT',
      properties: [
        {
          name: 'lines',
          type: 'ARRAY',
          properties: [
            { name: 'sku', type: 'STRING' },
            { name: 'qty', type: 'INTEGER' },
          ],
        },
      ],
    });
    expect(data.json[0].properties[0].properties[1]).toEqual({
      control_type: 'integer',
      label: 'Qty',
      parse_output: 'integer_conversion',
      type: 'integer',
      name: 'qty',
      optional: true,
    });

    const csv = await t.gql(q, { s: 'a|b\n1|2.5', f: 'CSV', c: 'PIPE' }, t.tokens.operator);
    expect(csv.body.data.generateSchema.fields.map((f: { type: string }) => f.type)).toEqual([
      'INTEGER',
      'NUMBER',
    ]);
    const bad = await t.gql(q, { s: '[1,', f: 'JSON' }, t.tokens.operator);
    expect(bad.body.data.generateSchema).toMatchObject({
      fields: null,
      json: null,
      userErrors: [{ reason: 'INVALID_JSON', field: ['sample'], line: 1 }],
    });
    const sep = await t.gql(q, { s: 'a', f: 'CSV', c: 'HASH' }, t.tokens.operator);
    expect(sep.status).toBe(400);
    expect(sep.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
