import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { PothosValidationError } from '@pothos/core';
import { GraphQLError, type ValidationContext } from 'graphql';
import { renderGraphiQLPage } from '../http/graphiql.js';
import { useAPQ } from '@graphql-yoga/plugin-apq';
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { createYoga, maskError, type Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { PrismaClient } from '../db/database.js';
import type { Principal } from '../domain/context.js';
import { DomainError, RateLimitedError } from '../domain/errors.js';
import type { Metrics } from '../http/observability.js';
import { domainEvents, graphqlContext, type RegistryPubSub } from './context.js';
import type { LibraryCache } from './plugins/library-cache.js';
import { useCleanInput } from './plugins/clean-input.js';
import { useCursorCheck } from './plugins/cursors.js';
import { useCost, type RateLimitSlot } from './plugins/cost.js';
import { useCompiledReads } from './plugins/compiled-reads.js';
import type { Sql } from '../db/sql.js';
import { useIncrementalDeliveryCheck } from './plugins/incremental-check.js';
import type { RateLimits } from '../http/rate-limit.js';
import { useSessionEnd } from './plugins/session-end.js';
import { useGraphQLSSE } from './plugins/sse.js';
import { useIncrementalArgumentCheck } from './plugins/incremental-args.js';
import { useTrustedDocumentsOnly } from './plugins/trusted-documents.js';
import { schema } from './schema/index.js';

export interface ServerContext {
  actor: Principal | null;
  log: Logger;
  /** The request's id (X-Request-Id): audit entries carry it. */
  requestId?: string;
  /** Filled by useCost with the token's budget after this request, for the RateLimit headers. */
  rateLimitSlot?: RateLimitSlot;
  /** Counts a refusal answered in a payload, for this registry's metrics. */
  countError?: (code: string, surface: string) => void;
}

export interface GraphQLParts {
  prisma: PrismaClient;
  log: Logger;
  pubsub: RegistryPubSub;
  metrics: Metrics;
  library: LibraryCache;
  /** The shared budgets; absent, GraphQL is not rate-limited. */
  rateLimits?: RateLimits;
  /** Trusted documents by id (TRUSTED_DOCUMENTS_FILE, or the console's allowlist). */
  documents?: { get(id: string): string | undefined; has(text: string): boolean };
  /** Requests whose document came from the allowlist (set by the HTTP layer from `documentId`). */
  trustedRequests?: WeakSet<Request>;
  /** Connector runs and connections; absent, they are refused. */
  runs?: import('../domain/run-services.js').RunServices;
  /** The database's raw SQL: hot list reads are answered by one statement (plugins/compiled-reads.ts). */
  sql?: Sql;
  /** PostgreSQL's raw driver for the hot writes that skip Prisma (DomainContext.driver); not on PGlite. */
  driver?: Sql;
}

/** Where absolute URLs point: PUBLIC_URL's origin, else the origin the request was sent to. */
function publicOrigin(
  configured: string | undefined,
  request: Request | undefined,
): string | undefined {
  if (configured) return new URL(configured).origin;
  try {
    return request ? new URL(request.url).origin : undefined;
  } catch {
    return undefined;
  }
}

/** Armor rejects by throwing code-less errors; give each limit a stable code instead. */
function rejectWith(code: string) {
  return {
    propagateOnRejection: false,
    onReject: [
      (ctx: ValidationContext | null, error: GraphQLError) => {
        ctx?.reportError(new GraphQLError(error.message, { extensions: { code } }));
      },
    ],
  };
}

export function createGraphQL(
  config: Config,
  {
    prisma,
    log,
    pubsub,
    metrics,
    library,
    rateLimits,
    documents,
    trustedRequests,
    runs,
    sql,
    driver,
  }: GraphQLParts,
) {
  const events = domainEvents(pubsub, library);
  return createYoga<ServerContext>({
    schema,
    graphqlEndpoint: '/graphql',
    // Node's own fetch classes, not Yoga's ponyfill: Hono re-wraps responses (headers set by
    // middleware) in a native Response, and a native Response around a ponyfill stream reads it as
    // an async iterable whose late close, after a client hangs up on an event stream, throws
    // outside any promise and ends the process (honojs/node-server#233).
    fetchAPI: {
      fetch: globalThis.fetch,
      Request: globalThis.Request,
      Response: globalThis.Response,
      Headers: globalThis.Headers,
      FormData: globalThis.FormData,
      ReadableStream: globalThis.ReadableStream,
      WritableStream: globalThis.WritableStream,
      TransformStream: globalThis.TransformStream,
      CompressionStream: globalThis.CompressionStream,
      DecompressionStream: globalThis.DecompressionStream,
      TextEncoderStream: globalThis.TextEncoderStream,
      TextDecoderStream: globalThis.TextDecoderStream,
      Blob: globalThis.Blob,
      File: globalThis.File,
      TextEncoder: globalThis.TextEncoder,
      TextDecoder: globalThis.TextDecoder,
      URL: globalThis.URL,
      URLSearchParams: globalThis.URLSearchParams,
      crypto: globalThis.crypto,
      btoa: globalThis.btoa,
    },
    graphiql: config.GRAPHIQL
      ? { title: 'Connector registry', defaultQuery: DEFAULT_QUERY }
      : false,
    // A small page that loads GraphiQL's content-hashed, long-cached assets from this server (offline).
    renderGraphiQL: renderGraphiQLPage,
    landingPage: false,
    // CORS is answered by the HTTP layer (src/http/transport.ts): configured origins, no credentials.
    cors: false,
    // The HTTP layer enforces the body limit before Yoga sees the request.
    maxRequestBodySize: false,
    logging: false,
    context: ({ actor, requestId, countError, request }) =>
      graphqlContext({ prisma, actor, events, requestId, countError, runs, driver }, pubsub, {
        allowHttpLoopbackWebhooks: config.WEBHOOK_ALLOW_HTTP_LOOPBACK,
        publicOrigin: publicOrigin(config.PUBLIC_URL, request),
      }),
    maskedErrors: {
      maskError(error, message, isDev) {
        // Domain refusals that reach the top level (e.g. UNAUTHENTICATED) keep their code.
        const original = error instanceof GraphQLError ? error.originalError : error;
        if (original instanceof DomainError && error instanceof GraphQLError) {
          const extensions: Record<string, unknown> = { code: original.code };
          if (original instanceof RateLimitedError)
            extensions.retryAfter = original.retryAfterSeconds;
          return new GraphQLError(original.message, {
            nodes: error.nodes,
            path: error.path,
            extensions,
          });
        }
        // Pothos refuses bad pagination arguments (a foreign cursor, `after` with `last`…): the caller's mistake.
        if (original instanceof PothosValidationError && error instanceof GraphQLError) {
          return new GraphQLError(original.message, {
            nodes: error.nodes,
            path: error.path,
            extensions: { code: 'BAD_USER_INPUT' },
          });
        }
        // GraphQL's own refusals (syntax, validation, variables, limits, our coded errors) are the
        // caller's mistakes: answered with their code, logged at debug, never counted as faults.
        if (error instanceof GraphQLError && (!original || original instanceof GraphQLError)) {
          const reported = original instanceof GraphQLError ? original : error;
          log.debug(
            { code: reported.extensions?.code ?? 'BAD_REQUEST', message: reported.message },
            'client error',
          );
          return error;
        }
        // Everything else is a bug: log it in full, tell the client nothing about it.
        metrics.errors.inc({ code: 'INTERNAL_SERVER_ERROR', surface: 'graphql' });
        log.error(
          { err: original ?? error, path: error instanceof GraphQLError ? error.path : undefined },
          'internal error',
        );
        return maskError(error, message, isDev);
      },
    },
    plugins: [
      EnvelopArmorPlugin({
        // Depth is the nesting of fields: a fragment (Relay nests one per component) adds no level of
        // data, while the fields inside it count where they land.
        maxDepth: {
          n: config.MAX_QUERY_DEPTH,
          flattenFragments: true,
          ...rejectWith('QUERY_TOO_DEEP'),
        },
        maxAliases: { n: 15, ...rejectWith('TOO_MANY_ALIASES') },
        maxDirectives: { n: 50, ...rejectWith('TOO_MANY_DIRECTIVES') },
        maxTokens: { n: 1000 },
        // Cost is computed from Pothos complexity in useCost, which sees variable page sizes.
        costLimit: { enabled: false },
      }),
      ...persistedOperations(config, documents, trustedRequests),
      // `@defer` and `@stream` (incremental delivery over multipart/mixed or SSE).
      useDeferStream(),
      useIncrementalArgumentCheck(),
      // graphql-sse's single-connection mode at /graphql/stream (distinct connections stay on /graphql).
      ...(config.GRAPHQL_SSE_SINGLE_CONNECTION ? [useGraphQLSSE('/graphql/stream')] : []),
      useRequestErrorCodes(),
      useCleanInput(),
      useCursorCheck(),
      useIncrementalDeliveryCheck(),
      useCost({
        maxCost: config.MAX_QUERY_COMPLEXITY,
        spend: rateLimits?.spendGraphQL,
        budget: config.GRAPHQL_RATE_LIMIT_POINTS,
      }),
      useSessionEnd(pubsub),
      library.plugin,
      useErrorMetrics(metrics),
      // Last: it replaces only the execute function every plugin above ends with (after useCost's admission).
      ...(sql ? [useCompiledReads(sql)] : []),
    ],
  });
}

/**
 * Persisted operations. By default clients may send automatic persisted queries (Apollo's APQ:
 * `extensions.persistedQuery.sha256Hash`, the text once when the server does not know the hash;
 * kept per process in an LRU). With TRUSTED_DOCUMENTS_ONLY the server runs only the documents of
 * the allowlist, named by `documentId` (GraphQL-over-HTTP persisted documents, what the console
 * sends) or by `extensions.persistedQuery.sha256Hash`; any other text is refused.
 */
function persistedOperations(
  config: Config,
  documents: GraphQLParts['documents'],
  trustedRequests: GraphQLParts['trustedRequests'],
): Plugin[] {
  if (config.TRUSTED_DOCUMENTS_ONLY) {
    return [
      // Every entry point, whatever carried the text: the parser sees only allowlisted documents.
      useTrustedDocumentsOnly(documents),
      usePersistedOperations({
        getPersistedOperation: (id) => documents?.get(id.replace(/^sha256:/, '')) ?? null,
        // The HTTP layer already put an allowlisted document's text in place of its documentId.
        allowArbitraryOperations: (request) => trustedRequests?.has(request) ?? false,
        customErrors: {
          notFound: {
            message: 'This document is not in the trusted documents list.',
            extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 400 } },
          },
          keyNotFound: {
            message: 'Send a trusted document id (`documentId`).',
            extensions: { code: 'PERSISTED_QUERY_ID_REQUIRED', http: { status: 400 } },
          },
          persistedQueryOnly: {
            message:
              'This server runs only trusted documents; send a `documentId` instead of a query.',
            extensions: { code: 'TRUSTED_DOCUMENTS_ONLY', http: { status: 400 } },
          },
        },
      }),
    ];
  }
  return config.PERSISTED_QUERIES ? [useAPQ()] : [];
}

