import { encodeGlobalID } from '@pothos/plugin-relay';
import {
  getNullableType,
  isNonNullType,
  isScalarType,
  Kind,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Sql } from '../../db/sql.js';
import type { Principal } from '../../domain/context.js';
import { LIMITS } from '../../domain/limits.js';

/*
 * Compiled list reads: the hot list shape, `connectors(first: n) { nodes { …columns…
 * versions(first: m) { nodes { …columns… } } } }`, answered by one SQL statement that builds the
 * page as JSON inside the database, instead of Prisma's query, its row mapping, the Pothos Prisma
 * plugin's selection bookkeeping and a resolver call per field (together most of a list read's
 * CPU, docs/performance.md). PostGraphile answers its lists the same way.
 *
 * It stands behind the same schema and gives the same answer: a plan is made only for documents
 * whose every selection is in the tables below (plain columns of Connector and Version, their
 * `id`, `__typename`, `nodes`, `totalCount`, and `first` between 1 and the page size); anything
 * else (fragments, directives, edges, cursors, search, other fields, a caller outside a workspace,
 * a value the schema would refuse) goes to the executor as before. Leaves are serialized by the
 * schema's own scalars, global IDs by the relay plugin's encoder; the rows are those the resolvers
 * read (the caller's workspace, newest first; versions by number, newest first), so
 * test/graphql/compiled-reads.test.ts compares both paths' answers, byte for byte, for every
 * field here. Everything around execution is unchanged: parsing, validation, query limits, cost
 * and rate limit (useCost runs before), extensions, errors and the HTTP layer.
 */

/** A column a field reads: its SQL, and whether it is a timestamp (sent as epoch milliseconds). */
interface Column {
  column: string;
  time?: true;
  /** The field's value is this type's global ID of the column. */
  globalId?: string;
}

const CONNECTOR_COLUMNS: Record<string, Column> = {
  id: { column: 'id', globalId: 'Connector' },
  databaseId: { column: 'id' },
  name: { column: 'name' },
  title: { column: 'title' },
  description: { column: 'description' },
  latestVersion: { column: 'latest_version' },
  latestVersionNote: { column: 'latest_version_note' },
  latestReleasedVersion: { column: 'released_version' },
  latestReleasedVersionNote: { column: 'released_version_note' },
  latestSharedVersion: { column: 'shared_version' },
  latestSharedVersionNote: { column: 'shared_version_note' },
  oemSharedVersion: { column: 'oem_shared_version' },
  oemSharedAt: { column: 'oem_shared_at', time: true },
  createdAt: { column: 'created_at', time: true },
  updatedAt: { column: 'updated_at', time: true },
};

const VERSION_COLUMNS: Record<string, Column> = {
  id: { column: 'id', globalId: 'Version' },
  number: { column: 'number' },
  note: { column: 'note' },
  codeSize: { column: 'code_size' },
  hasErrors: { column: 'has_errors' },
  createdAt: { column: 'created_at', time: true },
  releasedAt: { column: 'released_at', time: true },
  sharedAt: { column: 'shared_at', time: true },
};

/** Connections of a connector: the rows of each, in the resolver's order (`query` of the field). */
const CONNECTOR_VERSIONS: Record<string, string> = {
  versions: '',
  releasedVersions: ' AND released_at IS NOT NULL',
};

/** An argument's value: a literal, or a variable of the request. */
type Arg = { value: number } | { variable: string; fallback?: number };

/** Raised while building an answer the executor would give differently (a null in a non-null field…). */
class Fallback extends Error {}

/** Turns one element of the statement's JSON into the field's answer. */
type Build = (value: unknown) => unknown;

interface Plan {
  sql: string;
  /** Parameters after $1 (the workspace): page sizes, in order. */
  args: Arg[];
  build: Build;
}

/** Collects parameters: $1 is the caller's workspace. */
class Params {
  args: Arg[] = [];
  private aliases = 0;
  /** A fresh table alias. */
  alias(): string {
    return `t${this.aliases++}`;
  }
  add(arg: Arg): string {
    this.args.push(arg);
    return `$${this.args.length + 1}`;
  }
}

function pageArg(field: FieldNode, op: OperationDefinitionNode): Arg | null {
  if (field.arguments?.length !== 1) return null;
  const [arg] = field.arguments;
  if (arg.name.value !== 'first') return null;
  return argValue(arg.value, op);
}

function argValue(value: ValueNode, op: OperationDefinitionNode): Arg | null {
  if (value.kind === Kind.INT) return { value: Number(value.value) };
  if (value.kind !== Kind.VARIABLE) return null;
  const name = value.name.value;
  const def = op.variableDefinitions?.find((d) => d.variable.name.value === name);
  if (!def) return null;
  const fallback = def.defaultValue;
  if (fallback && fallback.kind !== Kind.INT) return null;
  return { variable: name, fallback: fallback ? Number(fallback.value) : undefined };
}

