import { createLocalEventTarget } from './local-event-target.js';
import { createPgEventTarget } from './pg-event-target.js';

/**
 * The event channel behind the GraphQL pubsub: PostgreSQL LISTEN/NOTIFY when the registry runs on
 * a server (every gateway process hears every event), an in-process target on PGlite (one
 * process owns the database anyway).
 */
export async function createEventTarget(databaseUrl: string | undefined, onError: (err: unknown) => void) {
  return databaseUrl ? createPgEventTarget({ connectionString: databaseUrl, onError }) : createLocalEventTarget();
}