/**
 * graphql-js reports variables that do not fit their types (an unknown enum value, a string for
 * an Int…) without a code; they are the caller's mistake, so they get BAD_USER_INPUT.
 */
function useRequestErrorCodes(): Plugin {
  return {
    onExecute() {
      return {
        onExecuteDone({ result, setResult }) {
          if (!('errors' in result) || !result.errors?.length || 'data' in result) return;
          setResult({
            ...result,
            errors: result.errors.map((e) =>
              e.extensions?.code
                ? e
                : new GraphQLError(e.message, {
                    nodes: e.nodes,
                    source: e.source,
                    positions: e.positions,
                    path: e.path,
                    originalError: e.originalError,
                    extensions: { ...e.extensions, code: 'BAD_USER_INPUT' },
                  }),
            ),
          });
        },
      };
    },
  };
}

/** Counts top-level GraphQL errors by code (payload errors are counted where they are resolved). */
function useErrorMetrics(metrics: Metrics): Plugin {
  return {
    onResultProcess({ result }) {
      for (const r of Array.isArray(result) ? result : [result]) {
        const errors = (r as { errors?: readonly { extensions?: { code?: unknown } }[] }).errors;
        for (const e of errors ?? []) {
          const code = String(e.extensions?.code ?? 'UNKNOWN');
          if (code !== 'INTERNAL_SERVER_ERROR') metrics.errors.inc({ code, surface: 'graphql' });
        }
      }
    },
  };
}

const DEFAULT_QUERY = `# Send an "Authorization: Bearer <token>" header (Headers tab below).
# Create a token with: npx connector-registry token create --workspace acme --role admin
query Connectors {
  connectors(first: 10) {
    totalCount
    nodes { id name title latestVersion latestReleasedVersion latestSharedVersion }
  }
}
`;
