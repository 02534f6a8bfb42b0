import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Database } from '../db/database.js';
import { checkWebhookTarget, guardedLookup, type TargetPolicy } from '../domain/webhook-targets.js';
import { signPayload } from '../domain/webhooks.js';
import type { Logger } from '../log.js';

export interface DelivererOptions {
  /** First retry after this long; each next one waits twice as long (capped at an hour). */
  retryBaseMs: number;
  maxAttempts: number;
  /** The total deadline of one attempt: connect, send, and the answer's status and headers. */
  timeoutMs: number;
  /** Where deliveries may go (public addresses; loopback too only with WEBHOOK_ALLOW_HTTP_LOOPBACK). */
  targets: TargetPolicy;
}

/** Attempts in flight per workspace in one process: a workspace's slow receiver holds only its own. */
export const PER_WORKSPACE_IN_FLIGHT = 4;

/**
 * One POST with node:http(s): the target URL is checked again (rules may be stricter than when it
 * was registered) and the connection uses a DNS lookup that refuses non-public addresses, so what
 * is checked is what is connected to. Redirects are not followed. The answer counts once its
 * status line and headers are in: the body is not read (the connection is dropped), so a receiver
 * dripping a body never holds the deliverer, and one dripping its headers meets the deadline,
 * which covers the whole attempt (the socket's idle timeout alone would let it go on for ever).
 */
function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  opts: DelivererOptions,
  signal: AbortSignal,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(checkWebhookTarget(url, opts.targets));
    } catch (e) {
      reject(new Error(`Refused: ${(e as Error).message}`));
      return;
    }
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(
      target,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-length': String(Buffer.byteLength(body)),
          connection: 'close',
        },
        lookup: guardedLookup(opts.targets),
        timeout: opts.timeoutMs,
      },
      (res) => {
        clearTimeout(deadline);
        resolve(res.statusCode ?? 0);
        res.destroy();
      },
    );
    const fail = (error: Error) => {
      clearTimeout(deadline);
      req.destroy(error);
    };
    const deadline = setTimeout(
      () => fail(new Error(`No answer within ${opts.timeoutMs} ms.`)),
      opts.timeoutMs,
    );
    const onAbort = () => fail(new Error('Interrupted by the server shutting down.'));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('timeout', () => fail(new Error(`No answer within ${opts.timeoutMs} ms.`)));
    req.on('error', reject);
    req.on('close', () => signal.removeEventListener('abort', onAbort));
    req.end(body);
  });
}

type Due = {
  id: number;
  event: string;
  payload: unknown;
  attempts: number;
  url: string;
  secret: string;
  workspace_id: number;
};

/**
 * Sends due webhook deliveries: POSTs the JSON payload with its HMAC signature, marks 2xx answers
 * delivered, and retries anything else with exponential backoff until `maxAttempts`, logging each
 * attempt on the delivery. Only deliveries of webhooks still registered are claimed (a removed
 * webhook gets nothing more, retries included). Deliveries are claimed by pushing their next
 * attempt forward in one UPDATE … FOR UPDATE SKIP LOCKED, so several gateway processes never send
 * the same one twice at once. Wakes on `poke()` (a new event) and on a timer for retries.
 *
 * Isolation between workspaces: attempts run independently (nothing waits for a batch), and a
 * claim takes for each workspace only its free slots (PER_WORKSPACE_IN_FLIGHT less what it has in
 * flight in this process), so one workspace's slow receivers hold only that workspace's slots.
 * `stop()` interrupts attempts in flight at once; they are put back as due, not counted.
 */
