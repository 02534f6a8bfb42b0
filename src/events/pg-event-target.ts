import pg from 'pg';

/** NOTIFY payloads are capped by PostgreSQL at 8000 bytes: events carry ids, not documents. */
const MAX_PAYLOAD_BYTES = 7900;

export interface PgEventTargetOptions {
  connectionString: string;
  channel?: string;
  onError?: (err: unknown) => void;
}

export type PgEventTarget = EventTarget & {
  /** Whether the listening connection is up: while it is not, events from other processes are lost. */
  readonly listening: boolean;
  close(): Promise<void>;
};

/**
 * Local events (never sent to other processes) about the channel itself: the listening connection
 * dropped (events may be lost from now on), and it is back (events sent meanwhile were lost).
 * Whoever keeps state that events invalidate (the token cache) drops it on either.
 */
export const CHANNEL_LOST = 'registry-events:lost';
export const CHANNEL_RESTORED = 'registry-events:restored';

/**
 * An EventTarget for Yoga's pubsub backed by PostgreSQL LISTEN/NOTIFY, after the shape of
 * `@graphql-yoga/redis-event-target`: dispatchEvent() NOTIFYs (through a small pool), and one
 * dedicated connection LISTENs and hands every notification to local listeners, this process's
 * own included, so every process delivers the same way. The listening connection is re-opened
 * with backoff when it drops; events sent while it is down are lost (subscribers can re-read
 * the notifications query, which the database keeps).
 */
export async function createPgEventTarget(opts: PgEventTargetOptions): Promise<PgEventTarget> {
  const channel = opts.channel ?? 'registry_events';
  const onError = opts.onError ?? (() => {});
  const listeners = new Map<string, Set<EventListenerOrEventListenerObject>>();
  const publisher = new pg.Pool({ connectionString: opts.connectionString, max: 2 });
  publisher.on('error', onError);
  let listener: pg.Client | null = null;
  let closed = false;
  let lost = false;
  let retryMs = 100;

  function deliver(message: pg.Notification) {
    if (message.channel !== channel || !message.payload) return;
    let parsed: { type: string; detail: unknown };
    try {
      parsed = JSON.parse(message.payload);
    } catch (err) {
      onError(err);
      return;
    }
    dispatchLocally(new CustomEvent(parsed.type, { detail: parsed.detail }));
  }

  function dispatchLocally(event: Event) {
    for (const l of listeners.get(event.type) ?? []) {
      try {
        if (typeof l === 'function') l(event);
        else l.handleEvent(event);
      } catch (err) {
        onError(err);
      }
    }
  }

  async function listen(): Promise<void> {
    const client = new pg.Client({ connectionString: opts.connectionString });
    client.on('notification', deliver);
    client.on('error', (err) => {
      onError(err);
      reconnect(client);
    });
    client.on('end', () => reconnect(client));
    await client.connect();
    await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    const restored = lost;
    listener = client;
    lost = false;
    retryMs = 100;
    if (restored) dispatchLocally(new CustomEvent(CHANNEL_RESTORED));
  }

  function reconnect(dead: pg.Client) {
    if (closed || listener !== dead) return;
    listener = null;
    lost = true;
    dispatchLocally(new CustomEvent(CHANNEL_LOST));
    dead.end().catch(() => {});
    const attempt = () => {
      if (closed) return;
      listen().catch((err) => {
        onError(err);
        retryMs = Math.min(retryMs * 2, 5_000);
        setTimeout(attempt, retryMs);
      });
    };
    setTimeout(attempt, retryMs);
  }

  await listen();

  const target = {
    get listening() {
      return listener !== null;
    },
    addEventListener(type: string, l: EventListenerOrEventListenerObject | null) {
      if (!l) return;
      if (!listeners.has(type)) listeners.set(type, new Set());
      listeners.get(type)!.add(l);
    },
    removeEventListener(type: string, l: EventListenerOrEventListenerObject | null) {
      if (l) listeners.get(type)?.delete(l);
    },
    dispatchEvent(event: Event) {
      const payload = JSON.stringify({
        type: event.type,
        detail: (event as CustomEvent).detail ?? null,
      });
      if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
        throw new Error(
          `Event ${event.type} is ${Buffer.byteLength(payload)} bytes; NOTIFY carries at most ${MAX_PAYLOAD_BYTES}.`,
        );
      }
      publisher.query('SELECT pg_notify($1, $2)', [channel, payload]).catch(onError);
      return true;
    },
    async close() {
      closed = true;
      const l = listener;
      listener = null;
      await l?.end().catch(() => {});
      await publisher.end();
    },
  };
  return target as unknown as PgEventTarget;
}
