import type { Prisma } from '../generated/prisma/client.js';
import type { Sql } from '../db/sql.js';
import type { DomainContext } from './context.js';
import { toGlobalId, type GlobalType } from './global-id.js';

/** The lifecycle events a workspace can follow, by webhook or GraphQL subscription. */
export const EVENT_TYPES = [
  'version.created',
  'version.released',
  'version.shared',
  'connector.installed',
  'update.available',
  'listing.reviewed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface LifecycleEvent {
  workspaceId: number;
  type: EventType;
  data: Record<string, unknown>;
}

/**
 * Numeric ids in event data and the public fields they become: the global IDs of the GraphQL API
 * (`connectorId: 12` → `connector: "Q29ubmVjdG9yOjEy"`). The parent of an update is another
 * workspace's connector, so it is a SharedConnector.
 */
const PUBLIC_IDS: Record<string, [field: string, typename: GlobalType]> = {
  connectorId: ['connector', 'Connector'],
  parentConnectorId: ['parentConnector', 'SharedConnector'],
  notificationId: ['notification', 'Notification'],
  listingId: ['listing', 'Listing'],
  installedBy: ['installedBy', 'Workspace'],
};

/** An event's data as webhooks and subscribers receive it: ids as global IDs. */
export function publicEventData(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => {
      const pub = PUBLIC_IDS[key];
      return pub && typeof value === 'number' ? [pub[0], toGlobalId(pub[1], value)] : [key, value];
    }),
  );
}

/** The JSON body of a webhook delivery. */
export function eventEnvelope(e: LifecycleEvent, at = new Date()) {
  return {
    type: e.type,
    workspace: toGlobalId('Workspace', e.workspaceId),
    at: at.toISOString(),
    data: publicEventData(e.data),
  };
}

/** Topic of a workspace's live lifecycle events. */
export const eventTopic = (workspaceId: number) => `events:${workspaceId}`;

/**
 * Events whose batch recorded at least one webhook delivery (emitEvents): only they wake the
 * webhook deliverer after the commit. Without a webhook that takes them there is nothing to send,
 * and a wake costs a NOTIFY and, in every process, a claim query on webhook_deliveries.
 */
const withDeliveries = new WeakSet<LifecycleEvent>();

/**
 * Records the deliveries of events for every webhook of their workspaces that asked for them, in
 * the caller's transaction: an event is delivered if and only if its change committed.
 */
export async function emitEvents(
  tx: Prisma.TransactionClient,
  events: LifecycleEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const recorded = await tx.$executeRawUnsafe(EMIT_SQL, ...emitParams(events));
  if (recorded > 0) for (const e of events) withDeliveries.add(e);
}

/**
 * One statement: each event joined with the enabled webhooks of its workspace that take it, in
 * the events' order, then the webhooks'.
 */
const EMIT_SQL = `
    INSERT INTO webhook_deliveries (webhook_id, event, payload)
    SELECT w.id, e.type, e.payload::jsonb
    FROM unnest($1::int[], $2::text[], $3::text[]) WITH ORDINALITY AS e(workspace_id, type, payload, n)
    JOIN webhooks w ON w.workspace_id = e.workspace_id AND w.disabled_at IS NULL AND e.type = ANY(w.events)
    ORDER BY e.n, w.id`;

const emitParams = (events: LifecycleEvent[]) => [
  events.map((e) => e.workspaceId),
  events.map((e) => e.type),
  events.map((e) => JSON.stringify(eventEnvelope(e))),
];

/** emitEvents in a transaction of the raw driver (`sql.transaction`). */
export async function emitEventsOn(q: Sql, events: LifecycleEvent[]): Promise<void> {
  if (events.length === 0) return;
  const rows = await q.query<{ id: number }>(`${EMIT_SQL} RETURNING id`, emitParams(events));
  if (rows.length > 0) for (const e of events) withDeliveries.add(e);
}

/**
 * After the commit: live subscribers, and the webhook deliverer (woken through the same channel)
 * when the events recorded deliveries (its timer picks up retries on its own).
 */
export function publishEvents(ctx: Pick<DomainContext, 'events'>, events: LifecycleEvent[]): void {
  for (const e of events) ctx.events?.publish(eventTopic(e.workspaceId), e);
  if (events.some((e) => withDeliveries.has(e))) ctx.events?.publish(WEBHOOK_WAKE_TOPIC, {});
}

export const WEBHOOK_WAKE_TOPIC = 'webhooks-due';

/** Topic of the live update notifications of one workspace. */
export const notificationTopic = (workspaceId: number) => `notifications:${workspaceId}`;

/** A notification written for a workspace (src/domain/notifications.ts). */
export interface Notified {
  workspaceId: number;
  notificationId: number;
}

/** Live delivery of committed notifications; the database stays the source of truth. */
export function publishNotifications(
  ctx: Pick<DomainContext, 'events'>,
  notified: Notified[],
): void {
  for (const n of notified)
    ctx.events?.publish(notificationTopic(n.workspaceId), { notificationId: n.notificationId });
}

/** Published whenever what the community library shows may have changed (caches listen). */
export const LIBRARY_TOPIC = 'library-changed';

/** After the commit: the library's caches drop what they hold. */
export function libraryChanged(ctx: Pick<DomainContext, 'events'>): void {
  ctx.events?.publish(LIBRARY_TOPIC, {});
}