export function createWebhookDeliverer(db: Database, log: Logger, opts: DelivererOptions) {
  let claiming = false;
  let again = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const shutdown = new AbortController();
  const inFlight = new Map<number, number>(); // workspace → attempts in flight
  const attempts = new Set<Promise<void>>();

  async function claim(): Promise<Due[]> {
    // Each workspace gets at most its free slots: PER_WORKSPACE_IN_FLIGHT less what it has in flight here.
    const busy = [...inFlight];
    return db.sql.query<Due>(
      `UPDATE webhook_deliveries d SET next_attempt_at = now() + interval '5 minutes', attempts = d.attempts + 1
       FROM webhooks w
       WHERE d.webhook_id = w.id AND w.disabled_at IS NULL AND d.id IN (
         SELECT p.id FROM webhook_deliveries p
         WHERE p.id IN (
           SELECT ranked.id FROM (
             SELECT q.id, h.workspace_id, row_number() OVER (PARTITION BY h.workspace_id ORDER BY q.next_attempt_at, q.id) AS n
             FROM webhook_deliveries q JOIN webhooks h ON h.id = q.webhook_id
             WHERE q.status = 'PENDING' AND q.next_attempt_at <= now() AND h.disabled_at IS NULL
           ) ranked
           LEFT JOIN unnest($1::int[], $2::int[]) AS f(workspace_id, in_flight) ON f.workspace_id = ranked.workspace_id
           WHERE ranked.n <= $3 - coalesce(f.in_flight, 0))
         ORDER BY p.next_attempt_at LIMIT 100 FOR UPDATE SKIP LOCKED)
       RETURNING d.id, d.event, d.payload, d.attempts, w.url, w.secret, w.workspace_id`,
      [busy.map(([ws]) => ws), busy.map(([, n]) => n), PER_WORKSPACE_IN_FLIGHT],
    );
  }

  async function send(d: Due) {
    const body = JSON.stringify(d.payload);
    const timestamp = String(Math.floor(Date.now() / 1000));
    let status: number | null = null;
    let error: string | null = null;
    try {
      status = await post(
        d.url,
        {
          'content-type': 'application/json',
          'user-agent': 'connector-registry-webhooks',
          'x-registry-event': d.event,
          'x-registry-delivery': String(d.id),
          'x-registry-timestamp': timestamp,
          'x-registry-signature': signPayload(d.secret, timestamp, body),
        },
        body,
        opts,
        shutdown.signal,
      );
    } catch (e) {
      error = (e as Error).message.slice(0, 500);
    }
    if (status !== null && status >= 200 && status < 300) {
      await db.sql.query(
        `UPDATE webhook_deliveries SET status = 'DELIVERED', delivered_at = now(), last_status = $2, last_error = NULL WHERE id = $1`,
        [d.id, status],
      );
      return;
    }
    if (shutdown.signal.aborted) {
      // Not the receiver's fault: due again at once for the next process, this attempt not counted.
      await db.sql.query(
        `UPDATE webhook_deliveries SET attempts = attempts - 1, next_attempt_at = now() WHERE id = $1 AND status = 'PENDING'`,
        [d.id],
      );
      return;
    }
    const failed = d.attempts >= opts.maxAttempts;
    const waitMs = Math.min(opts.retryBaseMs * 2 ** (d.attempts - 1), 3_600_000);
    await db.sql.query(
      `UPDATE webhook_deliveries SET status = $2, last_status = $3, last_error = $4, next_attempt_at = now() + ($5 || ' milliseconds')::interval WHERE id = $1`,
      [d.id, failed ? 'FAILED' : 'PENDING', status, error ?? `HTTP ${status}`, String(waitMs)],
    );
    log.warn(
      { delivery: d.id, url: d.url, status, error, attempt: d.attempts, failed },
      'webhook delivery failed',
    );
  }

  function start(d: Due) {
    inFlight.set(d.workspace_id, (inFlight.get(d.workspace_id) ?? 0) + 1);
    const attempt = send(d)
      .catch((e) => {
        if (!stopped)
          log.error({ err: e, delivery: d.id }, 'webhook delivery could not be recorded');
      })
      .finally(() => {
        const left = (inFlight.get(d.workspace_id) ?? 1) - 1;
        if (left > 0) inFlight.set(d.workspace_id, left);
        else inFlight.delete(d.workspace_id);
        attempts.delete(attempt);
        // A slot came free: that workspace's next due delivery may go.
        if (!stopped) void run();
      });
    attempts.add(attempt);
  }

  async function run() {
    if (stopped) return;
    if (claiming) {
      again = true;
      return;
    }
    claiming = true;
    try {
      do {
        again = false;
        const due = await claim();
        if (stopped) {
          // Claimed as the server stopped: due again at once, not counted.
          if (due.length)
            await db.sql.query(
              `UPDATE webhook_deliveries SET attempts = attempts - 1, next_attempt_at = now() WHERE id = ANY($1::int[])`,
              [due.map((d) => d.id)],
            );
          break;
        }
        for (const d of due) start(d);
        if (due.length === 100) again = true;
      } while (again && !stopped);
    } catch (e) {
      if (!stopped) log.error({ err: e }, 'webhook deliverer failed');
    } finally {
      claiming = false;
    }
  }

  const tick = () => {
    void run().finally(() => {
      if (!stopped) timer = setTimeout(tick, Math.min(opts.retryBaseMs, 1000));
    });
  };
  tick();

  return {
    poke: () => void run(),
    /** Stops claiming, interrupts attempts in flight (put back as due) and waits for their bookkeeping. */
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      shutdown.abort();
      while (claiming) await new Promise((r) => setTimeout(r, 20));
      await Promise.allSettled([...attempts]);
    },
  };
}
