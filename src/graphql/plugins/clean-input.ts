import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { findUnstorableText } from '../../domain/input.js';

/**
 * Refuses operations whose variables or string literals hold text PostgreSQL cannot store (NUL) with BAD_USER_INPUT, before any resolver runs: otherwise such a string in
 * any argument (a search, an app name…) would surface as a database fault.
 */
export function useCleanInput(): Plugin {
  // A document's literals are the same on every request: their verdict is remembered per document
  // (Yoga's parser cache hands out the same DocumentNode for the same text).
  const literals = new WeakMap<DocumentNode, boolean>();
  const badLiteral = (document: DocumentNode) => {
    let bad = literals.get(document);
    if (bad === undefined) {
      bad = false;
      visit(document, {
        [Kind.STRING]: (node) => {
          if (!bad && findUnstorableText(node.value)) bad = true;
        },
      });
      literals.set(document, bad);
    }
    return bad;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      let where = findUnstorableText(args.variableValues ?? {}, 'variables');
      if (!where && badLiteral(args.document)) where = 'a string literal in the document';
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
