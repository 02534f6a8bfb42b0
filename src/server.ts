import { serve, type ServerType } from '@hono/node-server';
import { createPubSub } from 'graphql-yoga';
import { Hono, type Context } from 'hono';
import { compress } from 'hono/compress';
import { closeAnalyzePool } from './code/analyze-pool.js';
import type { Config } from './config.js';
import { openDatabase, type Database, type DatabaseOptions } from './db/database.js';
import { createEventTarget } from './events/index.js';
import type { RegistryPubSub } from './graphql/context.js';
import { createLibraryCache, LIBRARY_TOPIC } from './graphql/library-cache.js';
import { requestScope } from './graphql/builder.js';
import { domainEvents } from './graphql/context.js';
import { createGraphQL } from './graphql/yoga.js';
import { authenticateRequest, limitBody, rateLimit, readBody, requireDecodableForm, requireToken, type Env, type Refuse } from './http/guard.js';
import { createMetrics, observe, type Metrics } from './http/observability.js';
import { createRateLimiter } from './http/rate-limit.js';
import { createWebhookDeliverer } from './http/webhook-deliverer.js';
import { WEBHOOK_WAKE_TOPIC } from './domain/events.js';
import { createLogger, type Logger } from './log.js';
import { errorBody } from './rest/errors.js';
import { restRoutes } from './rest/routes.js';
import { startAdminSocket } from './cli/admin-socket.js';

/** Refusals before GraphQL runs still read as GraphQL responses. */
const refuseGraphQL: Refuse = (c, status, code, message, headers = {}) => {
  c.get('countError')?.(code, 'http');
  const extensions: Record<string, unknown> = { code };
  if (headers['Retry-After']) extensions.retryAfter = Number(headers['Retry-After']);
  return c.json({ errors: [{ message, extensions }] }, status, headers);
};

/** Refusals before a REST handler runs use the spec's error body. */
const refuseRest: Refuse = (c, status, code, message, headers = {}) => {
  c.get('countError')?.(code, 'http');
  return c.json({ ...errorBody(status, message), error_code: code }, status, headers);
};

export interface Registry {
  app: Hono<Env>;
  db: Database;
  log: Logger;
  metrics: Metrics;
  close(): Promise<void>;
}

interface AppParts {
  db: Database;
  pubsub: RegistryPubSub;
  log: Logger;
  metrics: Metrics;
}

/** The whole registry over an opened database: /graphql, /api, /health, /ready, /metrics. */
export function createApp(config: Config, { db, pubsub, log, metrics }: AppParts): Hono<Env> {
  const library = createLibraryCache(config.LIBRARY_CACHE_TTL_MS);
  // Other processes' library changes arrive through the pubsub (PostgreSQL NOTIFY).
  void (async () => {
    for await (const _ of pubsub.subscribe(LIBRARY_TOPIC)) library.invalidate();
  })();
  const yoga = createGraphQL(config, { prisma: db.prisma, log, pubsub, metrics, library });
  // One limiter for both front doors: a token has one budget whichever it uses.
  const limiter = createRateLimiter({ perSecond: config.RATE_LIMIT_PER_SECOND, burst: config.RATE_LIMIT_BURST });
  const app = new Hono<Env>();

  app.use('*', observe(log, metrics));
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
  app.get('/metrics', async (c) => c.text(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType }));

  app.get('/graphql', compress()); // the GraphiQL page inlines its 9 MB of assets
  app.use('/graphql', limitBody(config.MAX_BODY_BYTES, refuseGraphQL), readBody(config.MAX_BODY_BYTES, refuseGraphQL), requireDecodableForm(refuseGraphQL));
  app.use('/graphql', authenticateRequest(db.prisma, refuseGraphQL), rateLimit(limiter, refuseGraphQL));
  app.on(['GET', 'POST', 'OPTIONS'], '/graphql', (c: Context<Env>) => {
    const body = c.get('body');
    const request = body && c.req.method !== 'GET' ? new Request(c.req.raw.url, { method: c.req.method, headers: c.req.raw.headers, body }) : c.req.raw;
    return requestScope.run({ countError: c.get('countError') }, () => yoga.fetch(request, { actor: c.get('actor'), log: c.get('log'), requestId: c.get('requestId') }));
  });

  app.use('/api/*', limitBody(config.MAX_BODY_BYTES, refuseRest), readBody(config.MAX_BODY_BYTES, refuseRest));
  app.use('/api/*', authenticateRequest(db.prisma, refuseRest), requireToken(refuseRest), rateLimit(limiter, refuseRest));
  app.route('/api', restRoutes(db.prisma, domainEvents(pubsub, library)));
  // Hono asks the root app, not the mounted one, when no route matches.
  app.notFound((c) => {
    const message = `No endpoint ${c.req.method} ${c.req.path}.`;
    return c.req.path.startsWith('/api/') ? refuseRest(c, 404, 'NOT_FOUND', message) : c.json({ message }, 404);
  });
  return app;
}

/**
 * Opens the database named by the config, applies migrations, and builds the app. Live events go
 * through PostgreSQL LISTEN/NOTIFY when there is a server (so every gateway process sees them),
 * in process with PGlite.
 */
export async function createRegistry(config: Config, opts: Pick<DatabaseOptions, 'onQuery' | 'lockWaitMs'> = {}): Promise<Registry> {
  const log = createLogger(config.LOG_LEVEL);
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, ...opts });
  await db.migrate();
  const events = await createEventTarget(config.DATABASE_URL, (err) => log.warn({ err }, 'event channel trouble'));
  const pubsub: RegistryPubSub = createPubSub({ eventTarget: events });
  const metrics = createMetrics();
  const app = createApp(config, { db, pubsub, log, metrics });
  // The CLI beside the embedded server: commands arrive on a Unix socket in the data directory.
  const admin =
    db.kind === 'pglite' && !config.DATA_DIR.startsWith('memory://')
      ? await startAdminSocket(config.DATA_DIR, { db, events: domainEvents(pubsub) }, log)
      : null;
  const deliverer = createWebhookDeliverer(db, log, {
    retryBaseMs: config.WEBHOOK_RETRY_BASE_MS,
    maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
    timeoutMs: 10_000,
  });
  // New lifecycle events wake the deliverer at once (from any process on PostgreSQL).
  void (async () => {
    for await (const _ of pubsub.subscribe(WEBHOOK_WAKE_TOPIC)) deliverer.poke();
  })();
  return {
    app,
    db,
    log,
    metrics,
    async close() {
      await admin?.close();
      await deliverer.stop();
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

export async function startServer(config: Config, opts: Pick<DatabaseOptions, 'onQuery' | 'lockWaitMs'> = {}): Promise<RunningServer> {
  const registry = await createRegistry(config, opts);
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: registry.app.fetch, hostname: config.HOST, port: config.PORT }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
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
