import { GraphQLError, Kind, visit } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { findUnstorableText } from '../../domain/input.js';

/**
 * Refuses operations whose variables or string literals hold text PostgreSQL cannot store (NUL) with BAD_USER_INPUT, before any resolver runs: otherwise such a string in
 * any argument (a search, an app name…) would surface as a database fault.
 */
export function useCleanInput(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      let where = findUnstorableText(args.variableValues ?? {}, 'variables');
      if (!where) {
        visit(args.document, {
          [Kind.STRING]: (node) => {
            if (!where && findUnstorableText(node.value))
              where = 'a string literal in the document';
          },
        });
      }
      if (where) {
        setResultAndStopExecution({
          errors: [
            new GraphQLError(`Text at ${where} holds a NUL character, which cannot be stored.`, {
              extensions: { code: 'BAD_USER_INPUT' },
            }),
          ],
        });
      }
    },
  };
}
