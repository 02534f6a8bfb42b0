import { InvalidInputError } from '../domain/errors.js';

export type SampleErrorReason =
  | 'INVALID_JSON'
  | 'SCALAR_SAMPLE'
  | 'EMPTY_SAMPLE'
  | 'INVALID_COL_SEP'
  | 'INCONSISTENT_ROW'
  | 'CSV_PARSE_ERROR'
  | 'SAMPLE_TOO_LARGE'
  | 'SAMPLE_TOO_DEEP';

/** A sample that cannot become a schema, saying why and where (1-based line and column). */
export class SampleError extends InvalidInputError {
  constructor(
    readonly reason: SampleErrorReason,
    message: string,
    readonly line: number | null = null,
    readonly column: number | null = null,
    field = 'sample',
  ) {
    super(message, field);
  }
}

/** Line and column (1-based) of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
