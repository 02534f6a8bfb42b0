import { describe, expect, it } from 'vitest';
import { COL_SEPS, generateSchemaFromCsv, SampleError } from '../../src/schema-gen/index.js';

const text = (name: string, label: string) => ({
  control_type: 'text',
  label,
  type: 'string',
  name,
});
const types = (csv: string, sep?: string) =>
  generateSchemaFromCsv(csv, sep).map((f) => [f.name, f.type]);

function reasonOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SampleError);
    return { reason: (error as SampleError).reason, line: (error as SampleError).line };
  }
  throw new Error('expected a SampleError');
}

describe('generateSchemaFromCsv', () => {
  it('makes a field of every header column, humanising labels', () => {
    expect(generateSchemaFromCsv('first_name,lastName\nhello,world')).toEqual([
      text('first_name', 'First name'),
      text('lastName', 'Last name'),
    ]);
  });

  it('lets the data rows refine column types, ignoring empty cells', () => {
    const csv =
      'id,price,active,born,seen,note,sparse\n1,2.5,true,2024-01-31,2024-01-31T10:00:00Z,x,\n2,3,FALSE,2024-02-01,2024-02-01,7,5\n';
    expect(types(csv)).toEqual([
      ['id', 'integer'],
      ['price', 'number'],
      ['active', 'boolean'],
      ['born', 'date'],
      ['seen', 'date_time'],
      ['note', 'string'],
      ['sparse', 'integer'],
    ]);
    expect(types('only,header')).toEqual([
      ['only', 'string'],
      ['header', 'string'],
    ]);
  });

  it('reads every col_sep the spec names', () => {
    for (const [name, sep] of Object.entries(COL_SEPS)) {
      expect(types(`a${sep}b${sep}c\n1${sep}x${sep}2.5`, name), name).toEqual([
        ['a', 'integer'],
        ['b', 'string'],
        ['c', 'number'],
      ]);
    }
  });

  it('handles quotes, separators and newlines inside quotes, a BOM and CRLF', () => {
    const csv = '\uFEFF"full, name","multi\r\nline",plain\r\n"Doe, ""Jane""","a\nb",1\r\n';
    expect(generateSchemaFromCsv(csv)).toEqual([
      text('full, name', 'Full, name'),
      text('multi\r\nline', 'Multi line'),
      {
        control_type: 'integer',
        label: 'Plain',
        parse_output: 'integer_conversion',
        type: 'integer',
        name: 'plain',
      },
    ]);
  });

  it('de-duplicates names and names blank headers', () => {
    expect(generateSchemaFromCsv('id,id,,id_2, \n1,2,3,4,5').map((f) => f.name)).toEqual([
      'id',
      'id_2',
      'column_3',
      'id_2_2',
      'column_5',
    ]);
  });

  it('refuses other separators, empty samples, inconsistent rows and broken quoting, saying where', () => {
    expect(reasonOf(() => generateSchemaFromCsv('a,b', ','))).toMatchObject({
      reason: 'INVALID_COL_SEP',
    });
    expect(reasonOf(() => generateSchemaFromCsv('a,b', 'hash'))).toMatchObject({
      reason: 'INVALID_COL_SEP',
    });
    expect(reasonOf(() => generateSchemaFromCsv(''))).toMatchObject({ reason: 'EMPTY_SAMPLE' });
    expect(reasonOf(() => generateSchemaFromCsv('\n\n'))).toMatchObject({ reason: 'EMPTY_SAMPLE' });
    expect(reasonOf(() => generateSchemaFromCsv('a,b\n1,2\n1,2,3\n'))).toMatchObject({
      reason: 'INCONSISTENT_ROW',
      line: 3,
    });
    expect(reasonOf(() => generateSchemaFromCsv('a,b\n"1,2\n'))).toMatchObject({
      reason: 'CSV_PARSE_ERROR',
    });
  });
});
