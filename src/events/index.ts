import { createLocalEventTarget, type DatabaseListen } from './local-event-target.js';
import { createPgEventTarget } from './pg-event-target.js';
import { EVENTS_CHANNEL } from './sql-notify.js';

/**
 * The event channel behind the GraphQL pubsub: PostgreSQL LISTEN/NOTIFY when the registry runs on
 * a server (every gateway process hears every event), an in-process target on PGlite (one
 * process owns the database anyway) that also hears the database's own NOTIFYs.
 */
export async function createEventTarget(
  databaseUrl: string | undefined,
  onError: (err: unknown) => void,
  listen?: DatabaseListen,
) {
  return databaseUrl
    ? createPgEventTarget({ connectionString: databaseUrl, channel: EVENTS_CHANNEL, onError })
    : createLocalEventTarget({ listen, channel: EVENTS_CHANNEL, onError });
}
