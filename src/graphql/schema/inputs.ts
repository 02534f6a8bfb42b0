import type { InputFieldMap, InputObjectRef } from '@pothos/core';
import { builder } from '../builder.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/**
 * Every mutation takes one required argument, `input`, of a type of its own named after it
 * (Relay's convention, as GitHub's and Shopify's APIs do): `setRollout(input: SetRolloutInput!)`.
 * The names and the type's words are made here, so no mutation spells them differently.
 */
export function mutationInput<Fields extends InputFieldMap>(
  mutation: string,
  fields: (t: PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>) => Fields,
  description = `Input of \`${mutation}\`.`,
) {
  const name = `${mutation[0].toUpperCase()}${mutation.slice(1)}Input`;
  return builder.inputType(name, { description, fields });
}

/** The input of a mutation that names one object and nothing else: `{ id: ID! }`. */
export function idInput(mutation: string, what: string) {
  return mutationInput(mutation, (t) => ({
    id: t.id({ required: true, description: `${what} (global ID).` }),
  }));
}

/** A mutation's arguments: `input: <its input type>!`, described for the call. */
export function inputArg<Shape extends object>(
  type: InputObjectRef<Types, Shape>,
  description: string,
) {
  return builder.args((t) => ({ input: t.field({ type, required: true, description }) }));
}
