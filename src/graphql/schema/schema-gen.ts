import { requireActor } from '../../domain/context.js';
import { SampleError, type SampleErrorReason, type SchemaField } from '../../schema-gen/index.js';
import { generateSchema } from '../../schema-gen/generate.js';
import { builder } from '../builder.js';
import { describedEnum, lowerCaseEnum } from '../enums.js';

const FieldTypeEnum = lowerCaseEnum(
  'FieldType',
  'Types of connector fields (the SDK writes them in lower case: `type: "date_time"`; `SchemaField.json` does too).',
  {
    STRING: 'Text.',
    INTEGER: 'A whole number.',
    NUMBER: 'A number with a fraction.',
    BOOLEAN: 'True or false.',
    DATE: 'A calendar date (YYYY-MM-DD).',
    DATE_TIME: 'A timestamp (ISO 8601).',
    OBJECT: 'Nested fields, in `properties`.',
    ARRAY: 'A list; `of` gives the element type, `properties` the fields of object elements.',
  },
);

const SampleFormatEnum = describedEnum(
  'SampleFormat',
  'Formats of samples `generateSchema` reads.',
  {
    JSON: 'A JSON object or array of objects.',
    CSV: 'CSV with a header row.',
  },
);

const SampleErrorReasonEnum = describedEnum<SampleErrorReason>(
  'SampleErrorReason',
  'Why a sample cannot become a schema.',
  {
    INVALID_JSON: 'The sample is not valid JSON.',
    SCALAR_SAMPLE: 'The JSON is a scalar, not an object or array.',
    EMPTY_SAMPLE: 'The sample holds no fields.',
    INVALID_COL_SEP: 'The column separator is not one the spec names.',
    INCONSISTENT_ROW: 'A CSV row has a different number of columns from the header.',
    CSV_PARSE_ERROR: 'The CSV cannot be parsed (e.g. an unclosed quote).',
    SAMPLE_TOO_LARGE: 'The sample is over 10 MB.',
    SAMPLE_TOO_DEEP: 'The sample nests more than 100 levels.',
  },
);

const ColSepEnum = lowerCaseEnum('ColSep', 'CSV column separators, as the spec names them.', {
  COMMA: '`,`',
  SEMICOLON: '`;`',
  SPACE: 'A space character.',
  TAB: 'A tab character.',
  COLON: '`:`',
  PIPE: '`|`',
});

const SchemaFieldRef = builder.objectRef<SchemaField>('SchemaField');
SchemaFieldRef.implement({
  description: 'One field of a connector field schema (recursive through `properties`).',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The key in the sample (`name` in the SDK).' }),
    label: t.exposeString('label', {
      description: 'Human-readable label derived from the key, e.g. `First name` for `first_name`.',
    }),
    type: t.expose('type', {
      type: FieldTypeEnum,
      description: 'The data type inferred from the sample values.',
    }),
    controlType: t.string({
      nullable: true,
      description:
        'The input control recipes show (`control_type`: `text`, `integer`, `number`, `checkbox`, `date`, `date_time`); null for objects and arrays.',
      resolve: (f) => f.control_type ?? null,
    }),
    renderInput: t.string({
      nullable: true,
      description:
        'Converter applied to input values (`render_input`, e.g. `date_conversion`); null when none is needed.',
      resolve: (f) => f.render_input ?? null,
    }),
    parseOutput: t.string({
      nullable: true,
      description:
        'Converter applied to output values (`parse_output`, e.g. `integer_conversion`); null when none is needed.',
      resolve: (f) => f.parse_output ?? null,
    }),
    toggleHint: t.string({
      nullable: true,
      description:
        'Hint shown on the control (`toggle_hint`), for fields with a toggle; null otherwise.',
      resolve: (f) => f.toggle_hint ?? null,
    }),
    toggleField: t.field({
      type: SchemaFieldRef,
      nullable: true,
      description:
        'The alternative free-text control a toggle switches to (`toggle_field`, for booleans); null otherwise.',
      resolve: (f) => f.toggle_field ?? null,
    }),
    of: t.field({
      type: FieldTypeEnum,
      nullable: true,
      description: 'Element type of an array.',
      resolve: (f) => f.of ?? null,
    }),
    properties: t.field({
      type: [SchemaFieldRef],
      nullable: true,
      description:
        'Nested fields of an object, or of the elements of an array of objects; null otherwise.',
      resolve: (f) => f.properties ?? null,
    }),
    optional: t.boolean({
      description:
        'Whether the field may be left out (`optional` in the SDK): true when some objects of a JSON sample lack it.',
      resolve: (f) => f.optional ?? false,
    }),
  }),
});

