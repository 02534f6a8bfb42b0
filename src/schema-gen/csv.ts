import { CsvError, parse } from 'csv-parse/sync';
import { SampleError } from './errors.js';
import { scalarField, type SchemaField } from './fields.js';
import { cellKind, K, scalarType } from './infer.js';
import { labelize } from './labelize.js';
import { checkSize } from './limits.js';

/** The column separators the spec allows, by name. */
export const COL_SEPS = {
  comma: ',',
  semicolon: ';',
  space: ' ',
  tab: '\t',
  colon: ':',
  pipe: '|',
} as const;
export type ColSep = keyof typeof COL_SEPS;

/** Header names made unique and usable: blanks become `column_N`, repeats get `_2`, `_3`… */
function fieldNames(header: string[]): string[] {
  const used = new Set<string>();
  return header.map((raw, i) => {
    const base = raw.trim() || `column_${i + 1}`;
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}_${n}`;
    used.add(name);
    return name;
  });
}

/**
 * The field schema of a CSV sample: the header row gives the fields, the data rows refine each
 * column's type (every non-empty cell an integer → integer, and so on; otherwise string).
 * Quotes, separators and newlines inside quotes, a BOM and CRLF are csv-parse's business.
 */
export function generateSchemaFromCsv(sample: string, colSep: string = 'comma'): SchemaField[] {
  checkSize(sample);
  if (!Object.hasOwn(COL_SEPS, colSep)) {
    throw new SampleError(
      'INVALID_COL_SEP',
      `col_sep must be one of ${Object.keys(COL_SEPS).join(', ')}; got ${JSON.stringify(colSep)}.`,
      null,
      null,
      'col_sep',
    );
  }
  let rows: string[][];
  try {
    rows = parse(sample, {
      bom: true,
      delimiter: COL_SEPS[colSep as ColSep],
      skip_empty_lines: true,
      relax_column_count: false,
    });
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines ?? null;
      if (error.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
        throw new SampleError(
          'INCONSISTENT_ROW',
          `Line ${line} has a different number of columns than the header.`,
          line,
        );
      }
      throw new SampleError(
        'CSV_PARSE_ERROR',
        `The CSV sample cannot be parsed at line ${line}: ${error.message}`,
        line,
      );
    }
    throw error;
  }
  if (rows.length === 0) throw new SampleError('EMPTY_SAMPLE', 'The CSV sample has no header row.');
  const names = fieldNames(rows[0]);
  const kinds = new Array<number>(names.length).fill(0);
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    for (let c = 0; c < row.length; c++) {
      // A column already known to be text cannot become anything else.
      if (kinds[c] & K.STRING) continue;
      kinds[c] |= cellKind(row[c]);
    }
  }
  return names.map((name, i) => scalarField(scalarType(kinds[i]), name, labelize(name)));
}
