import { GraphQLError, Kind, visit, type ArgumentNode, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * The cursors this API hands out: Pothos' Prisma cursors on integer ids (`GPC:N:<id>`) and its
 * offset cursors (`OffsetConnection:<n>`), base64-encoded. Anything else in `after`/`before`
 * was not made by this server.
 */
const CURSOR = /^(GPC:N:[1-9]\d{0,9}|OffsetConnection:\d{1,9})$/;

function isOurCursor(value: string): boolean {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length > 64) return false;
  const text = Buffer.from(value, 'base64').toString('utf8');
  if (!CURSOR.test(text)) return false;
  const n = Number(text.slice(text.lastIndexOf(':') + 1));
  return n <= 2147483647;
}

/**
 * Refuses `after`/`before` values that are not cursors this server made, before anything runs:
 * a crafted one (`GPC:S:abc`, base64 of a string cursor) would otherwise reach the database as
 * a wrong-typed value and surface as an internal error. The refusal is a request error
 * (BAD_USER_INPUT, HTTP 400, no `data`), like the other argument checks made before execution.
 */
export function useCursorCheck(): Plugin {
  // The `after`/`before` arguments of a document, found once per document (Yoga's parser cache
  // hands out the same DocumentNode for the same text); each request checks their values.
  const cursorArgs = new WeakMap<DocumentNode, ArgumentNode[]>();
  const argsOf = (document: DocumentNode) => {
    let found = cursorArgs.get(document);
    if (!found) {
      const list: ArgumentNode[] = [];
      visit(document, {
        [Kind.ARGUMENT]: (node) => {
          if (node.name.value === 'after' || node.name.value === 'before') list.push(node);
        },
      });
      found = list;
      cursorArgs.set(document, found);
    }
    return found;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      let bad: string | undefined;
      for (const node of argsOf(args.document)) {
        const value =
          node.value.kind === Kind.STRING
            ? node.value.value
            : node.value.kind === Kind.VARIABLE
              ? (args.variableValues as Record<string, unknown> | undefined)?.[
                  node.value.name.value
                ]
              : undefined;
        if (typeof value === 'string' && !isOurCursor(value)) {
          bad = value;
          break;
        }
      }
      if (bad !== undefined) {
        setResultAndStopExecution({
          errors: [
            new GraphQLError(
              `Invalid cursor: ${JSON.stringify(bad.slice(0, 64))} is not a cursor from this API; use a pageInfo cursor.`,
              {
                extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
              },
            ),
          ],
        });
      }
    },
  };
}
