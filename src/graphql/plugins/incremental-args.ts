import {
  GraphQLError,
  Kind,
  valueFromAST,
  visit,
  GraphQLInt,
  type DocumentNode,
  type OperationDefinitionNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * `@stream(initialCount:)` must be a number of items, 0 or more. graphql-js validation accepts any
 * Int (and `null`, the argument being nullable), and the executor then asserts, so `-1` or `null`
 * came back as an internal error with a stack in the log. Checked here, before execution, with
 * the request's variables: the caller's mistake, answered as BAD_USER_INPUT.
 */
export function useIncrementalArgumentCheck(): Plugin {
  // Whether a document has a `@stream` at all, remembered per document (Yoga's parser cache hands
  // out the same DocumentNode for the same text): most have none, and need no walk per request.
  const streams = new WeakMap<DocumentNode, boolean>();
  const hasStream = (document: DocumentNode) => {
    let known = streams.get(document);
    if (known === undefined) {
      known = false;
      visit(document, {
        Directive(node) {
          if (node.name.value === 'stream') known = true;
        },
      });
      streams.set(document, known);
    }
    return known;
  };
  const check = (
    document: DocumentNode,
    variables: Record<string, unknown> | null | undefined,
    operationName: string | null | undefined,
  ): GraphQLError[] => {
    if (!hasStream(document)) return [];
    const operation = document.definitions.find(
      (d): d is OperationDefinitionNode =>
        d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
    );
    const defaults = new Map(
      operation?.variableDefinitions?.map((v) => [v.variable.name.value, v.defaultValue]) ?? [],
    );
    const errors: GraphQLError[] = [];
    visit(document, {
      Directive(node) {
        if (node.name.value !== 'stream') return;
        const arg = node.arguments?.find((a) => a.name.value === 'initialCount');
        if (!arg) return;
        let value: unknown;
        if (arg.value.kind === Kind.VARIABLE) {
          const name = arg.value.name.value;
          if (variables && Object.prototype.hasOwnProperty.call(variables, name))
            value = variables[name];
          else {
            const fallback = defaults.get(name);
            if (!fallback) return; // not given: the directive's default (0) applies
            value = valueFromAST(fallback, GraphQLInt);
          }
        } else value = valueFromAST(arg.value, GraphQLInt);
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
          errors.push(
            new GraphQLError(
              `\`@stream(initialCount:)\` must be a whole number, 0 or more; got ${JSON.stringify(value ?? null)}.`,
              {
                nodes: [arg],
                extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
              },
            ),
          );
        }
      },
    });
    return errors;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const errors = check(
        args.document,
        args.variableValues as Record<string, unknown> | undefined,
        args.operationName,
      );
      if (errors.length) setResultAndStopExecution({ errors });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const errors = check(
        args.document,
        args.variableValues as Record<string, unknown> | undefined,
        args.operationName,
      );
      if (errors.length) setResultAndStopExecution({ errors });
    },
  };
}
