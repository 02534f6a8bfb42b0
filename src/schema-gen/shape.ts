import { arrayField, objectField, scalarField, type SchemaField } from './fields.js';
import { K, scalarType, stringKind } from './infer.js';
import { labelize } from './labelize.js';
import { SampleError } from './errors.js';

/** Deeper samples are refused rather than risking the stack. */
export const MAX_DEPTH = 100;

/**
 * What a field looked like across every value seen for it: the kinds (bits), and for objects
 * the merged fields in first-seen order with how many of the objects had each, and for arrays
 * the merged shape of all their elements.
 */
export class Shape {
  kinds = 0;
  objects = 0;
  fields: Map<string, { shape: Shape; present: number }> | null = null;
  items: Shape | null = null;

  /** Folds one JSON value into the shape. */
  add(value: unknown, depth: number): void {
    if (value === null) {
      this.kinds |= K.NULL;
      return;
    }
    switch (typeof value) {
      case 'string':
        this.kinds |= stringKind(value);
        return;
      case 'number':
        this.kinds |= Number.isInteger(value) ? K.INTEGER : K.NUMBER;
        return;
      case 'boolean':
        this.kinds |= K.BOOLEAN;
        return;
    }
    if (depth >= MAX_DEPTH)
      throw new SampleError(
        'SAMPLE_TOO_DEEP',
        `The sample nests objects and arrays deeper than ${MAX_DEPTH} levels.`,
      );
    if (Array.isArray(value)) {
      this.kinds |= K.ARRAY;
      const items = (this.items ??= new Shape());
      for (let i = 0; i < value.length; i++) items.add(value[i], depth + 1);
      return;
    }
    this.kinds |= K.OBJECT;
    this.objects += 1;
    const fields = (this.fields ??= new Map());
    // JSON.parse objects have only own keys, in order; a "__proto__" key is just a key here.
    const obj = value as Record<string, unknown>;
    for (const key in obj) {
      let field = fields.get(key);
      if (!field) fields.set(key, (field = { shape: new Shape(), present: 0 }));
      field.present += 1;
      field.shape.add(obj[key], depth + 1);
    }
  }

  /** The merged fields of the objects this shape saw, marking those some objects lacked as optional. */
  properties(): SchemaField[] {
    const out: SchemaField[] = [];
    for (const [name, { shape, present }] of this.fields ?? []) {
      const field = shape.toField(name);
      if (present < this.objects) field.optional = true;
      out.push(field);
    }
    return out;
  }

  /** Arrays win over objects, objects over scalars: the richer structure is the useful schema. */
  toField(name: string): SchemaField {
    const label = labelize(name);
    if (this.kinds & K.ARRAY) {
      const items = this.items!;
      if (items.kinds & K.OBJECT) return arrayField(name, label, 'object', items.properties());
      if (items.kinds & K.ARRAY) return arrayField(name, label, 'array');
      return arrayField(name, label, scalarType(items.kinds));
    }
    if (this.kinds & K.OBJECT) return objectField(name, label, this.properties());
    return scalarField(scalarType(this.kinds), name, label);
  }
}
