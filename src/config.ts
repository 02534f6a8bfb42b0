import { z } from 'zod';

/** A switch: `true` or `false` in the environment (anything else is refused), `fallback` when unset. */
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true');

/** Every knob of the registry, read from the environment in one place. */
const schema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /**
   * The registry's public address (e.g. https://registry.example.com), for the absolute URLs it
   * hands out (`logoUrl`, the CLI's sign-in links); unset, the address each request came to (the
   * running server's own address for sign-in links).
   */
  PUBLIC_URL: z.string().url().optional(),
  /** postgresql://… switches from the embedded PGlite database to a PostgreSQL server. */
  DATABASE_URL: z.string().url().optional(),
  /** Where PGlite keeps its files when DATABASE_URL is not set; `memory://` keeps nothing. */
  DATA_DIR: z.string().default('./data/pglite'),
  /**
   * REST (/api) calls per second and per token: the spec's 1/s sustained. RATE_LIMIT_BURST extra
   * calls per minute absorb a short burst (so a client that never stops gets 1 + burst/60 per s).
   */
  RATE_LIMIT_PER_SECOND: z.coerce.number().positive().default(1),
  RATE_LIMIT_BURST: z.coerce.number().int().min(0).default(3),
  /** GraphQL cost budget per token: points per window (GitHub-style fixed window, `resetAt`). */
  GRAPHQL_RATE_LIMIT_POINTS: z.coerce.number().int().positive().default(100_000),
  GRAPHQL_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().positive().default(3600),
  /** redis://… keeps the rate-limit budgets in Redis instead of the database. */
  REDIS_URL: z.string().url().optional(),
  /**
   * Origins allowed to call /graphql and /api from a browser (comma-separated, or `*` for any).
   * Never with credentials: the API authenticates with a Bearer header, not cookies.
   */
  CORS_ORIGINS: z
    .string()
    .default('*')
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    ),
  /**
   * Request headers browser apps may send besides the API's own (comma-separated; replaces the
   * default list): trace context (`traceparent`, `tracestate`), Sentry (`sentry-trace`,
   * `baggage`) and Apollo Client's `apollographql-client-name`/`-version`.
   */
  CORS_ALLOWED_HEADERS: z
    .string()
    .default(
      'traceparent,tracestate,sentry-trace,baggage,apollographql-client-name,apollographql-client-version',
    )
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    ),
  /** Accept automatic persisted queries (a SHA-256 of the document instead of its text). */
  PERSISTED_QUERIES: flag(true),
  /** graphql-sse's single-connection mode at /graphql/stream (distinct connections stay on /graphql). */
  GRAPHQL_SSE_SINGLE_CONNECTION: flag(true),
  /** A JSON file `{ "<document id>": "<GraphQL document>" }` of trusted documents clients may run by id. */
  TRUSTED_DOCUMENTS_FILE: z.string().optional(),
  /** With a trusted documents file: refuse every operation that is not in it. */
  TRUSTED_DOCUMENTS_ONLY: flag(false),
  /** Largest HTTP body accepted: 10 MB of code, JSON-escaped, plus the rest of the request. */
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(24 * 1024 * 1024),
  MAX_QUERY_DEPTH: z.coerce.number().int().positive().default(10),
  MAX_QUERY_COMPLEXITY: z.coerce.number().int().positive().default(5000),
  GRAPHIQL: flag(true),
  /** How long community library answers are cached (ms); sharing, reviews and installs clear it. */
  LIBRARY_CACHE_TTL_MS: z.coerce.number().int().min(0).default(60_000),
  /**
   * How long a bearer token's lookup is trusted without asking the database again (ms); every
   * revocation and role change empties it at once, in every process (src/domain/token-cache.ts).
   * 0 looks every token up on every request.
   */
  TOKEN_CACHE_TTL_MS: z.coerce.number().int().min(0).default(2_000),
  /** Sign-in link redemptions (POST /auth/sign-in-link) per client address and minute, shared by every gateway. */
  SIGN_IN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().positive().default(10),
  /** How long a console session (the token a sign-in link gives) lasts; Sign out revokes it at once (hours). */
  CONSOLE_SESSION_HOURS: z.coerce.number().positive().default(12),
  /** How long a shutdown waits for in-flight requests before closing what is left (ms). */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  /** Admit http:// webhook URLs on the loopback interface (local receivers, tests); HTTPS otherwise. */
  WEBHOOK_ALLOW_HTTP_LOOPBACK: flag(false),
  /** First webhook retry after this long (ms), doubling each time, for up to WEBHOOK_MAX_ATTEMPTS attempts. */
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().positive().default(30_000),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().positive().default(8),
  /**
   * The whole of one webhook delivery attempt, from connecting to the answer's status line and
   * headers (ms): a receiver that answers slowly, a byte at a time, is cut off here and retried.
   */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /**
   * The key that seals saved connections' values (AES-256-GCM): 32 bytes as base64 or 64 hex
   * digits. Unset: a key generated on first start into `<data directory>/connection-secret.key`
   * (mode 0600). Every process of one PostgreSQL database needs the same key.
   */
  CONNECTION_SECRET_KEY: z.string().optional(),
  /** Older keys (comma-separated) that still open values sealed before a rotation; `connections reseal` moves them to the current key. */
  CONNECTION_SECRET_KEYS_PREVIOUS: z.string().optional(),
  /**
   * Where connector runs execute. `embedded`: an executor process this server starts and
   * supervises (the default on PGlite). `queue`: runs go to a PostgreSQL queue (pg-boss) that any
   * number of `connector-registry executor` processes take from; `serve` takes from it too unless
   * started with `--no-executor` (the default with DATABASE_URL). `none`: runs are refused.
   */
  EXECUTOR_MODE: z.enum(['embedded', 'queue', 'none']).optional(),
  /** Pre-booted spare VMs the executor keeps warm. */
  EXECUTOR_SPARE_VMS: z.coerce.number().int().min(0).max(32).default(2),
  /**
   * Let V8 recompile the Ruby interpreter's hot code with its optimizing compiler (ExecutorOptions
   * `optimize`): a long-lived executor gains from it; one that starts for a few runs (a CI job, a
   * test server) saves about 1.5 s of CPU per executor process with `false`.
   */
  EXECUTOR_OPTIMIZE: flag(true),
  /**
   * Where an executor keeps the booted Ruby interpreter, so the next executor process starts
   * without booting it again (src/executor/snapshot-cache.ts: about a second of CPU a start):
   * a directory, or `off`. Default: node_modules/.cache/connector-registry/ of the installation.
   */
  EXECUTOR_SNAPSHOT_CACHE: z.string().min(1).optional(),
  /** Runs one executor process (or embedded executor) works at once. */
  EXECUTOR_CONCURRENCY: z.coerce.number().int().positive().max(64).default(4),
  /** Runs of one workspace queued or running at once; more are refused with TOO_MANY_RUNS. */
  RUNS_IN_FLIGHT_PER_WORKSPACE: z.coerce.number().int().positive().default(8),
  /** Runs kept per connector (the newest); older finished runs are deleted as new ones start. */
  RUN_HISTORY_CAP: z.coerce.number().int().positive().default(200),
  /** Wall-clock limit of one run (ms). */
  RUN_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  /** Let connector code reach http:// on the loopback interface (local fake APIs in tests); never in production. */
  CONNECTOR_HTTP_ALLOW_LOOPBACK: flag(false),
  /**
   * Limits of the connector executor (docs/executor.md), beside RUN_TIMEOUT_MS (wall clock per
   * run) and EXECUTOR_SPARE_VMS: memory per VM (the interpreter's memory maximum), per HTTP
   * request, request/response body size, HTTP requests per run, redirects per request, output
   * size, connector code size.
   */
  EXECUTOR_MEMORY_MB: z.coerce.number().int().min(64).max(4096).default(256),
  EXECUTOR_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(40_000),
  EXECUTOR_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  EXECUTOR_MAX_REQUESTS: z.coerce.number().int().positive().default(100),
  EXECUTOR_MAX_REDIRECTS: z.coerce.number().int().min(0).default(5),
  EXECUTOR_MAX_OUTPUT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  EXECUTOR_MAX_CODE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof schema>;

export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<Config> = {},
): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return { ...parsed.data, ...overrides };
}