/** The fields of a selection set, or null when it holds anything but plain fields with distinct keys. */
function plainFields(set: SelectionSetNode | undefined): FieldNode[] | null {
  if (!set) return null;
  const keys = new Set<string>();
  const fields: FieldNode[] = [];
  for (const s of set.selections) {
    if (s.kind !== Kind.FIELD || s.directives?.length) return null;
    const key = s.alias?.value ?? s.name.value;
    if (keys.has(key)) return null;
    keys.add(key);
    fields.push(s);
  }
  return fields;
}

const key = (f: FieldNode) => f.alias?.value ?? f.name.value;

/** `v` for a leaf of type `type` of `parent`: the scalar's own serialization, null checked. */
function leaf(parent: GraphQLObjectType, name: string, column: Column): Build {
  const field = parent.getFields()[name];
  const type = getNullableType(field.type);
  if (!isScalarType(type)) throw new Fallback();
  const nonNull = isNonNullType(field.type);
  const serialize = type.serialize.bind(type);
  return (v) => {
    if (v == null) {
      if (nonNull) throw new Fallback();
      return null;
    }
    if (column.time) return serialize(new Date(v as number));
    if (column.globalId) return serialize(encodeGlobalID(column.globalId, String(v)));
    return serialize(v);
  };
}

/** An object's fields as SQL expressions (elements of one json_build_array) and its builder. */
function objectPlan(
  schema: GraphQLSchema,
  typeName: 'Connector' | 'Version',
  alias: string,
  set: SelectionSetNode | undefined,
  op: OperationDefinitionNode,
  params: Params,
  columnsUsed: Set<string>,
): { exprs: string[]; build: (row: unknown[]) => object } | null {
  const fields = plainFields(set);
  if (!fields) return null;
  const type = schema.getType(typeName) as GraphQLObjectType;
  const columns = typeName === 'Connector' ? CONNECTOR_COLUMNS : VERSION_COLUMNS;
  const exprs: string[] = [];
  const parts: { key: string; at: number; build: Build }[] = [];
  for (const f of fields) {
    const name = f.name.value;
    if (name === '__typename') {
      if (f.arguments?.length || f.selectionSet) return null;
      parts.push({ key: key(f), at: -1, build: () => typeName });
      continue;
    }
    const column = columns[name];
    if (column) {
      if (f.arguments?.length || f.selectionSet) return null;
      columnsUsed.add(column.column);
      const ref = `${alias}.${column.column}`;
      exprs.push(column.time ? `(extract(epoch from ${ref}) * 1000)::int8` : ref);
      parts.push({ key: key(f), at: exprs.length - 1, build: leaf(type, name, column) });
      continue;
    }
    if (typeName === 'Connector' && name in CONNECTOR_VERSIONS) {
      const first = pageArg(f, op);
      if (!first) return null;
      columnsUsed.add('id');
      const conn = connectionPlan(schema, 'Version', f.selectionSet, op, params, (inner) => ({
        from: `FROM connector_versions WHERE connector_id = ${alias}.id${CONNECTOR_VERSIONS[name]}`,
        order: 'number DESC',
        limit: params.add(first),
        alias: inner,
      }));
      if (!conn) return null;
      exprs.push(conn.expr);
      parts.push({ key: key(f), at: exprs.length - 1, build: conn.build });
      continue;
    }
    return null;
  }
  return {
    exprs,
    build: (row) => {
      const out: Record<string, unknown> = {};
      for (const p of parts) out[p.key] = p.build(p.at < 0 ? undefined : row[p.at]);
      return out;
    },
  };
}

/**
 * A connection's selection (`nodes`, `totalCount`, `__typename`) as one SQL expression giving a
 * JSON array: [nodes, totalCount?].
 */
function connectionPlan(
  schema: GraphQLSchema,
  node: 'Connector' | 'Version',
  set: SelectionSetNode | undefined,
  op: OperationDefinitionNode,
  params: Params,
  source: (alias: string) => { from: string; order: string; limit: string; alias: string },
): { expr: string; build: Build } | null {
  const fields = plainFields(set);
  if (!fields) return null;
  const alias = params.alias();
  const { from, order, limit } = source(alias);
  const typename = `${node}Connection`;
  const exprs: string[] = [];
  const parts: { key: string; build: Build; at: number }[] = [];
  for (const f of fields) {
    const name = f.name.value;
    if (f.arguments?.length) return null;
    if (name === '__typename' && !f.selectionSet) {
      parts.push({ key: key(f), at: -1, build: () => typename });
    } else if (name === 'totalCount' && !f.selectionSet) {
      exprs.push(`(SELECT count(*) ${from})`);
      parts.push({
        key: key(f),
        at: exprs.length - 1,
        build: (v) => (schema.getType('Int') as import('graphql').GraphQLScalarType).serialize(v),
      });
    } else if (name === 'nodes') {
      const used = new Set<string>();
      const object = objectPlan(schema, node, alias, f.selectionSet, op, params, used);
      if (!object) return null;
      const orderColumn = order.split(' ')[0];
      used.add(orderColumn);
      const row = object.exprs.length
        ? `json_build_array(${object.exprs.join(', ')})`
        : `'[]'::json`;
      exprs.push(
        `(SELECT coalesce(json_agg(${row} ORDER BY ${alias}.${order}), '[]'::json) FROM (SELECT ${[...used].join(', ')} ${from} ORDER BY ${order} LIMIT ${limit}) ${alias})`,
      );
      parts.push({
        key: key(f),
        at: exprs.length - 1,
        build: (rows) => (rows as unknown[][]).map(object.build),
      });
    } else return null;
  }
  return {
    expr: exprs.length ? `json_build_array(${exprs.join(', ')})` : `'[]'::json`,
    build: (value) => {
      const row = value as unknown[];
      const out: Record<string, unknown> = {};
      for (const p of parts) out[p.key] = p.build(p.at < 0 ? undefined : row[p.at]);
      return out;
    },
  };
}

