import type { Plugin } from 'graphql-yoga';
import { complexityFromQuery } from '@pothos/plugin-complexity';
import {
  getOperationAST,
  GraphQLError,
  Kind,
  visit,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import type { Principal } from '../../domain/context.js';
import { rateLimitHeaders, type RateLimitStatus } from '../../http/rate-limit.js';

/** Where the rate-limit outcome of a request is left for the response headers (one per request). */
export interface RateLimitSlot {
  status?: RateLimitStatus;
}

export interface CostOptions {
  maxCost: number;
  /** Spends a token's GraphQL budget; absent, nothing is rate-limited (in-process tests). */
  spend?: (tokenId: number, cost: number) => Promise<RateLimitStatus>;
  /** The whole budget of a window: a cost above it can never be spent, so it is refused as such. */
  budget?: number;
}

interface CostContext {
  actor?: Principal | null;
  rateLimitSlot?: RateLimitSlot;
}

/** The `extensions.rateLimit` a client reads: what this request cost, what is left, when it refills. */
export function rateLimitReport(status: RateLimitStatus) {
  return {
    cost: status.cost,
    limit: status.limit,
    remaining: status.remaining,
    resetAt: status.resetAt.toISOString(),
  };
}

/**
 * The document as it is priced: without `__typename`, which Apollo Client and urql add to every
 * selection set and which reads nothing (the same query costs the same whoever sends it).
 */
const priced = new WeakMap<DocumentNode, DocumentNode>();
function withoutTypename(document: DocumentNode): DocumentNode {
  let stripped = priced.get(document);
  if (!stripped) {
    stripped = visit(document, {
      [Kind.FIELD]: (node) => (node.name.value === '__typename' ? null : undefined),
    });
    priced.set(document, stripped);
  }
  return stripped;
}

function computeCost(
  document: DocumentNode,
  schema: GraphQLSchema,
  ctx: object,
  variables: unknown,
): number | null {
  try {
    return complexityFromQuery(withoutTypename(document), {
      schema,
      ctx,
      variables: (variables ?? {}) as Record<string, unknown>,
    }).complexity;
  } catch {
    return null; // invalid variables: execution reports them properly
  }
}

/** Variable sets remembered per document; beyond this the document's entries start afresh. */
const COSTS_PER_DOCUMENT = 64;

/**
 * A key for variables made only of short scalars (page sizes, ids, search words): what list
 * pages send. Anything else (input objects, long strings such as code) gets no key and its cost
 * is computed each time, so the cache never holds or hashes large values.
 */
function variablesKey(variables: unknown): string | undefined {
  if (variables == null) return '';
  if (typeof variables !== 'object' || Array.isArray(variables)) return undefined;
  let key = '';
  for (const [name, value] of Object.entries(variables)) {
    if (
      value !== null &&
      typeof value !== 'number' &&
      typeof value !== 'boolean' &&
      !(typeof value === 'string' && value.length <= 256)
    )
      return undefined;
    key += `${JSON.stringify(name)}:${JSON.stringify(value)},`;
  }
  return key;
}

/**
 * The cost depends only on the document and the variables (the complexity settings read
 * arguments and field types, never the caller). Yoga's parser cache hands out the same
 * DocumentNode for the same text, so costs are remembered per document object and variable set,
 * and dropped with the document.
 */
function createCostCache() {
  const byDocument = new WeakMap<DocumentNode, Map<string, number | null>>();
  return (
    document: DocumentNode,
    schema: GraphQLSchema,
    ctx: object,
    variables: unknown,
  ): number | null => {
    const key = variablesKey(variables);
    if (key === undefined) return computeCost(document, schema, ctx, variables);
    let costs = byDocument.get(document);
    if (!costs) byDocument.set(document, (costs = new Map()));
    const known = costs.get(key);
    if (known !== undefined) return known;
    const cost = computeCost(document, schema, ctx, variables);
    if (costs.size >= COSTS_PER_DOCUMENT) costs.clear();
    costs.set(key, cost);
    return cost;
  };
}

/**
 * A query may run while its points are being spent (see useCost) when the token had at least this
 * many times its cost left after its last spend seen here.
 */
export const OVERLAP_MARGIN = 20;
/** Tokens whose last remaining points are remembered; past this the memory starts afresh. */
const REMEMBERED_TOKENS = 10_000;

/**
 * Computes each operation's cost from the Pothos complexity settings (which see `first: $n`
 * variables, unlike armor's cost limit), refuses operations over `maxCost`, spends the cost from
 * the token's point budget (refusing with RATE_LIMITED and HTTP 429 when it is spent), and
 * reports both in `extensions` (`cost` the way Shopify does, `rateLimit` with what is left).
 * Subscriptions are charged once, when they start.
 *
 * The spend is a write to the shared store (a round trip to the database): a read that waited
 * for it before running took two round trips instead of one (half its throughput under load,
 * docs/performance.md). A query (never a mutation or subscription: they change things) of a token
 * that had plenty left after its last spend here (OVERLAP_MARGIN times this cost) therefore runs
 * while its points are spent, and its answer waits for the spend: the store is written with
 * exactly the same points, and a query the store refuses is answered with the same refusal, its
 * data thrown away. What that costs when another process spent the budget meanwhile is the work
 * of the queries in flight at that moment; after that refusal the token waits again.
 */
export function useCost({ maxCost, spend, budget }: CostOptions): Plugin {
  const costOf = createCostCache();
  const lastRemaining = new Map<number, number>();
  function remember(tokenId: number, status: RateLimitStatus) {
    if (lastRemaining.size >= REMEMBERED_TOKENS) lastRemaining.clear();
    lastRemaining.set(tokenId, status.retryAfter === undefined ? status.remaining : 0);
  }
  async function admit(
    document: DocumentNode,
    schema: GraphQLSchema,
    context: CostContext,
    variables: unknown,
  ) {
    const computed = costOf(document, schema, context as object, variables);
    const cost = computed ?? 1;
    const report = { requestedQueryCost: cost, maximumAvailable: maxCost };
    if (cost > maxCost) {
      const error = new GraphQLError(
        `Query cost ${cost} exceeds the maximum of ${maxCost}; ask for fewer items.`,
        {
          extensions: { code: 'QUERY_TOO_COSTLY', cost: report },
        },
      );
      return { refusal: { errors: [error], extensions: { cost: report } } };
    }
    const actor = context.actor;
    if (!spend || !actor) return { extensions: { cost: report } };
    // More than a whole window's budget can never pass: waiting would not help, so no Retry-After.
    if (budget !== undefined && cost > budget) {
      const error = new GraphQLError(
        `This operation costs ${cost} points, more than the whole budget of ${budget} points per window: it can never pass. Ask for fewer items.`,
        {
          extensions: { code: 'QUERY_OVER_BUDGET', cost: report, http: { status: 400 } },
        },
      );
      return { refusal: { errors: [error], extensions: { cost: report } } };
    }
    const status = await spend(actor.tokenId, cost);
    remember(actor.tokenId, status);
    if (context.rateLimitSlot) context.rateLimitSlot.status = status;
    const rateLimit = rateLimitReport(status);
    if (status.retryAfter !== undefined) {
      const error = new GraphQLError(
        `Rate limit exceeded: this operation costs ${cost} points and ${status.remaining} of ${status.limit} are left until ${rateLimit.resetAt}; retry in ${status.retryAfter} s.`,
        {
          extensions: {
            code: 'RATE_LIMITED',
            retryAfter: status.retryAfter,
            rateLimit: { ...rateLimit, cost },
            http: { status: 429 },
          },
        },
      );
      return { refusal: { errors: [error], extensions: { cost: report, rateLimit } } };
    }
    return { extensions: { cost: report, rateLimit } };
  }

  /** A query of a token that had plenty left (OVERLAP_MARGIN × its cost) after its last spend here. */
  function mayOverlap(
    args: {
      document: DocumentNode;
      schema: GraphQLSchema;
      operationName?: string | null;
      contextValue: unknown;
      variableValues?: unknown;
    },
    tokenId: number,
  ): boolean {
    const left = lastRemaining.get(tokenId);
    if (left === undefined) return false;
    if (getOperationAST(args.document, args.operationName)?.operation !== 'query') return false;
    const cost = costOf(
      args.document,
      args.schema,
      args.contextValue as object,
      args.variableValues,
    );
    return cost !== null && cost <= maxCost && left >= OVERLAP_MARGIN * cost;
  }

  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue as CostContext;
      if (spend && context.actor && mayOverlap(args, context.actor.tokenId)) {
        const admission = admit(args.document, args.schema, context, args.variableValues);
        admission.catch(() => {}); // awaited below; a rejection is not unhandled meanwhile
        return {
          async onExecuteDone({ result, setResult }) {
            const outcome = await admission;
            if ('refusal' in outcome && outcome.refusal) {
              setResult(outcome.refusal);
              return;
            }
            if (!('data' in result || 'errors' in result)) return;
            setResult({ ...result, extensions: { ...result.extensions, ...outcome.extensions } });
          },
        };
      }
      const outcome = await admit(
        args.document,
        args.schema,
        args.contextValue as CostContext,
        args.variableValues,
      );
      if ('refusal' in outcome && outcome.refusal) {
        setResultAndStopExecution(outcome.refusal);
        return;
      }
      const extensions = outcome.extensions;
      return {
        onExecuteDone({ result, setResult }) {
          if (!('data' in result || 'errors' in result)) return; // incremental delivery: leave as is
          setResult({ ...result, extensions: { ...result.extensions, ...extensions } });
        },
      };
    },
    async onSubscribe({ args, setResultAndStopExecution }) {
      const outcome = await admit(
        args.document,
        args.schema,
        args.contextValue as CostContext,
        args.variableValues,
      );
      if ('refusal' in outcome && outcome.refusal) setResultAndStopExecution(outcome.refusal);
    },
    onResponse({ response, serverContext }) {
      const status = (serverContext as CostContext | undefined)?.rateLimitSlot?.status;
      if (!status) return;
      for (const [name, value] of Object.entries(rateLimitHeaders(status)))
        response.headers.set(name, value);
    },
  };
}
