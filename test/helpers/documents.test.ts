import { readFileSync } from 'node:fs';
import {
  buildSchema,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
  typeFromAST,
  validate,
  type GraphQLCompositeType,
  isCompositeType,
  isObjectType,
  isInterfaceType,
} from 'graphql';
import { expect, it } from 'vitest';
import * as documents from './documents.js';

/**
 * documents.ts's documents are valid against schema.graphql, and documents.types.ts holds the
 * TypeScript types of their results and variables as the schema makes them (`-u` rewrites it).
 */

const schema = buildSchema(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));

const SCALARS: Record<string, string> = {
  ID: 'string',
  String: 'string',
  Int: 'number',
  Float: 'number',
  Boolean: 'boolean',
  DateTime: 'string',
  JSON: 'unknown',
};

/** Named input and enum types the variables use, printed once each. */
const named = new Map<string, string>();

function scalarOrEnum(name: string, s: GraphQLSchema): string {
  const type = s.getType(name);
  if (isEnumType(type)) {
    if (!named.has(name))
      named.set(
        name,
        `export type ${name} =\n${type
          .getValues()
          .map((v) => `  | '${v.name}'`)
          .join('\n')};`,
      );
    return name;
  }
  if (isScalarType(type)) {
    if (!(name in SCALARS)) throw new Error(`no TypeScript type for the scalar ${name}`);
    return SCALARS[name];
  }
  throw new Error(`${name} is not a leaf type`);
}

function inputType(type: GraphQLInputType): string {
  if (isNonNullType(type)) return inputType(type.ofType).replace(/ \| null$/, '');
  if (isListType(type)) return `Array<${inputType(type.ofType)}> | null`;
  if (isInputObjectType(type)) {
    if (!named.has(type.name)) {
      named.set(type.name, ''); // recursion guard
      const fields = Object.values(type.getFields()).map(
        (f) => `  ${f.name}${isNonNullType(f.type) ? '' : '?'}: ${inputType(f.type)};`,
      );
      named.set(type.name, `export interface ${type.name} {\n${fields.join('\n')}\n}`);
    }
    return `${type.name} | null`;
  }
  return `${scalarOrEnum(type.name, schema)} | null`;
}

function indent(text: string, by: string): string {
  return text.replace(/\n/g, `\n${by}`);
}

function selectionType(parent: GraphQLCompositeType, set: SelectionSetNode): string {
  const fields: string[] = [];
  for (const sel of set.selections) {
    if (sel.kind !== Kind.FIELD) throw new Error('fragments are not supported here');
    const key = sel.alias?.value ?? sel.name.value;
    if (sel.name.value === '__typename') {
      fields.push(`${key}: string;`);
      continue;
    }
    if (!isObjectType(parent) && !isInterfaceType(parent))
      throw new Error(`${parent.name} has no fields`);
    const field = parent.getFields()[sel.name.value];
    fields.push(`${key}: ${outputType(field.type, sel.selectionSet)};`);
  }
  return `{\n  ${fields.map((f) => indent(f, '  ')).join('\n  ')}\n}`;
}

function outputType(type: GraphQLOutputType, set: SelectionSetNode | undefined): string {
  if (isNonNullType(type)) return outputType(type.ofType, set).replace(/ \| null$/, '');
  if (isListType(type)) return `Array<${outputType(type.ofType, set)}> | null`;
  const namedType = getNamedType(type);
  if (isCompositeType(namedType)) return `${selectionType(namedType, set!)} | null`;
  return `${scalarOrEnum(namedType.name, schema)} | null`;
}

const pascal = (name: string) =>
  name.toLowerCase().replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());

const operations = (Object.entries(documents) as [string, unknown][]).filter(
  (entry): entry is [string, string] =>
    typeof entry[1] === 'string' && /^\s*(query|mutation|subscription)\b/.test(entry[1]),
);

it('every shared document is valid against schema.graphql, and typed under its own name', () => {
  expect(operations.length).toBeGreaterThan(5);
  for (const [name, text] of operations) expect(documents.NAMES.get(text), name).toBe(name);
  for (const [name, text] of operations)
    expect(
      validate(schema, parse(text)).map((e) => e.message),
      name,
    ).toEqual([]);
});

it('documents.types.ts holds the types schema.graphql gives the shared documents', async () => {
  const out: string[] = [];
  for (const [name, text] of operations) {
    const op = parse(text).definitions[0] as OperationDefinitionNode;
    const root = schema.getRootType(op.operation)!;
    const variables = (op.variableDefinitions ?? []).map((v) => {
      const type = typeFromAST(schema, v.type as never) as GraphQLInputType;
      return `  ${v.variable.name.value}${isNonNullType(type) ? '' : '?'}: ${inputType(type)};`;
    });
    out.push(`/** The result of documents.ts's ${name}. */`);
    out.push(`export interface ${pascal(name)}Result ${selectionType(root, op.selectionSet)}`);
    out.push(`/** The variables of documents.ts's ${name}. */`);
    out.push(`export interface ${pascal(name)}Variables {\n${variables.join('\n')}\n}`);
  }
  const text = [
    '// Generated by test/helpers/documents.test.ts from schema.graphql and documents.ts: do not edit.',
    '// `npx vitest run test/helpers/documents.test.ts -u` rewrites it.',
    '',
    "/** Each shared document's result and variables, by its export name. */",
    'export interface Documents {',
    ...operations.map(
      ([name]) =>
        `  ${name}: { result: ${pascal(name)}Result; variables: ${pascal(name)}Variables };`,
    ),
    '}',
    ...out,
    ...[...named.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, t]) => t),
    '',
  ].join('\n');
  await expect(text).toMatchFileSnapshot('./documents.types.ts');
});
