import { serve, type ServerType } from '@hono/node-server';
import { GraphQLError } from 'graphql';
import { createPubSub } from 'graphql-yoga';
import { Hono, type Context } from 'hono';
import { closeAnalyzePool } from './code/analyze-pool.js';
import type { Config } from './config.js';
import { openDatabase, type Database, type DatabaseOptions } from './db/database.js';
import { createEventTarget } from './events/index.js';
import type { RegistryPubSub } from './graphql/context.js';
import { createLibraryCache, LIBRARY_TOPIC } from './graphql/plugins/library-cache.js';
import { domainEvents } from './graphql/context.js';
import { createGraphQL } from './graphql/yoga.js';
import { parseJsonBody } from './http/json-body.js';
import {
  allowMethods,
  authenticateRequest,
  readBody,
  requireDecodableForm,
  requireSaneGraphQLParams,
  requireToken,
  restRateLimit,
  type Env,
  type Refuse,
} from './http/guard.js';
import { createDocumentStore, persistedDocuments, serveConsole } from './http/console.js';
import { signInRoutes } from './http/sign-in.js';
import { oauthRoutes } from './http/oauth.js';
import { createMetrics, observe, type Metrics } from './http/observability.js';
import { apiCors, graphqlResponseType, jsonTransport } from './http/transport.js';
import { serveGraphiQLAssets } from './http/graphiql.js';
import { serveLogos } from './http/logos.js';
import { createRateLimits, type RateLimits } from './http/rate-limit.js';
import { createWebhookDeliverer } from './http/webhook-deliverer.js';
import { WEBHOOK_WAKE_TOPIC } from './domain/events.js';
import { createTokenCache, type TokenCache } from './domain/token-cache.js';
import { createLogger, type Logger } from './log.js';
import { errorBody } from './rest/errors.js';
import { restRoutes } from './rest/routes.js';
import { startAdminSocket } from './cli/admin-socket.js';
import { createRunMachinery, type RunMachinery } from './runs/services.js';

/**
 * Refusals before GraphQL runs still read as GraphQL responses, in the media type the client
 * negotiated (GraphQL over HTTP: `application/graphql-response+json` when it asks for it, so a
 * client such as Apollo Client reads the error's `extensions.code` instead of a bare ServerError).
 * Every 401 carries `WWW-Authenticate: Bearer`.
 */
const refuseGraphQL: Refuse = (c, status, code, message, headers = {}) => {
  c.get('countError')?.(code, 'http');
  const extensions: Record<string, unknown> = { code };
  if (headers['Retry-After']) extensions.retryAfter = Number(headers['Retry-After']);
  const type = graphqlResponseType(c.req.header('accept'));
  return c.body(JSON.stringify({ errors: [{ message, extensions }] }), status, {
    ...authChallenge(status, headers),
    ...headers,
    'Content-Type': `${type}; charset=utf-8`,
  });
};

/** Refusals before a REST handler runs use the spec's error body. */
const refuseRest: Refuse = (c, status, code, message, headers = {}) => {
  c.get('countError')?.(code, 'http');
  return c.json({ ...errorBody(status, message), error_code: code }, status, {
    ...authChallenge(status, headers),
    ...headers,
  });
};

/** RFC 6750: a 401 names the scheme; a token that was given but refused is `invalid_token`. */
function authChallenge(status: number, headers: Record<string, string>): Record<string, string> {
  return status === 401 && !headers['WWW-Authenticate']
    ? { 'WWW-Authenticate': 'Bearer error="invalid_token"' }
    : {};
}

const decoder = new TextDecoder();

/**
 * The request as Yoga reads it: the incoming one (its URL, method and headers, read lazily by
 * Hono's Node adapter's own light Request, whose getters this object inherits) with the body the HTTP layer has already read and checked (readBody).
 * Building a second Fetch `Request` around the bytes cost every request a Headers copy, an abort
 * signal and a body stream; Yoga only asks for the text (JSON, GraphQL or form bodies) or the
 * form data (multipart). Its signal never aborts, as that second Request's did.
 */
