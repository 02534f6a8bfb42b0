import { requireActor } from '../domain/context.js';
import { SampleError, type SchemaField } from '../schema-gen/index.js';
import { generateSchema } from '../schema-gen/generate.js';
import { builder } from './builder.js';
import { ErrorInterface } from './errors.js';

const FieldTypeEnum = builder.enumType('FieldType', {
  values: ['string', 'integer', 'number', 'boolean', 'date', 'date_time', 'object', 'array'] as const,
});

const SampleFormatEnum = builder.enumType('SampleFormat', { values: ['JSON', 'CSV'] as const });

const ColSepEnum = builder.enumType('ColSep', {
  description: 'CSV column separators, as the spec names them.',
  values: { COMMA: { value: 'comma' }, SEMICOLON: { value: 'semicolon' }, SPACE: { value: 'space' }, TAB: { value: 'tab' }, COLON: { value: 'colon' }, PIPE: { value: 'pipe' } } as const,
});

const SchemaFieldRef = builder.objectRef<SchemaField>('SchemaField');
SchemaFieldRef.implement({
  description: 'One field of a connector field schema (recursive through `properties`).',
  fields: (t) => ({
    name: t.exposeString('name'),
    label: t.exposeString('label'),
    type: t.field({ type: FieldTypeEnum, resolve: (f) => f.type }),
    controlType: t.string({ nullable: true, resolve: (f) => f.control_type ?? null }),
    renderInput: t.string({ nullable: true, resolve: (f) => f.render_input ?? null }),
    parseOutput: t.string({ nullable: true, resolve: (f) => f.parse_output ?? null }),
    toggleHint: t.string({ nullable: true, resolve: (f) => f.toggle_hint ?? null }),
    toggleField: t.field({ type: SchemaFieldRef, nullable: true, resolve: (f) => f.toggle_field ?? null }),
    of: t.field({ type: FieldTypeEnum, nullable: true, description: 'Element type of an array.', resolve: (f) => f.of ?? null }),
    properties: t.field({ type: [SchemaFieldRef], nullable: true, resolve: (f) => f.properties ?? null }),
    optional: t.boolean({ resolve: (f) => f.optional ?? false }),
  }),
});

const GeneratedSchemaRef = builder.objectRef<{ fields: SchemaField[] }>('GeneratedSchema').implement({
  fields: (t) => ({
    fields: t.field({ type: [SchemaFieldRef], resolve: (s) => s.fields }),
    json: t.field({
      type: 'JSON',
      description: 'The same fields as plain JSON (snake_case keys), to paste into connector code.',
      resolve: (s) => s.fields,
    }),
  }),
});

builder.objectType(SampleError, {
  name: 'SampleError',
  description: 'A sample that cannot become a schema: why, and where (1-based line and column) when known.',
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof SampleError,
  fields: (t) => ({
    reason: t.exposeString('reason', { description: 'INVALID_JSON, SCALAR_SAMPLE, EMPTY_SAMPLE, INVALID_COL_SEP, INCONSISTENT_ROW, CSV_PARSE_ERROR, SAMPLE_TOO_LARGE or SAMPLE_TOO_DEEP.' }),
    line: t.exposeInt('line', { nullable: true }),
    column: t.exposeInt('column', { nullable: true }),
  }),
});

builder.queryFields((t) => ({
  generateSchema: t.field({
    type: GeneratedSchemaRef,
    errors: { types: [SampleError] },
    description: 'The connector field schema of a JSON or CSV sample (at most 10 MB). No side effects.',
    args: {
      sample: t.arg.string({ required: true }),
      format: t.arg({ type: SampleFormatEnum, defaultValue: 'JSON' }),
      colSep: t.arg({ type: ColSepEnum, defaultValue: 'comma', description: 'CSV only.' }),
    },
    // Parsing up to 10 MB.
    complexity: 50,
    resolve: async (_root, { sample, format, colSep }, ctx) => {
      requireActor(ctx);
      return { fields: await generateSchema(format === 'CSV' ? 'CSV' : 'JSON', sample, colSep ?? 'comma') };
    },
  }),
}));
