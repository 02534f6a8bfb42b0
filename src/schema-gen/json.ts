import { parse as parseLoosely, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { lineAndColumn, SampleError } from './errors.js';
import type { SchemaField } from './fields.js';
import { K } from './infer.js';
import { checkSize } from './limits.js';
import { Shape } from './shape.js';

/**
 * The field schema of a JSON sample: a top-level object gives its fields; a top-level array of
 * objects gives the merged fields of all of them (a field some lack is optional).
 */
export function generateSchemaFromJson(sample: string): SchemaField[] {
  checkSize(sample);
  if (sample.trim() === '') throw new SampleError('EMPTY_SAMPLE', 'The JSON sample is empty.');
  let value: unknown;
  try {
    value = JSON.parse(sample);
  } catch {
    throw invalidJson(sample);
  }
  const root = new Shape();
  root.add(value, 0);
  const isObjects =
    root.kinds === K.OBJECT ||
    (root.kinds === K.ARRAY && root.items !== null && (root.items.kinds & ~K.NULL) === K.OBJECT);
  if (!isObjects) {
    throw new SampleError(
      'SCALAR_SAMPLE',
      'The sample must be a JSON object, or an array of objects, to describe fields.',
    );
  }
  return root.kinds === K.OBJECT ? root.properties() : root.items!.properties();
}

/**
 * Where and why a sample is not JSON. JSON.parse does not always say where (V8's messages vary),
 * so the failing text is read again, on this error path only, by jsonc-parser in strict mode.
 */
function invalidJson(sample: string): SampleError {
  const errors: ParseError[] = [];
  parseLoosely(sample, errors, {
    disallowComments: true,
    allowTrailingComma: false,
    allowEmptyContent: false,
  });
  const first = errors[0];
  if (!first) return new SampleError('INVALID_JSON', 'The sample is not valid JSON.');
  const { line, column } = lineAndColumn(sample, first.offset);
  return new SampleError(
    'INVALID_JSON',
    `The sample is not valid JSON at line ${line}, column ${column}: ${printParseErrorCode(first.error)}.`,
    line,
    column,
  );
}
