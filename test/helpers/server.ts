import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { loadConfig, type Config } from '../../src/config.js';
import { createReviewerToken, createToken } from '../../src/domain/auth.js';
import type { Role } from '../../src/generated/prisma/enums.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createPostgresDatabase, type Backend } from './backends.js';
import type { Document } from './documents.js';
import { pgliteSeed, postgresTemplate, seededDataDir } from './templates.js';

export interface GraphQLResponse<T = any> {
  status: number;
  headers: Headers;
  body: {
    data?: T;
    errors?: { message: string; extensions?: Record<string, any>; path?: unknown[] }[];
    extensions?: any;
  };
}

/**
 * The answer to a shared document. `data` is typed as present: a response with errors has none,
 * and a test reading it fails there (as it would reading `any`).
 */
export interface TypedResponse<T> extends GraphQLResponse<T> {
  body: GraphQLResponse<T>['body'] & { data: T };
}

export interface RestResponse<T = any> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
  text: string;
}

export interface RestRequest {
  token?: string;
  /** A JSON body (stringified here) or raw bytes/text sent as is. */
  body?: unknown;
  raw?: string | Buffer;
  headers?: Record<string, string>;
}

export interface Subscription {
  next(timeoutMs?: number): Promise<any>;
  close(): void;
}

/** Subscribes over SSE (Yoga's GraphQL-over-SSE, distinct connections mode) and hands out events. */
export async function sseSubscribe(
  url: string,
  query: string,
  token: string,
): Promise<Subscription> {
  const abort = new AbortController();
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({ query }),
    signal: abort.signal,
  });
  if (!res.ok || !res.body)
    throw new Error(`subscription refused: ${res.status} ${await res.text()}`);
  const events: any[] = [];
  const waiting: ((e: any) => void)[] = [];
  (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trim())
            .join('\n');
          if (!data) continue;
          const event = JSON.parse(data);
          const w = waiting.shift();
          if (w) w(event);
          else events.push(event);
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    next(timeoutMs = 10_000) {
      if (events.length) return Promise.resolve(events.shift());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('no subscription event in time')),
          timeoutMs,
        );
        waiting.push((e) => {
          clearTimeout(timer);
          resolve(e);
        });
      });
    },
    close: () => abort.abort(),
  };
}

export interface TestServer {
  backend: Backend;
  url: string;
  /** The PostgreSQL database the server runs on (undefined on PGlite): for a second gateway or the CLI. */
  databaseUrl?: string;
  server: RunningServer;
  /** Mints a token for `handle` in `workspace` with `role`. */
  token(workspace: string, role?: Role, handle?: string): Promise<string>;
  /** Mints a platform reviewer's token. */
  reviewerToken(handle?: string): Promise<string>;
  /** A shared document (test/helpers/documents.ts): its variables are checked, its result typed. */
  gql<TData, TVariables>(
    query: Document<TData, TVariables>,
    variables: TVariables,
    token?: string,
  ): Promise<TypedResponse<TData>>;
  gql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<GraphQLResponse<T>>;
  /** A GraphQL subscription over SSE; `next()` resolves with each event's payload. */
  subscribe(query: string, token: string): Promise<Subscription>;
  /** A REST call the way curl makes it (node:http, so GET may carry a body as in the spec's samples). */
  rest<T = any>(method: string, path: string, req?: RestRequest): Promise<RestResponse<T>>;
  close(): Promise<void>;
}

function restCall(
  base: string,
  method: string,
  path: string,
  req: RestRequest = {},
): Promise<RestResponse> {
  const payload = req.raw ?? (req.body === undefined ? undefined : JSON.stringify(req.body));
  const headers: Record<string, string> = {
    ...(req.token ? { authorization: `Bearer ${req.token}` } : {}),
    ...(payload !== undefined && req.raw === undefined
      ? { 'content-type': 'application/json' }
      : {}),
    ...(payload !== undefined ? { 'content-length': String(Buffer.byteLength(payload)) } : {}),
    ...req.headers,
  };
  return new Promise((resolve, reject) => {
    const r = httpRequest(new URL(path, base), { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
      });
    });
    r.on('error', reject);
    if (payload !== undefined) r.write(payload);
    r.end();
  });
}

/**
 * The real HTTP server on an ephemeral port over a fresh database (PGlite in memory, or a
 * new PostgreSQL database). The rate limits are raised unless a test sets its own. The database
 * starts as a copy of one already migrated (templates.ts; the server's migrator then finds nothing
 * to apply); `fromScratch` runs initdb and every migration instead. A `DATA_DIR` on disk that does
 * not exist yet is unpacked from the same seed (`seededDataDir`) unless `fromScratch`.
 */
export async function startTestServer(
  backend: Backend,
  overrides: Partial<Config> = {},
  opts: {
    onQuery?: (sql: string) => void;
    logDestination?: import('pino').DestinationStream;
    fromScratch?: boolean;
  } = {},
): Promise<TestServer> {
  const copy =
    !opts.fromScratch && overrides.DATA_DIR === undefined && overrides.DATABASE_URL === undefined;
  const pgdb =
    backend === 'postgres'
      ? await createPostgresDatabase({ template: copy ? await postgresTemplate() : undefined })
      : null;
  const seed = backend === 'pglite' && copy ? await pgliteSeed() : undefined;
  const dataDir = overrides.DATA_DIR;
  if (
    backend === 'pglite' &&
    !opts.fromScratch &&
    dataDir !== undefined &&
    !dataDir.startsWith('memory://') &&
    overrides.DATABASE_URL === undefined &&
    !existsSync(dataDir)
  )
    await seededDataDir(dataDir);
  const config = loadConfig(
    { LOG_LEVEL: 'silent' },
    {
      PORT: 0,
      DATA_DIR: 'memory://',
      DATABASE_URL: pgdb?.url,
      RATE_LIMIT_PER_SECOND: 10_000,
      RATE_LIMIT_BURST: 10_000,
      GRAPHQL_RATE_LIMIT_POINTS: 100_000_000,
      // A test server's executor lives for a few runs (docs/testing.md); test/executor/ keeps the default.
      EXECUTOR_OPTIMIZE: false,
      ...overrides,
    },
  );
  const server = await startServer(config, {
    onQuery: opts.onQuery,
    logDestination: opts.logDestination,
    seed,
  });
  const url = `${server.url}/graphql`;
  return {
    backend,
    url,
    databaseUrl: pgdb?.url,
    server,
    async token(workspace, role = 'ADMIN', handle = role.toLowerCase()) {
      return (await createToken(server.registry.db.prisma, { workspace, role, handle })).token;
    },
    async reviewerToken(handle = 'rita') {
      return (await createReviewerToken(server.registry.db.prisma, handle)).token;
    },
    subscribe: (query, token) => sseSubscribe(url, query, token),
    async gql(query: string, variables?: Record<string, unknown>, token?: string) {
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
    rest: (method, path, req) => restCall(server.url, method, path, req),
    async close() {
      await server.close();
      await pgdb?.drop();
    },
  };
}