function withBody(raw: Request, bytes: ArrayBuffer): Request {
  let signal: AbortSignal | undefined;
  let parsed: Promise<unknown> | undefined;
  const text = () => Promise.resolve(decoder.decode(bytes));
  const fetchBody = () =>
    new Response(bytes, { headers: { 'content-type': raw.headers.get('content-type') ?? '' } });
  return Object.create(raw, {
    text: { value: text },
    // Yoga reads a JSON body once, through here: the bytes move to the parse worker (json-body.ts).
    json: { value: () => (parsed ??= parseJsonBody(bytes, true).catch(notJson)) },
    arrayBuffer: { value: () => Promise.resolve(bytes.slice(0)) },
    bytes: { value: () => Promise.resolve(new Uint8Array(bytes.slice(0))) },
    blob: { value: () => fetchBody().blob() },
    formData: { value: () => fetchBody().formData() },
    body: { get: () => fetchBody().body },
    bodyUsed: { get: () => false },
    signal: { get: () => (signal ??= new AbortController().signal) },
  }) as Request;
}

/**
 * A body that does not parse: Yoga would answer with the parser's own error in
 * `extensions.originalError` (its name and message, in production too). A GraphQLError passes
 * through Yoga's request parser as it is, so the client gets the refusal and nothing else.
 */
function notJson(): never {
  throw new GraphQLError('POST body sent invalid JSON.', {
    extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
  });
}

/** Where GraphQL is served: the endpoint, and graphql-sse's single-connection stream. */
const GRAPHQL_PATHS = ['/graphql', '/graphql/stream'];

/** The GraphiQL page is what a browser gets from a plain GET of /graphql: public, never limited. */
const isGraphiQLPage = (c: Context<Env>) =>
  c.req.method === 'GET' &&
  c.req.path === '/graphql' &&
  (c.req.header('accept') ?? '').includes('text/html');

export interface Registry {
  app: Hono<Env>;
  /** Where the console is reached: PUBLIC_URL, or the address the server listens on once it does. */
  where: { url?: string };
  db: Database;
  log: Logger;
  metrics: Metrics;
  /** Connector runs: sealing, dispatch, and (embedded or with a worker) the executor. */
  runs: RunMachinery;
  close(): Promise<void>;
}

interface AppParts {
  db: Database;
  /** Bearer tokens to principals (remembered briefly, emptied by every credentials change). */
  tokens: TokenCache;
  rateLimits: RateLimits;
  pubsub: RegistryPubSub;
  log: Logger;
  metrics: Metrics;
  runs?: RunMachinery;
}

