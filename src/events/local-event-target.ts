/** Subscribes to the database's own notifications (PGlite's LISTEN); resolves with an unsubscribe. */
export type DatabaseListen = (
  channel: string,
  onPayload: (payload: string) => void,
) => Promise<() => Promise<void>>;

/**
 * In-process events for the embedded database (one process serves it). Events published through
 * the pubsub stay in process; events announced from inside a transaction with `pg_notify`
 * (sql-notify.ts) are heard through PGlite's LISTEN on the same channel, so they arrive whoever
 * committed them.
 */
export async function createLocalEventTarget(
  opts: { listen?: DatabaseListen; channel?: string; onError?: (err: unknown) => void } = {},
): Promise<EventTarget & { close(): Promise<void> }> {
  const target = new EventTarget() as EventTarget & { close(): Promise<void> };
  const unlisten = opts.listen
    ? await opts.listen(opts.channel ?? 'registry_events', (payload) => {
        try {
          const { type, detail } = JSON.parse(payload) as { type: string; detail: unknown };
          target.dispatchEvent(new CustomEvent(type, { detail }));
        } catch (err) {
          opts.onError?.(err);
        }
      })
    : null;
  target.close = async () => {
    await unlisten?.().catch(() => {});
  };
  return target;
}
