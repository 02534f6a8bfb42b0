import type { Prisma } from '../generated/prisma/client.js';

/** The channel every gateway process LISTENs on (pg-event-target.ts, and PGlite's own listen). */
export const EVENTS_CHANNEL = 'registry_events';

/**
 * Publishes an event from inside a database transaction with `pg_notify`: PostgreSQL delivers it
 * when (and only if) the transaction commits, to every process listening on the channel, including
 * processes that never saw the change happen (a CLI revoking a token, another gateway). The
 * payload has the shape the event targets dispatch: `{type, detail}`; keep it small (ids only).
 */
export async function notifyInTransaction(
  tx: Prisma.TransactionClient,
  type: string,
  detail: unknown,
): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify({ type, detail })})`;
}
