import { readFileSync } from 'node:fs';
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
  type GraphQLSchema,
} from 'graphql';
import { expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/domain/errors.js';

// The checked-in schema is what GraphiQL, codegen and client developers read.
const schema = buildSchema(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));

/** Every type, field, argument, input field and enum value of the schema without a description. */
function undescribed(s: GraphQLSchema): string[] {
  const missing: string[] = [];
  const check = (what: string, description: string | null | undefined) => {
    if (!description?.trim()) missing.push(what);
  };
  for (const type of Object.values(s.getTypeMap())) {
    if (type.name.startsWith('__') || isSpecifiedScalarType(type)) continue;
    check(type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        check(`${type.name}.${field.name}`, field.description);
        for (const arg of field.args)
          check(`${type.name}.${field.name}(${arg.name})`, arg.description);
      }
    }
    if (isInputObjectType(type))
      for (const field of Object.values(type.getFields()))
        check(`${type.name}.${field.name}`, field.description);
    if (isEnumType(type))
      for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
  }
  return missing;
}

it('describes every type, field, argument, input field and enum value', () => {
  expect(undescribed(schema)).toEqual([]);
});

it('finds what lacks a description (the check above can fail)', () => {
  const bare = buildSchema(`
    "Described." type Query { "Described." a(x: Int): E, b: In }
    enum E { "Described." ONE TWO }
    input In { "Described." p: Int q: Int }
  `);
  expect(undescribed(bare).sort()).toEqual(['E', 'E.TWO', 'In', 'In.q', 'Query.a(x)', 'Query.b']);
});

it("says in every mutation's description which ErrorCodes it can return, and only real ones", () => {
  const codes = new Set<string>(ERROR_CODES);
  const mutations = Object.values(schema.getMutationType()!.getFields());
  expect(mutations.length).toBeGreaterThan(0);
  for (const m of mutations) {
    const line = /Refusals \(`userErrors\[\]\.code`\): (.+)\.$/m.exec(m.description ?? '');
    expect(line, `Mutation.${m.name} lists no refusal codes`).not.toBeNull();
    const listed = [...line![1].matchAll(/`([A-Z_]+)`/g)].map((x) => x[1]);
    expect(listed.length, `Mutation.${m.name}`).toBeGreaterThan(0);
    for (const code of listed)
      expect(codes.has(code), `Mutation.${m.name}: ${code} is not an ErrorCode`).toBe(true);
    // Transport faults are top-level errors, never userErrors.
    expect(listed, `Mutation.${m.name}`).not.toContain('UNAUTHENTICATED');
    expect(listed, `Mutation.${m.name}`).not.toContain('RATE_LIMITED');
    // The role guard refuses every mutation to callers whose role may not make it.
    expect(listed, `Mutation.${m.name}`).toContain('FORBIDDEN');
    // And the description says more than the list.
    expect(
      m.description!.replace(line![0], '').trim().length,
      `Mutation.${m.name} has only the code list`,
    ).toBeGreaterThan(20);
  }
});
