/**
 * The connector field schema (Workato's "schema" convention) that connector code uses for input
 * and output fields: `name`, `label`, `type`, `control_type`, nested `properties`, array `of`,
 * converters, `optional`. Key order follows the platform generator's own output.
 */
export type FieldType =
  | 'string'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'date'
  | 'date_time'
  | 'object'
  | 'array';
export type ScalarType = Exclude<FieldType, 'object' | 'array'>;

export interface SchemaField {
  name: string;
  label: string;
  type: FieldType;
  control_type?: string;
  render_input?: string;
  parse_output?: string;
  toggle_hint?: string;
  toggle_field?: SchemaField;
  of?: FieldType;
  properties?: SchemaField[];
  optional?: boolean;
}

/** A scalar field in the generator's key order. */
export function scalarField(type: ScalarType, name: string, label: string): SchemaField {
  switch (type) {
    case 'integer':
      return { control_type: 'integer', label, parse_output: 'integer_conversion', type, name };
    case 'number':
      return { control_type: 'number', label, parse_output: 'float_conversion', type, name };
    case 'boolean':
      return {
        control_type: 'checkbox',
        label,
        render_input: 'boolean_conversion',
        parse_output: 'boolean_conversion',
        toggle_hint: 'Select from option list',
        toggle_field: {
          label,
          control_type: 'text',
          toggle_hint: 'Use custom value',
          type: 'boolean',
          name,
        },
        type,
        name,
      };
    case 'date':
      return {
        control_type: 'date',
        label,
        render_input: 'date_conversion',
        parse_output: 'date_conversion',
        type,
        name,
      };
    case 'date_time':
      return {
        control_type: 'date_time',
        label,
        render_input: 'date_time_conversion',
        parse_output: 'date_time_conversion',
        type,
        name,
      };
    default:
      return { control_type: 'text', label, type: 'string', name };
  }
}

export function objectField(name: string, label: string, properties: SchemaField[]): SchemaField {
  return { properties, label, type: 'object', name };
}

export function arrayField(
  name: string,
  label: string,
  of: FieldType,
  properties?: SchemaField[],
): SchemaField {
  return of === 'object'
    ? { name, type: 'array', of, label, properties: properties ?? [] }
    : { name, type: 'array', of, label };
}