/** The whole registry over an opened database: /graphql, /api, /health, /ready, /metrics. */
export function createApp(
  config: Config,
  { db, tokens, pubsub, log, metrics, rateLimits, runs }: AppParts,
): Hono<Env> {
  const library = createLibraryCache(config.LIBRARY_CACHE_TTL_MS);
  // Other processes' library changes arrive through the pubsub (PostgreSQL NOTIFY).
  void (async () => {
    for await (const _ of pubsub.subscribe(LIBRARY_TOPIC)) library.invalidate();
  })();
  const documents = createDocumentStore(config.TRUSTED_DOCUMENTS_FILE);
  const trustedRequests = new WeakSet<Request>();
  const yoga = createGraphQL(config, {
    prisma: db.prisma,
    log,
    pubsub,
    metrics,
    library,
    rateLimits,
    documents,
    trustedRequests,
    runs: runs?.services,
    sql: db.sql,
    driver: db.kind === 'postgres' ? db.sql : undefined,
  });
  const app = new Hono<Env>();

  app.use('*', observe(log, metrics));
  // Browser apps on the allowed origins; preflights are answered here, before any other check.
  for (const path of ['/graphql', '/graphql/*', '/api/*'])
    app.use(path, apiCors(config.CORS_ORIGINS, config.CORS_ALLOWED_HEADERS), jsonTransport());
  // Fixed endpoints answer other methods with 405 and the methods they take.
  app.use('/health', allowMethods(['GET', 'HEAD'], refuseGraphQL));
  app.use('/ready', allowMethods(['GET', 'HEAD'], refuseGraphQL));
  app.use('/metrics', allowMethods(['GET', 'HEAD'], refuseGraphQL));
  app.use('/graphql', allowMethods(['GET', 'POST', 'OPTIONS'], refuseGraphQL));

  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/ready', async (c) => {
    try {
      await db.sql.query('SELECT 1');
      return c.json({ status: 'ready', database: db.kind });
    } catch (error) {
      c.get('log').warn({ err: error }, 'not ready');
      return c.json({ status: 'unavailable', database: db.kind }, 503);
    }
  });
  app.get('/metrics', async (c) =>
    c.text(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType }),
  );

  // The GraphiQL page (HTML at /graphql) is never framed by another page (clickjacking), like the console's pages.
  app.use('/graphql', async (c, next) => {
    await next();
    if ((c.res.headers.get('content-type') ?? '').startsWith('text/html')) {
      c.res.headers.set(
        'Content-Security-Policy',
        "frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'self'",
      );
      c.res.headers.set('X-Frame-Options', 'DENY');
      c.res.headers.set('X-Content-Type-Options', 'nosniff');
      c.res.headers.set('Referrer-Policy', 'no-referrer');
    }
  });
  serveGraphiQLAssets(app); // public, immutable, never rate-limited
  serveLogos(app, db.prisma); // public (content-addressed, unguessable), immutable, never rate-limited
  for (const path of GRAPHQL_PATHS) {
    app.use(
      path,
      readBody(config.MAX_BODY_BYTES, refuseGraphQL),
      requireDecodableForm(refuseGraphQL),
    );
    app.use(
      path,
      requireSaneGraphQLParams(refuseGraphQL),
      persistedDocuments(documents, refuseGraphQL),
    ); // allowlisted documents by `documentId` (the console's)
    // A missing token answers like a bad one (401 UNAUTHENTICATED); the GraphiQL page is public.
    app.use(
      path,
      authenticateRequest(tokens, refuseGraphQL),
      requireToken(refuseGraphQL, isGraphiQLPage),
    );
  }
  // GraphQL spends each operation's cost from the token's budget (useCost), once the cost is known.
  const graphql = async (c: Context<Env>) => {
    const body = c.get('body');
    const fromNode = (c.env as { incoming?: unknown } | undefined)?.incoming !== undefined;
    const request =
      !body || c.req.method === 'GET'
        ? c.req.raw
        : fromNode
          ? withBody(c.req.raw, body)
          : new Request(c.req.raw.url, { method: c.req.method, headers: c.req.raw.headers, body }); // app.request() in process
    if (c.get('trustedDocument')) trustedRequests.add(request);
    const response = await yoga.fetch(request, {
      actor: c.get('actor'),
      log: c.get('log'),
      rateLimitSlot: {},
      requestId: c.get('requestId'),
      countError: c.get('countError'),
    });
    // Yoga answers an unsupported content type with an empty 415; give it a body and a code.
    if (response.status === 415)
      return refuseGraphQL(
        c,
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'Send GraphQL as application/json (or application/graphql, form data, or GET parameters).',
      );
    return response;
  };
  app.on(['GET', 'POST', 'OPTIONS'], '/graphql', graphql);
  // graphql-sse single-connection mode: PUT reserves a stream, GET listens, POST runs, DELETE stops.
  app.use(
    '/graphql/stream',
    allowMethods(['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'], refuseGraphQL),
  );
  app.on(['GET', 'POST', 'PUT', 'DELETE'], '/graphql/stream', graphql);

  app.use('/api/*', readBody(config.MAX_BODY_BYTES, refuseRest));
  app.use(
    '/api/*',
    authenticateRequest(tokens, refuseRest),
    requireToken(refuseRest),
    restRateLimit(rateLimits, refuseRest),
  );
  app.route('/api', restRoutes(db.prisma, domainEvents(pubsub, library)));
  // Sign-in codes are 256-bit secrets: guessing is hopeless, so only the body is bounded here.
  app.use('/auth/*', readBody(64 * 1024, refuseRest));
  signInRoutes(app, db.prisma, { rateLimits, sessionHours: config.CONSOLE_SESSION_HOURS }); // the console's one-time sign-in links and sessions
  // OAuth2 providers send the browser back here after Connect (the state is the credential).
  app.use('/oauth/callback', allowMethods(['GET', 'HEAD'], refuseGraphQL));
  oauthRoutes(app, {
    prisma: db.prisma,
    runs: runs?.services,
    events: domainEvents(pubsub, library),
  });
  serveConsole(app); // the web console at / (web/dist)
  // Hono asks the root app, not the mounted one, when no route matches.
  app.notFound((c) => {
    const message = `No endpoint ${c.req.method} ${c.req.path}.`;
    return c.req.path.startsWith('/api/')
      ? refuseRest(c, 404, 'NOT_FOUND', message)
      : c.json({ message, errors: [{ message, extensions: { code: 'NOT_FOUND' } }] }, 404);
  });
  app.onError((error, c) => {
    c.get('countError')?.('INTERNAL_SERVER_ERROR', 'http');
    c.get('log')?.error({ err: error }, 'internal error');
    return c.json(
      { errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] },
      500,
    );
  });
  return app;
}

