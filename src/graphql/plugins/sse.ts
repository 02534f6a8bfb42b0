import { getOperationAST, GraphQLError, type ExecutionArgs } from 'graphql';
import { createHandler } from 'graphql-sse/lib/use/fetch';
import type { Plugin, YogaInitialContext } from 'graphql-yoga';

/**
 * graphql-sse's single-connection mode at `endpoint` (distinct connections stay on /graphql).
 * `@graphql-yoga/plugin-graphql-sse` 3.24.1 with one change: a GraphQLError thrown while parsing
 * or validating (a refused document under TRUSTED_DOCUMENTS_ONLY, a syntax error) answers 400 with
 * the error and its code, where the original let it escape as an internal error.
 */
export function useGraphQLSSE(endpoint: string): Plugin {
  const ctxForReq = new WeakMap<Request, Record<string, unknown>>();
  let handler: (request: Request) => Promise<Response>;
  const refuse = (errors: readonly GraphQLError[]) =>
    [
      JSON.stringify({ errors: errors.map((e) => e.toJSON()) }),
      {
        status: 400,
        statusText: 'Bad Request',
        headers: { 'content-type': 'application/json; charset=utf-8' },
      },
    ] as [
      string,
      ResponseInit & { status: number; statusText: string; headers: Record<string, string> },
    ];
  return {
    onYogaInit({ yoga }) {
      handler = createHandler(
        {
          async onSubscribe(req, params) {
            const enveloped = yoga.getEnveloped({
              ...ctxForReq.get(req.raw),
              request: req.raw,
              params,
            } as unknown as YogaInitialContext);
            let document;
            try {
              document = enveloped.parse(params.query);
            } catch (error) {
              if (error instanceof GraphQLError) return refuse([error]);
              throw error;
            }
            const errors = enveloped.validate(enveloped.schema, document);
            if (errors.length > 0) return { errors };
            const contextValue = await enveloped.contextFactory();
            const args: ExecutionArgs = {
              schema: enveloped.schema,
              document,
              contextValue,
              variableValues: params.variables,
              operationName: params.operationName,
            };
            const operation = getOperationAST(document, params.operationName);
            // eslint-disable-next-line @typescript-eslint/no-explicit-any -- envelop's execute/subscribe are typed loosely
            return (
              operation?.operation === 'subscription' ? enveloped.subscribe : enveloped.execute
            )(args) as any;
          },
        },
        yoga.fetchAPI as never,
      );
    },
    onRequest({ request, endResponse, serverContext }) {
      const [path] = request.url.split('?');
      if (path?.endsWith(endpoint)) {
        ctxForReq.set(request, serverContext as Record<string, unknown>);
        return handler(request).then(endResponse);
      }
    },
  };
}
