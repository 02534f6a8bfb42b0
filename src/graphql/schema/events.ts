import { requireActor } from '../../domain/context.js';
import {
  EVENT_TYPES,
  eventTopic,
  publicEventData,
  type EventType,
  type LifecycleEvent,
} from '../../domain/events.js';
import { builder } from '../builder.js';

// Lifecycle events: the types webhooks (webhooks.ts) deliver and `lifecycleEvents` streams.

/**
 * Every event type with the `data` its payload carries. IDs are global IDs, the same the API
 * takes; webhook bodies wrap `data` as `{ type, workspace, at, data }`.
 */
const EVENT_DOCS: Record<EventType, string> = {
  'version.created':
    'A new version of a connector (create, update, restore, install, import). `data`: `{ connector: ID, version: Int }`.',
  'version.released': 'A version was released. `data`: `{ connector: ID, version: Int }`.',
  'version.shared':
    'A version was shared, to everyone or (with `rolloutPercent` < 100) to part of the installers. `data`: `{ connector: ID, version: Int, rolloutPercent: Int }`.',
  'connector.installed':
    'Another workspace installed one of your connectors. `data`: `{ connector: ID, version: Int, installedBy: ID }` (`installedBy`: that workspace).',
  'update.available':
    'A connector you installed shared a newer version. `data`: `{ parentConnector: ID (SharedConnector), version: Int, notification: ID }`.',
  'listing.reviewed':
    'A reviewer approved, rejected or disabled your listing (your workspace also gets a notification). `data`: `{ listing: ID, connector: ID, status: ListingStatus, reason: String, notification: ID }`.',
};

export const EventTypeEnum = builder.enumType('LifecycleEventType', {
  description:
    'Lifecycle events webhooks and `lifecycleEvents` deliver (in webhook bodies, `type` is the dotted lower-case name, e.g. `version.created`).',
  values: Object.fromEntries(
    EVENT_TYPES.map((e) => [
      e.replace('.', '_').toUpperCase(),
      { value: e, description: EVENT_DOCS[e] },
    ]),
  ) as Record<string, { value: EventType; description: string }>,
});
const LifecycleEventRef = builder.objectRef<LifecycleEvent>('LifecycleEvent').implement({
  description: 'Something that happened in your workspace; webhooks receive the same events.',
  fields: (t) => ({
    type: t.expose('type', {
      type: EventTypeEnum,
      description: 'What happened; the value descriptions give the shape of `data`.',
    }),
    data: t.field({
      type: 'JSON',
      description: 'Details, with global IDs (shape per `type`).',
      resolve: (e) => publicEventData(e.data),
    }),
  }),
});

builder.subscriptionFields((t) => ({
  lifecycleEvents: t.field({
    type: LifecycleEventRef,
    description:
      "Your workspace's lifecycle events as they happen: the same events webhooks receive.",
    subscribe: (_root, _args, ctx) =>
      ctx.pubsub.subscribe(
        eventTopic(requireActor(ctx).workspaceId),
      ) as AsyncIterable<LifecycleEvent>,
    resolve: (event) => event as LifecycleEvent,
  }),
}));