/** The plan of a document's operation, or null when it is not a shape this file answers. */
export function planOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
): Plan | null {
  if (document.definitions.length !== 1) return null;
  const [op] = document.definitions;
  if (op.kind !== Kind.OPERATION_DEFINITION || op.operation !== 'query' || op.directives?.length)
    return null;
  if (operationName && op.name?.value !== operationName) return null;
  const fields = plainFields(op.selectionSet);
  if (!fields) return null;
  const params = new Params();
  const exprs: string[] = [];
  const parts: { key: string; at: number; build: Build }[] = [];
  try {
    for (const f of fields) {
      const name = f.name.value;
      if (name === '__typename' && !f.arguments?.length && !f.selectionSet) {
        parts.push({ key: key(f), at: -1, build: () => 'Query' });
        continue;
      }
      if (name !== 'connectors') return null;
      const first = pageArg(f, op);
      if (!first) return null;
      const conn = connectionPlan(schema, 'Connector', f.selectionSet, op, params, (alias) => ({
        from: 'FROM connectors WHERE workspace_id = $1',
        order: 'id DESC',
        limit: params.add(first),
        alias,
      }));
      if (!conn) return null;
      exprs.push(conn.expr);
      parts.push({ key: key(f), at: exprs.length - 1, build: conn.build });
    }
  } catch (error) {
    if (error instanceof Fallback) return null;
    throw error;
  }
  if (!exprs.length) return null;
  return {
    sql: `SELECT json_build_array(${exprs.join(', ')})::text AS page`,
    args: params.args,
    build: (value) => {
      const row = value as unknown[];
      const out: Record<string, unknown> = {};
      for (const p of parts) out[p.key] = p.build(p.at < 0 ? undefined : row[p.at]);
      return out;
    },
  };
}

/** The page sizes of a request, or null when one is not what the executor would accept. */
function pageSizes(args: Arg[], variables: Record<string, unknown> | undefined): number[] | null {
  const out: number[] = [];
  for (const arg of args) {
    const value =
      'value' in arg ? arg.value : (variables?.[arg.variable] ?? arg.fallback ?? undefined);
    if (typeof value !== 'number' || !Number.isInteger(value)) return null;
    if (value < 1 || value > LIMITS.pageSize) return null;
    out.push(value);
  }
  return out;
}

/**
 * The plugin. It must come after every plugin whose `onExecute` admits or refuses a request
 * (useCost spends the rate limit there): it only replaces the execute function they end with,
 * and hands every request it has no plan for, or that fails, to that function.
 */
export function useCompiledReads(sql: Sql): Plugin {
  const plans = new WeakMap<DocumentNode, Map<string, Plan | null>>();
  function planFor(schema: GraphQLSchema, document: DocumentNode, operationName?: string | null) {
    let byName = plans.get(document);
    if (!byName) {
      byName = new Map();
      plans.set(document, byName);
    }
    const name = operationName ?? '';
    let plan = byName.get(name);
    if (plan === undefined) {
      plan = planOf(schema, document, operationName);
      byName.set(name, plan);
    }
    return plan;
  }
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const actor = (args.contextValue as { actor?: Principal | null }).actor;
      if (actor?.kind !== 'member') return;
      const plan = planFor(args.schema, args.document, args.operationName);
      if (!plan) return;
      const sizes = pageSizes(plan.args, args.variableValues as Record<string, unknown>);
      if (!sizes) return;
      const workspaceId = actor.workspaceId;
      setExecuteFn(async (execArgs) => {
        let data: unknown;
        try {
          const [row] = await sql.query<{ page: string }>(plan.sql, [workspaceId, ...sizes]);
          data = plan.build(JSON.parse(row.page));
        } catch {
          // A null where the schema has none, a database error…: the executor answers (and reports) it.
          return executeFn(execArgs);
        }
        return { data } as ExecutionResult;
      });
    },
  };
}
