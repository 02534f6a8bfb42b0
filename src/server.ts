import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { compress } from 'hono/compress';
import type { Config } from './config.js';
import { openDatabase, type Database, type DatabaseOptions } from './db/database.js';
import { createPubSub } from 'graphql-yoga';
import type { RegistryPubSub } from './graphql/context.js';
import { createGraphQL } from './graphql/yoga.js';
import { authenticateRequest, limitBody, rateLimit, readBody, requireToken, type Env, type Refuse } from './http/guard.js';
import { createRateLimiter } from './http/rate-limit.js';
import { createLogger } from './log.js';
import { errorBody } from './rest/errors.js';
import { restRoutes } from './rest/routes.js';

/** Refusals before GraphQL runs still read as GraphQL responses. */
const refuseGraphQL: Refuse = (c, status, code, message, headers = {}) => {
  const extensions: Record<string, unknown> = { code };
  if (headers['Retry-After']) extensions.retryAfter = Number(headers['Retry-After']);
  return c.json({ errors: [{ message, extensions }] }, status, headers);
};

/** Refusals before a REST handler runs use the spec's error body. */
const refuseRest: Refuse = (c, status, code, message, headers = {}) =>
  c.json({ ...errorBody(status, message), error_code: code }, status, headers);

export interface Registry {
  app: Hono<Env>;
  db: Database;
  close(): Promise<void>;
}

/** The whole registry over an opened database: GraphQL at /graphql, health at /health. */
export function createApp(config: Config, db: Database, pubsub: RegistryPubSub = createPubSub()): Hono<Env> {
  const log = createLogger(config.LOG_LEVEL);
  const yoga = createGraphQL(config, db.prisma, log, pubsub);
  // One limiter for both front doors: a token has one budget whichever it uses.
  const limiter = createRateLimiter({ perSecond: config.RATE_LIMIT_PER_SECOND, burst: config.RATE_LIMIT_BURST });
  const app = new Hono<Env>();

  app.get('/health', (c) => c.json({ status: 'ok' }));

  app.get('/graphql', compress()); // the GraphiQL page inlines its 9 MB of assets
  app.use('/graphql', limitBody(config.MAX_BODY_BYTES, refuseGraphQL), readBody(config.MAX_BODY_BYTES, refuseGraphQL));
  app.use('/graphql', authenticateRequest(db.prisma, refuseGraphQL), rateLimit(limiter, refuseGraphQL));
  app.on(['GET', 'POST', 'OPTIONS'], '/graphql', (c: Context<Env>) => {
    const body = c.get('body');
    const request = body && c.req.method !== 'GET' ? new Request(c.req.raw.url, { method: c.req.method, headers: c.req.raw.headers, body }) : c.req.raw;
    return yoga.fetch(request, { actor: c.get('actor') });
  });

  app.use('/api/*', limitBody(config.MAX_BODY_BYTES, refuseRest), readBody(config.MAX_BODY_BYTES, refuseRest));
  app.use('/api/*', authenticateRequest(db.prisma, refuseRest), requireToken(refuseRest), rateLimit(limiter, refuseRest));
  app.route('/api', restRoutes(db.prisma, log));
  // Hono asks the root app, not the mounted one, when no route matches.
  app.notFound((c) => {
    const message = `No endpoint ${c.req.method} ${c.req.path}.`;
    return c.req.path.startsWith('/api/') ? refuseRest(c, 404, 'NOT_FOUND', message) : c.json({ message }, 404);
  });
  return app;
}

/** Opens the database named by the config, applies migrations, and builds the app. */
export async function createRegistry(config: Config, opts: Pick<DatabaseOptions, 'onQuery' | 'lockWaitMs'> = {}): Promise<Registry> {
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, ...opts });
  await db.migrate();
  return { app: createApp(config, db), db, close: () => db.close() };
}

export interface RunningServer {
  url: string;
  registry: Registry;
  close(): Promise<void>;
}

export async function startServer(config: Config, opts: Pick<DatabaseOptions, 'onQuery' | 'lockWaitMs'> = {}): Promise<RunningServer> {
  const registry = await createRegistry(config, opts);
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: registry.app.fetch, hostname: config.HOST, port: config.PORT }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  return {
    url: `http://${config.HOST}:${port}`,
    registry,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await registry.close();
    },
  };
}
