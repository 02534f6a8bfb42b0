import { loadConfig, type Config } from '../../src/config.js';
import { createToken } from '../../src/domain/auth.js';
import type { Role } from '../../src/generated/prisma/enums.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createPostgresDatabase, type Backend } from './backends.js';

export interface GraphQLResponse<T = any> {
  status: number;
  headers: Headers;
  body: { data?: T; errors?: { message: string; extensions?: Record<string, any>; path?: unknown[] }[]; extensions?: any };
}

export interface TestServer {
  backend: Backend;
  url: string;
  server: RunningServer;
  /** Mints a token for `handle` in `workspace` with `role`. */
  token(workspace: string, role?: Role, handle?: string): Promise<string>;
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

/**
 * The real HTTP server on an ephemeral port over a fresh database (PGlite in memory, or a
 * new PostgreSQL database). The rate limit is raised unless a test sets its own.
 */
export async function startTestServer(
  backend: Backend,
  overrides: Partial<Config> = {},
  opts: { onQuery?: (sql: string) => void } = {},
): Promise<TestServer> {
  const pgdb = backend === 'postgres' ? await createPostgresDatabase() : null;
  const config = loadConfig(
    { LOG_LEVEL: 'silent' },
    { PORT: 0, DATA_DIR: 'memory://', DATABASE_URL: pgdb?.url, RATE_LIMIT_PER_SECOND: 10_000, RATE_LIMIT_BURST: 10_000, ...overrides },
  );
  const server = await startServer(config, opts);
  const url = `${server.url}/graphql`;
  return {
    backend,
    url,
    server,
    async token(workspace, role = 'ADMIN', handle = role.toLowerCase()) {
      return (await createToken(server.registry.db.prisma, { workspace, role, handle })).token;
    },
    async gql(query, variables, token) {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, headers: res.headers, body: await res.json() };
    },
    async close() {
      await server.close();
      await pgdb?.drop();
    },
  };
}
