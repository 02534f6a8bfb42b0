/**
 * The structural model of connector code, read statically from the AST: for each action and
 * trigger its input and output fields, and the connection's fields. Field lists are understood
 * when they are array literals of hash literals, possibly returned by a lambda, taken from
 * `object_definitions['name']` (whose `fields` lambda is read the same way) or joined with `+` or
 * `.concat`; anything computed at run time is `null` (unknown), never guessed.
 */
import { byName, type HashNode } from './hash.js';
import type { Node, Ruby } from './prism.js';

export interface FieldSpec {
  name: string;
  /** Declared type; `string` when absent, as the SDK defaults it. */
  type: string;
  /** The SDK's default is optional: a field is required only with `optional: false`. */
  optional: boolean;
  properties?: FieldSpec[] | null;
  /** `control_type` when a literal (`password` fields are secrets: masked, write-only). */
  controlType?: string;
  /** `label` when a literal. */
  label?: string;
  /** `pick_list` name when a literal: the console fills the field's choices by running it. */
  pickList?: string;
}

/** What the console needs to connect: the authorization type and the API's host, when literal in the code. */
export interface ConnectionSpec {
  /** `connection.authorization.type` (`basic_auth`, `api_key`, `custom_auth`, `oauth2`…); null when absent or computed. */
  authorizationType: string | null;
  /** The host of `connection.base_uri` when it is a literal URL (string interpolation cut off at the first `#{`); null otherwise. */
  baseUriHost: string | null;
}

export interface OperationSpec {
  input: FieldSpec[] | null;
  output: FieldSpec[] | null;
}

export interface CodeStructure {
  connectionFields: FieldSpec[] | null;
  /** Absent in structures stored before it was read. */
  connection?: ConnectionSpec;
  actions: Record<string, OperationSpec>;
  triggers: Record<string, OperationSpec>;
}

const MAX_REFERENCE_DEPTH = 8;

export function extractStructure(ruby: Ruby, root: HashNode): CodeStructure {
  const n = ruby.nodes;
  const top = byName(ruby, root);
  const definitions = top.get('object_definitions');
  const objectDefinitions =
    definitions instanceof n.HashNode ? byName(ruby, definitions) : new Map<string, Node>();

  const text = (node: Node | undefined): string | null =>
    node instanceof n.StringNode || node instanceof n.SymbolNode ? node.unescaped.value : null;

  /** The value a lambda or block returns: its last statement. */
  function returned(node: Node | null | undefined): Node | null {
    if (!node) return null;
    if (node instanceof n.StatementsNode) return returned(node.body[node.body.length - 1]);
    if (node instanceof n.ParenthesesNode) return returned(node.body);
    if (node instanceof n.LambdaNode) return returned(node.body);
    if (
      node instanceof n.CallNode &&
      node.name === 'lambda' &&
      node.receiver === null &&
      node.block instanceof n.BlockNode
    )
      return returned(node.block.body);
    return node;
  }

  function fieldList(node: Node | null | undefined, depth: number): FieldSpec[] | null {
    const value = returned(node);
    if (!value || depth > MAX_REFERENCE_DEPTH) return null;
    if (value instanceof n.ArrayNode) {
      const fields: FieldSpec[] = [];
      for (const element of value.elements) {
        if (!(element instanceof n.HashNode)) return null;
        const field = fieldSpec(element, depth);
        if (!field) return null;
        fields.push(field);
      }
      return fields;
    }
    if (value instanceof n.CallNode) {
      // object_definitions['record'] / object_definitions[:record]
      if (
        value.name === '[]' &&
        value.receiver instanceof n.LocalVariableReadNode &&
        value.receiver.name === 'object_definitions'
      ) {
        const key = text(value.arguments_?.arguments_[0]);
        const definition = key === null ? undefined : objectDefinitions.get(key);
        if (!(definition instanceof n.HashNode)) return null;
        return fieldList(byName(ruby, definition).get('fields'), depth + 1);
      }
      // a + b, a.concat(b)
      if (
        (value.name === '+' || value.name === 'concat') &&
        value.receiver &&
        value.arguments_?.arguments_.length === 1
      ) {
        const left = fieldList(value.receiver, depth + 1);
        const right = fieldList(value.arguments_.arguments_[0], depth + 1);
        return left && right ? [...left, ...right] : null;
      }
    }
    return null;
  }

  function fieldSpec(hash: HashNode, depth: number): FieldSpec | null {
    const keys = byName(ruby, hash);
    const name = text(keys.get('name'));
    if (name === null) return null;
    const optional = keys.get('optional');
    const spec: FieldSpec = {
      name,
      type: text(keys.get('type')) ?? 'string',
      optional: !(optional instanceof n.FalseNode),
    };
    if (keys.has('properties')) spec.properties = fieldList(keys.get('properties'), depth + 1);
    const controlType = text(keys.get('control_type'));
    if (controlType !== null) spec.controlType = controlType;
    const label = text(keys.get('label'));
    if (label !== null) spec.label = label;
    const pickList = text(keys.get('pick_list'));
    if (pickList !== null) spec.pickList = pickList;
    return spec;
  }

  function operations(key: string): Record<string, OperationSpec> {
    const group = top.get(key);
    if (!(group instanceof n.HashNode)) return {};
    const out: Record<string, OperationSpec> = {};
    for (const [name, node] of byName(ruby, group)) {
      const op = node instanceof n.HashNode ? byName(ruby, node) : new Map<string, Node>();
      out[name] = {
        input: fieldList(op.get('input_fields'), 0),
        output: fieldList(op.get('output_fields'), 0),
      };
    }
    return out;
  }

  /** The URL a base_uri lambda returns: a literal string, or the literal start of an interpolated one. */
  function literalUrl(node: Node | null | undefined): string | null {
    const value = returned(node);
    if (value instanceof n.StringNode) return value.unescaped.value;
    if (value instanceof n.InterpolatedStringNode && value.parts[0] instanceof n.StringNode)
      return value.parts[0].unescaped.value;
    return null;
  }

  function connectionSpec(connection: Map<string, Node>): ConnectionSpec {
    const authorization = connection.get('authorization');
    const auth =
      authorization instanceof n.HashNode ? byName(ruby, authorization) : new Map<string, Node>();
    let baseUriHost: string | null = null;
    const url = literalUrl(connection.get('base_uri'));
    if (url) {
      try {
        baseUriHost = new URL(url).host || null;
      } catch {
        baseUriHost = null;
      }
    }
    return { authorizationType: text(auth.get('type')), baseUriHost };
  }

  const connection = top.get('connection');
  const connectionKeys =
    connection instanceof n.HashNode ? byName(ruby, connection) : new Map<string, Node>();
  return {
    connectionFields:
      connection instanceof n.HashNode ? fieldList(connectionKeys.get('fields'), 0) : [],
    connection: connectionSpec(connectionKeys),
    actions: operations('actions'),
    triggers: operations('triggers'),
  };
}
