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
  timeoutMs: number;
  /** Where deliveries may go (public addresses; loopback too only with WEBHOOK_ALLOW_HTTP_LOOPBACK). */
  targets: TargetPolicy;
}

/**
 * One POST with node:http(s): the target URL is checked again (rules may be stricter than when it
 * was registered) and the connection uses a DNS lookup that refuses non-public addresses, so what
 * is checked is what is connected to. Redirects are not followed.
 */
function post(url: string, headers: Record<string, string>, body: string, opts: DelivererOptions): Promise<number> {
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
      { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, lookup: guardedLookup(opts.targets), timeout: opts.timeoutMs },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`No answer within ${opts.timeoutMs} ms.`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Sends due webhook deliveries: POSTs the JSON payload with its HMAC signature, marks 2xx answers
 * delivered, and retries anything else with exponential backoff until `maxAttempts`, logging each
 * attempt on the delivery. Only deliveries of webhooks still registered are claimed (a removed
 * webhook gets nothing more, retries included). Deliveries are claimed by pushing their next attempt forward in one
 * UPDATE … FOR UPDATE SKIP LOCKED, so several gateway processes never send the same one twice at
 * once. Wakes on `poke()` (a new event) and on a timer for retries.
 */
export function createWebhookDeliverer(db: Database, log: Logger, opts: DelivererOptions) {
  let running = false;
  let again = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;

  async function claim() {
    return db.sql.query<{ id: number; event: string; payload: unknown; attempts: number; url: string; secret: string }>(
      `UPDATE webhook_deliveries d SET next_attempt_at = now() + interval '5 minutes', attempts = d.attempts + 1
       FROM webhooks w
       WHERE d.webhook_id = w.id AND w.disabled_at IS NULL AND d.id IN (
         SELECT p.id FROM webhook_deliveries p JOIN webhooks h ON h.id = p.webhook_id
         WHERE p.status = 'PENDING' AND p.next_attempt_at <= now() AND h.disabled_at IS NULL
         ORDER BY p.next_attempt_at LIMIT 20 FOR UPDATE OF p SKIP LOCKED)
       RETURNING d.id, d.event, d.payload, d.attempts, w.url, w.secret`,
    );
  }

  async function send(d: { id: number; event: string; payload: unknown; attempts: number; url: string; secret: string }) {
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
      );
    } catch (e) {
      error = (e as Error).message.slice(0, 500);
    }
    if (status !== null && status >= 200 && status < 300) {
      await db.sql.query(`UPDATE webhook_deliveries SET status = 'DELIVERED', delivered_at = now(), last_status = $2, last_error = NULL WHERE id = $1`, [d.id, status]);
      return;
    }
    const failed = d.attempts >= opts.maxAttempts;
    const waitMs = Math.min(opts.retryBaseMs * 2 ** (d.attempts - 1), 3_600_000);
    await db.sql.query(
      `UPDATE webhook_deliveries SET status = $2, last_status = $3, last_error = $4, next_attempt_at = now() + ($5 || ' milliseconds')::interval WHERE id = $1`,
      [d.id, failed ? 'FAILED' : 'PENDING', status, error ?? `HTTP ${status}`, String(waitMs)],
    );
    log.warn({ delivery: d.id, url: d.url, status, error, attempt: d.attempts, failed }, 'webhook delivery failed');
  }

  async function run() {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        const due = await claim();
        await Promise.all(due.map(send));
        if (due.length === 20) again = true;
      } while (again && !stopped);
    } catch (e) {
      if (!stopped) log.error({ err: e }, 'webhook deliverer failed');
    } finally {
      running = false;
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
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      while (running) await new Promise((r) => setTimeout(r, 20));
    },
  };
}