/** Plain data: graphql-js treats an Error instance returned as a value as a thrown error. */
type SampleErrorData = Pick<SampleError, 'reason' | 'message' | 'field' | 'line' | 'column'>;

const SampleErrorRef = builder.objectRef<SampleErrorData>('SampleError').implement({
  description:
    'A sample that cannot become a schema: why, and where (1-based line and column) when known.',
  fields: (t) => ({
    reason: t.expose('reason', {
      type: SampleErrorReasonEnum,
      description: 'Why, as a stable code.',
    }),
    message: t.exposeString('message', { description: 'What went wrong, for people.' }),
    field: t.stringList({
      nullable: true,
      description: 'The argument the error is about, e.g. `["sample"]`.',
      resolve: (e) => e.field?.split('.') ?? null,
    }),
    line: t.exposeInt('line', {
      nullable: true,
      description: 'Line of the sample where it went wrong (1-based).',
    }),
    column: t.exposeInt('column', {
      nullable: true,
      description: 'Column of that line (1-based).',
    }),
  }),
});

const GenerateSchemaResultRef = builder
  .objectRef<{ fields?: SchemaField[]; userErrors: SampleErrorData[] }>('GenerateSchemaResult')
  .implement({
    description:
      'The schema of a sample, or why there is none (like a mutation payload: `userErrors` is empty on success).',
    fields: (t) => ({
      fields: t.field({
        type: [SchemaFieldRef],
        nullable: true,
        description: 'The fields; null when the sample was refused.',
        resolve: (s) => s.fields ?? null,
      }),
      json: t.field({
        type: 'JSON',
        nullable: true,
        description:
          'The same fields as plain JSON (snake_case keys), to paste into connector code; null when refused.',
        resolve: (s) => s.fields ?? null,
      }),
      userErrors: t.expose('userErrors', {
        type: [SampleErrorRef],
        description: 'Why the sample was refused; empty on success.',
      }),
    }),
  });

builder.queryFields((t) => ({
  generateSchema: t.field({
    type: GenerateSchemaResultRef,
    description:
      'The connector field schema of a JSON or CSV sample (at most 10 MB). No side effects.',
    args: {
      sample: t.arg.string({ required: true, description: 'The sample text.' }),
      format: t.arg({
        type: SampleFormatEnum,
        defaultValue: 'JSON',
        description: 'How to read the sample.',
      }),
      colSep: t.arg({
        type: ColSepEnum,
        defaultValue: 'comma',
        description: 'Column separator (CSV only).',
      }),
    },
    // Parsing up to 10 MB.
    complexity: 50,
    resolve: async (_root, { sample, format, colSep }, ctx) => {
      requireActor(ctx);
      try {
        return {
          fields: await generateSchema(
            format === 'CSV' ? 'CSV' : 'JSON',
            sample,
            colSep ?? 'comma',
          ),
          userErrors: [],
        };
      } catch (error) {
        if (!(error instanceof SampleError)) throw error;
        ctx.countError?.(error.code, 'payload');
        return {
          userErrors: [
            {
              reason: error.reason,
              message: error.message,
              field: error.field,
              line: error.line,
              column: error.column,
            },
          ],
        };
      }
    },
  }),
}));