/**
 * Opens the database named by the config, applies migrations, and builds the app. Live events go
 * through PostgreSQL LISTEN/NOTIFY when there is a server (so every gateway process sees them),
 * in process with PGlite.
 */
export type RegistryOptions = Pick<DatabaseOptions, 'onQuery' | 'lockWaitMs' | 'seed'> & {
  /** Where the JSON log lines go (stdout when absent). */
  logDestination?: import('pino').DestinationStream;
  /** With PostgreSQL: whether this gateway also works the run queue (`serve --no-executor` says no). Default true. */
  withExecutor?: boolean;
};

export async function createRegistry(
  config: Config,
  opts: RegistryOptions = {},
): Promise<Registry> {
  const log = createLogger(config.LOG_LEVEL, opts.logDestination);
  const db = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    onQuery: opts.onQuery,
    lockWaitMs: opts.lockWaitMs,
    seed: config.DATABASE_URL ? undefined : opts.seed,
  });
  await db.migrate();
  const events = await createEventTarget(
    config.DATABASE_URL,
    (err) => log.warn({ err }, 'event channel trouble'),
    db.listen?.bind(db),
  );
  const pubsub: RegistryPubSub = createPubSub({ eventTarget: events });
  const metrics = createMetrics();
  const rateLimits = await createRateLimits(config, db);
  const tokens = createTokenCache(db.prisma, events, { ttlMs: config.TOKEN_CACHE_TTL_MS });
  const runs = createRunMachinery(config, {
    prisma: db.prisma,
    log,
    pubsub,
    withWorker: opts.withExecutor !== false,
  });
  const app = createApp(config, { db, tokens, pubsub, log, metrics, rateLimits, runs });
  const where: { url?: string } = { url: config.PUBLIC_URL?.replace(/\/$/, '') };
  // The CLI beside the embedded server: commands arrive on a Unix socket in the data directory.
  const admin =
    db.kind === 'pglite' && !config.DATA_DIR.startsWith('memory://')
      ? await startAdminSocket(
          config.DATA_DIR,
          {
            db,
            events: domainEvents(pubsub),
            publicUrl: () => where.url,
            box: runs.services.box,
          },
          log,
        )
      : null;
  const deliverer = createWebhookDeliverer(db, log, {
    retryBaseMs: config.WEBHOOK_RETRY_BASE_MS,
    maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    targets: { allowLoopback: config.WEBHOOK_ALLOW_HTTP_LOOPBACK },
  });
  // New lifecycle events wake the deliverer at once (from any process on PostgreSQL).
  void (async () => {
    for await (const _ of pubsub.subscribe(WEBHOOK_WAKE_TOPIC)) deliverer.poke();
  })();
  return {
    app,
    where,
    db,
    log,
    metrics,
    runs,
    async close() {
      await admin?.close();
      await runs.close();
      await deliverer.stop();
      await rateLimits.close();
      tokens.close();
      await events.close();
      await db.close();
      await closeAnalyzePool();
    },
  };
}

export interface RunningServer {
  url: string;
  registry: Registry;
  /** Stops taking connections, lets in-flight requests finish (up to SHUTDOWN_GRACE_MS), then closes the database. */
  close(): Promise<void>;
}

export async function startServer(
  config: Config,
  opts: RegistryOptions = {},
): Promise<RunningServer> {
  const registry = await createRegistry(config, opts);
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: registry.app.fetch, hostname: config.HOST, port: config.PORT }, () =>
      resolve(s),
    );
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  registry.where.url ??= `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${config.HOST}:${port}`,
    registry,
    close() {
      closing ??= (async () => {
        const http = server as import('node:http').Server;
        const closed = new Promise<void>((resolve) => http.close(() => resolve()));
        // Keep-alive connections with no request in flight would hold close() open.
        http.closeIdleConnections?.();
        const grace = setTimeout(() => http.closeAllConnections?.(), config.SHUTDOWN_GRACE_MS);
        await closed;
        clearTimeout(grace);
        await registry.close();
      })();
      return closing;
    },
  };
}
