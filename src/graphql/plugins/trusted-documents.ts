import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * TRUSTED_DOCUMENTS_ONLY, enforced where every entry point meets: the parser. Whatever carried the
 * operation (POST or GET on /graphql, SSE in distinct-connections mode, graphql-sse's
 * single-connection stream at /graphql/stream, `@defer`/`@stream` over multipart or SSE, a
 * `documentId` or an APQ hash), its text reaches `parse` and must be, character for character, one
 * of the allowlist's documents. The request-level checks (usePersistedOperations, the HTTP layer's
 * `documentId`) word the usual refusals; this one holds for paths that skip them (graphql-sse's
 * handler parses on its own and never runs Yoga's request-parameter hooks).
 */
export function useTrustedDocumentsOnly(
  documents: { has(text: string): boolean } | undefined,
): Plugin {
  return {
    onParse({ params }) {
      const text = typeof params.source === 'string' ? params.source : params.source.body;
      if (!documents?.has(text)) {
        throw new GraphQLError(
          'This server runs only trusted documents; send a `documentId` instead of a query.',
          {
            extensions: { code: 'TRUSTED_DOCUMENTS_ONLY', http: { status: 400 } },
          },
        );
      }
    },
  };
}
