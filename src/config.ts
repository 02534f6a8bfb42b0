import { z } from 'zod';

/** Every knob of the registry, read from the environment in one place. */
const schema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /** postgresql://… switches from the embedded PGlite database to a PostgreSQL server. */
  DATABASE_URL: z.string().url().optional(),
  /** Where PGlite keeps its files when DATABASE_URL is not set; `memory://` keeps nothing. */
  DATA_DIR: z.string().default('./data/pglite'),
  /** Connector API calls per second and per token (the spec's 1/s), and the burst allowed. */
  RATE_LIMIT_PER_SECOND: z.coerce.number().positive().default(1),
  RATE_LIMIT_BURST: z.coerce.number().int().positive().default(10),
  /** Largest HTTP body accepted: 10 MB of code, JSON-escaped, plus the rest of the request. */
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(24 * 1024 * 1024),
  MAX_QUERY_DEPTH: z.coerce.number().int().positive().default(10),
  MAX_QUERY_COMPLEXITY: z.coerce.number().int().positive().default(5000),
  GRAPHIQL: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** How long community library answers are cached (ms); sharing, reviews and installs clear it. */
  LIBRARY_CACHE_TTL_MS: z.coerce.number().int().min(0).default(60_000),
  /** How long a shutdown waits for in-flight requests before closing what is left (ms). */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  /** Admit http:// webhook URLs on the loopback interface (local receivers, tests); HTTPS otherwise. */
  WEBHOOK_ALLOW_HTTP_LOOPBACK: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** First webhook retry after this long (ms), doubling each time, for up to WEBHOOK_MAX_ATTEMPTS attempts. */
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().positive().default(30_000),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().positive().default(8),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof schema>;

export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return { ...parsed.data, ...overrides };
}
