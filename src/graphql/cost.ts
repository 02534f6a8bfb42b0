import type { Plugin } from 'graphql-yoga';
import { complexityFromQuery } from '@pothos/plugin-complexity';
import { GraphQLError } from 'graphql';

/**
 * Computes each operation's cost from the Pothos complexity settings (which see `first: $n`
 * variables, unlike armor's cost limit), refuses operations over `maxCost`, and reports the
 * cost in `extensions.cost` the way Shopify does.
 */
export function useCost(maxCost: number): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      let cost: number;
      try {
        cost = complexityFromQuery(args.document, {
          schema: args.schema,
          ctx: args.contextValue as object,
          variables: (args.variableValues ?? {}) as Record<string, unknown>,
        }).complexity;
      } catch {
        return; // invalid variables: execution reports them properly
      }
      const report = { requestedQueryCost: cost, maximumAvailable: maxCost };
      if (cost > maxCost) {
        setResultAndStopExecution({
          errors: [
            new GraphQLError(`Query cost ${cost} exceeds the maximum of ${maxCost}; ask for fewer items.`, {
              extensions: { code: 'QUERY_TOO_COSTLY', cost: report },
            }),
          ],
          extensions: { cost: report },
        });
        return;
      }
      return {
        onExecuteDone({ result, setResult }) {
          if (!('data' in result || 'errors' in result)) return; // streams: leave as is
          setResult({ ...result, extensions: { ...result.extensions, cost: report } });
        },
      };
    },
  };
}
