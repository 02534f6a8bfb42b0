/** Sample documents → connector field schemas. */
export { COL_SEPS, generateSchemaFromCsv, type ColSep } from './csv.js';
export { SampleError, type SampleErrorReason } from './errors.js';
export type { FieldType, SchemaField } from './fields.js';
export { generateSchemaFromJson } from './json.js';
export { labelize } from './labelize.js';
export { MAX_SAMPLE_BYTES } from './limits.js';
