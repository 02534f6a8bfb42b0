import { BREAK, GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Media types that carry incremental delivery (`@defer`/`@stream`) in GraphQL over HTTP. */
const STREAMING = /(^|,)\s*(multipart\/mixed|multipart\/\*|text\/event-stream|\*\/\*)\s*(;|,|$)/i;

const usesIncrementalDelivery = new WeakMap<DocumentNode, boolean>();
function hasDeferOrStream(document: DocumentNode): boolean {
  let found = usesIncrementalDelivery.get(document);
  if (found === undefined) {
    found = false;
    visit(document, {
      [Kind.DIRECTIVE]: (node) => {
        if (node.name.value === 'defer' || node.name.value === 'stream') {
          found = true;
          return BREAK;
        }
        return undefined;
      },
    });
    usesIncrementalDelivery.set(document, found);
  }
  return found;
}

/**
 * A `@defer` or `@stream` operation from a client that accepts only whole JSON answers cannot be
 * delivered: Yoga would run it (charging its cost) and then answer an empty 406. Refused here,
 * before the cost is computed or spent, with a 406 that says why and what to accept instead.
 * graphql-sse's single-connection stream (/graphql/stream) always streams.
 */
export function useIncrementalDeliveryCheck(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const request = (args.contextValue as { request?: Request }).request;
      if (!request || !hasDeferOrStream(args.document)) return;
      if (new URL(request.url).pathname.endsWith('/stream')) return;
      const accept = request.headers.get('accept');
      if (!accept || STREAMING.test(accept)) return;
      setResultAndStopExecution({
        errors: [
          new GraphQLError(
            'This operation uses @defer or @stream, whose answer comes in parts: send `Accept: multipart/mixed` or `text/event-stream` (or drop the directives). Nothing was run or charged.',
            {
              extensions: { code: 'NOT_ACCEPTABLE', http: { status: 406 } },
            },
          ),
        ],
      });
    },
  };
}
