import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from '../log.js';
import type { Env } from './guard.js';

/** Prometheus metrics of one registry instance (its own prom-client Registry, so tests can run several). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: 'registry_http_requests_total',
      help: 'HTTP requests by method, route and status.',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'registry_http_request_duration_seconds',
      help: 'HTTP request latency by method and route.',
      labelNames: ['method', 'route'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    errors: new Counter({
      name: 'registry_errors_total',
      help: 'Refusals and faults by stable error code and where they were answered (graphql, payload, rest, http).',
      labelNames: ['code', 'surface'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * Gives every request an id (the caller's `X-Request-Id` when sane, else a new UUID), echoes it,
 * logs one JSON line when the response is done, and records count and latency by route.
 */
export function observe(log: Logger, metrics: Metrics): MiddlewareHandler<Env> {
  return async (c, next) => {
    const given = c.req.header('x-request-id');
    const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
    const reqLog = log.child({ requestId });
    c.set('requestId', requestId);
    c.set('log', reqLog);
    c.set('countError', (code: string, surface: string) => metrics.errors.inc({ code, surface }));
    const start = performance.now();
    try {
      await next();
    } finally {
      const seconds = (performance.now() - start) / 1000;
      // The matched pattern (`/api/custom_connectors/:id`), not the path: ids would explode the label set.
      const route = c.req.routePath || 'unmatched';
      const status = c.res.status;
      // On the response as it is: c.header() would re-wrap a finished response, turning its
      // body into a stream that is then piped instead of written at once.
      try {
        c.res.headers.set('X-Request-Id', requestId);
      } catch {
        c.header('X-Request-Id', requestId); // immutable headers (a fetched or redirect response)
      }
      metrics.requests.inc({ method: c.req.method, route, status: String(status) });
      metrics.duration.observe({ method: c.req.method, route }, seconds);
      reqLog.info(
        { method: c.req.method, path: c.req.path, status, ms: Math.round(seconds * 1000) },
        'request',
      );
    }
  };
}
