import { toGlobalId } from '../domain/global-id.js';
import { classifyChange, type Change, type ChangeReport } from '../code/compat.js';
import type { CodeStructure } from '../code/structure.js';
import { deprecateVersion, rollbackRollout, setRollout, yankVersion } from '../domain/connectors.js';
import { canViewWebhookTargets } from '../domain/access.js';
import { requireActor } from '../domain/context.js';
import { EVENT_TYPES, eventTopic, publicEventData, type EventType, type LifecycleEvent } from '../domain/events.js';
import { registerWebhook, removeWebhook, webhooksWhere } from '../domain/webhooks.js';
import { resolveCursorConnection } from '@pothos/plugin-relay';
import { countVersionStats, MAX_STAT_DAYS, versionStatById, versionStatsPage, windowStart, type VersionStat, type VersionStatDay } from '../domain/version-stats.js';
import { builder } from './builder.js';
import { ConnectorNode } from './connector.js';
import { connectorPayload, payloadType } from './errors.js';
import { parseGlobalId } from './ids.js';
import { dbId, edgeRef, idEdge, namedConnection } from './connections.js';
import { workspaceOf } from './connector.js';

const ChangeLevelEnum = builder.enumType('ChangeLevel', {
  description: 'How much a change between versions matters to installers.',
  values: {
    NONE: { description: 'Nothing an installer relies on changed.' },
    NON_BREAKING: { description: 'Only additions.' },
    UNKNOWN: { description: 'Some fields are computed at run time and could not be compared.' },
    BREAKING: { description: 'Recipes built on the older version can break.' },
  } as const,
});

const ChangeRef = builder.objectRef<Change>('Change').implement({
  description: 'One difference between two versions that installers may notice.',
  fields: (t) => ({
    breaking: t.exposeBoolean('breaking', { description: 'Whether recipes built on the older version can break because of it.' }),
    unknown: t.boolean({ description: 'True when the fields could not be compared because the code computes them at run time.', resolve: (c) => c.unknown ?? false }),
    subject: t.exposeString('subject', { description: "What changed: `action 'x'`, `trigger 'y'`, `connection`." }),
    message: t.exposeString('message', { description: "The change in a sentence, e.g. `Required input field 'id' added to action 'get'.`" }),
  }),
});

export const ChangeReportRef = builder.objectRef<ChangeReport>('ChangeReport').implement({
  description: 'How a change between two versions affects installers.',
  fields: (t) => ({
    level: t.field({ type: ChangeLevelEnum, description: 'The most serious kind of change found.', resolve: (r) => r.level }),
    breaking: t.boolean({ description: 'Shorthand for `level == BREAKING`.', resolve: (r) => r.level === 'BREAKING' }),
    changes: t.field({ type: [ChangeRef], description: 'Each difference found, one per field, action or trigger; empty when nothing changed.', resolve: (r) => r.changes }),
  }),
});

/** The stored structures of two versions of one connector, classified. */
async function classify(ctx: { prisma: import('../db/database.js').PrismaClient }, connectorId: number, from: number | null, to: number): Promise<ChangeReport> {
  const rows = await ctx.prisma.connectorVersion.findMany({
    where: { connectorId, number: { in: from == null ? [to] : [from, to] } },
    select: { number: true, structure: true },
  });
  const of = (n: number) => (rows.find((r) => r.number === n)?.structure ?? null) as CodeStructure | null;
  const empty: CodeStructure = { connectionFields: [], actions: {}, triggers: {} };
  return classifyChange(from == null ? empty : of(from), of(to));
}

builder.prismaObjectFields('ConnectorVersion', (t) => ({
  sha256: t.exposeString('codeSha256', { description: "SHA-256 (hex) of the code's UTF-8 bytes." }),
  deprecatedAt: t.expose('deprecatedAt', { type: 'DateTime', nullable: true, description: 'When the version was deprecated (`deprecateVersion`); null if it is not.' }),
  deprecationMessage: t.exposeString('deprecationMessage', { nullable: true, description: 'Why it is deprecated, for installers; null if it is not.' }),
  replacementVersion: t.exposeInt('replacementVersion', { nullable: true, description: 'The version to use instead, if the deprecation named one.' }),
  yankedAt: t.expose('yankedAt', { type: 'DateTime', nullable: true, description: 'Yanked versions are not given to new installs.' }),
}));

const VersionStatDayRef = builder.objectRef<VersionStatDay>('VersionStatDay').implement({
  description: 'Installs and updates of a version on one UTC day.',
  fields: (f) => ({
    day: f.exposeString('day', { description: 'UTC date, YYYY-MM-DD.' }),
    installs: f.exposeInt('installs', { description: 'Workspaces that installed the version that day.' }),
    updates: f.exposeInt('updates', { description: 'Copies updated to the version that day.' }),
  }),
});

/** Version stats of your own connectors; its global ID names the version. */
const VersionStatRef = builder.objectRef<VersionStat>('VersionStat');
builder.node(VersionStatRef, {
  description: 'How many workspaces installed a version of your connector, or updated their copy to it, and when.',
  id: { resolve: (s) => s.id, description: 'Global ID of the stats of this version.' },
  isTypeOf: (s) => typeof s === 'object' && s !== null && 'installs' in s && 'updates' in s && 'version' in s,
  loadOne: (id, ctx) => versionStatById(ctx, dbId(String(id))),
  fields: (t) => ({
    version: t.exposeInt('version', { description: 'The version number.' }),
    installs: t.exposeInt('installs', { description: 'Installs of this version into other workspaces, ever (OEM copies included).' }),
    updates: t.exposeInt('updates', { description: 'Copies in other workspaces updated to this version, ever.' }),
    daily: t.field({
      type: [VersionStatDayRef],
      description: 'Installs and updates per UTC day over the last `days` days (today included), oldest first; days without any are left out.',
      args: { days: t.arg.int({ defaultValue: 30, description: `How many days back, today included: 1 to ${MAX_STAT_DAYS}.` }) },
      resolve: (s, { days }, ctx) => {
        const since = windowStart(days ?? 30).toISOString().slice(0, 10);
        return ctx.loaders.versionDaily.load({ connectorId: s.connectorId, version: s.version, since });
      },
    }),
  }),
});

/** Cursors on version row ids, in the same format as Pothos' Prisma cursors (`GPC:N:<id>`). */
const statCursor = (s: VersionStat) => Buffer.from(`GPC:N:${s.id}`).toString('base64');
const fromStatCursor = (cursor: string | undefined) => (cursor == null ? undefined : dbId(Buffer.from(cursor, 'base64').toString('utf8').slice('GPC:N:'.length)));

builder.prismaObjectFields('Connector', (t) => ({
  rolloutVersion: t.exposeInt('rolloutVersion', { nullable: true, description: 'A version being shared to part of the installers.' }),
  rolloutPercent: t.exposeInt('rolloutPercent', { nullable: true, description: 'Percentage (1 to 99) of installing workspaces that `rolloutVersion` is offered to; null without a staged rollout.' }),
  sharePreview: t.field({
    type: ChangeReportRef,
    nullable: true,
    description: 'What installers would get from sharing the latest released version now, compared with what they are offered today. Null when there is nothing new to share.',
    select: { id: true, releasedVersion: true, sharedVersion: true, rolloutVersion: true },
    resolve: (c, _a, ctx) =>
      c.releasedVersion == null || c.releasedVersion === c.sharedVersion || c.releasedVersion === c.rolloutVersion
        ? null
        : classify(ctx, c.id, c.sharedVersion, c.releasedVersion),
  }),
  versionStats: t.connection(
    {
      type: VersionStatRef,
      description: 'Installs of and updates to each version by other workspaces, newest version first: versions nobody installed or updated to are left out.',
      select: { id: true },
      resolve: async (c, args, ctx) => {
        const page = await resolveCursorConnection<Promise<VersionStat[]>>({ args, toCursor: statCursor }, ({ after, before, limit, inverted }) =>
          versionStatsPage(ctx.prisma, c.id, { after: fromStatCursor(after), before: fromStatCursor(before), limit, inverted }),
        );
        return Object.assign(page, { totalCount: () => countVersionStats(ctx.prisma, c.id) });
      },
    },
    namedConnection(VersionStatRef, 'VersionStat', 'version stats'),
  ),
}));

builder.prismaObjectFields('Notification', (t) => ({
  changes: t.field({
    type: ChangeReportRef,
    description: "What taking this update means for your copy: the parent's change from the version your copy is based on.",
    select: { parentVersion: true, install: { select: { parentId: true, baseVersion: true } } },
    resolve: (n, _a, ctx) => classify(ctx, n.install.parentId, Math.min(n.install.baseVersion, n.parentVersion), n.parentVersion),
  }),
}));

const id = (input: { id: string | number }) => parseGlobalId(String(input.id), 'Connector');

builder.mutationFields((t) => ({
  setRollout: t.field({
    type: connectorPayload('SetRolloutPayload', 'The result of `setRollout`.', ConnectorNode),
    errorCodes: ['NOT_FOUND', 'NOTHING_TO_ROLL_OUT', 'INVALID_INPUT', 'FORBIDDEN'],
    description: 'Widens or narrows a staged share; 100 makes the staged version the shared one for everybody.',
    args: { input: t.arg({ type: builder.inputType('SetRolloutInput', { description: 'Input of `setRollout`.', fields: (f) => ({ id: f.id({ required: true, description: 'The connector (global ID).' }), rolloutPercent: f.int({ required: true, description: 'New share of installing workspaces, 1 to 100 (percent); 100 ends the rollout by sharing the version with everybody.' }) }) }), required: true, description: 'The connector and its new rollout percentage.' }) },
    resolve: async (_r, { input }, ctx) => ({ connector: await setRollout(ctx, id(input), input.rolloutPercent) }),
  }),
  rollbackRollout: t.field({
    type: connectorPayload('RollbackRolloutPayload', 'The result of `rollbackRollout`.', ConnectorNode),
    errorCodes: ['NOT_FOUND', 'NOTHING_TO_ROLL_OUT', 'FORBIDDEN'],
    description: 'Stops a staged share: nobody else is offered the version; unread notifications about it are withdrawn.',
    args: { input: t.arg({ type: builder.inputType('RollbackRolloutInput', { description: 'Input of `rollbackRollout`.', fields: (f) => ({ id: f.id({ required: true, description: 'The connector (global ID).' }) }) }), required: true, description: 'The connector whose rollout stops.' }) },
    resolve: async (_r, { input }, ctx) => ({ connector: await rollbackRollout(ctx, id(input)) }),
  }),
  deprecateVersion: t.field({
    type: connectorPayload('DeprecateVersionPayload', 'The result of `deprecateVersion`.', ConnectorNode),
    errorCodes: ['NOT_FOUND', 'NOTHING_SHARED', 'INVALID_INPUT', 'FORBIDDEN'],
    description: 'Marks a shared version deprecated, with a message and optionally the version to use instead.',
    args: {
      input: t.arg({
        type: builder.inputType('DeprecateVersionInput', { description: 'Input of `deprecateVersion`.', 
          fields: (f) => ({
            id: f.id({ required: true, description: 'The connector (global ID).' }),
            version: f.int({ required: true, description: 'Number of the shared version to deprecate.' }),
            message: f.string({ required: true, description: 'Why, for installers (1 to 10,000 characters).' }),
            replacementVersion: f.int({ description: 'The version installers should use instead; unset names none.' }),
          }),
        }),
        required: true,
        description: 'The version and the deprecation notice.',
      }),
    },
    resolve: async (_r, { input }, ctx) => ({
      connector: await deprecateVersion(ctx, id(input), input.version, { message: input.message, replacementVersion: input.replacementVersion }),
    }),
  }),
  yankVersion: t.field({
    type: connectorPayload('YankVersionPayload', 'The result of `yankVersion`.', ConnectorNode),
    errorCodes: ['NOT_FOUND', 'NOTHING_SHARED', 'FORBIDDEN'],
    description: 'Yanks a shared version so new installs cannot get it (existing copies keep working); `yanked: false` takes it back.',
    args: {
      input: t.arg({
        type: builder.inputType('YankVersionInput', { description: 'Input of `yankVersion`.', fields: (f) => ({
            id: f.id({ required: true, description: 'The connector (global ID).' }),
            version: f.int({ required: true, description: 'Number of the shared version.' }),
            yanked: f.boolean({ defaultValue: true, description: 'True yanks the version; false takes a yank back.' }),
          }),
        }),
        required: true,
        description: 'The version and whether it is yanked.',
      }),
    },
    resolve: async (_r, { input }, ctx) => ({ connector: await yankVersion(ctx, id(input), input.version, input.yanked ?? true) }),
  }),
}));

// Webhooks and live lifecycle events.

/**
 * Every event type with the `data` its payload carries. IDs are global IDs, the same the API
 * takes; webhook bodies wrap `data` as `{ type, workspace, at, data }`.
 */
const EVENT_DOCS: Record<EventType, string> = {
  'version.created': 'A new version of a connector (create, update, restore, install, import). `data`: `{ connector: ID, version: Int }`.',
  'version.released': 'A version was released. `data`: `{ connector: ID, version: Int }`.',
  'version.shared': 'A version was shared, to everyone or (with `rolloutPercent` < 100) to part of the installers. `data`: `{ connector: ID, version: Int, rolloutPercent: Int }`.',
  'connector.installed': 'Another workspace installed one of your connectors. `data`: `{ connector: ID, version: Int, installedBy: ID }` (`installedBy`: that workspace).',
  'update.available': 'A connector you installed shared a newer version. `data`: `{ parentConnector: ID (SharedConnector), version: Int, notification: ID }`.',
  'listing.reviewed': 'A reviewer decided on your listing. `data`: `{ listing: ID, connector: ID, status: ListingStatus, reason: String }`.',
};

export const EventTypeEnum = builder.enumType('LifecycleEventType', {
  description: 'Lifecycle events webhooks and `lifecycleEvents` deliver (in webhook bodies, `type` is the dotted lower-case name, e.g. `version.created`).',
  values: Object.fromEntries(EVENT_TYPES.map((e) => [e.replace('.', '_').toUpperCase(), { value: e, description: EVENT_DOCS[e] }])) as Record<string, { value: EventType; description: string }>,
});

const DeliveryStatusEnum = builder.enumType('DeliveryStatus', {
  description: 'Where a webhook delivery stands.',
  values: {
    PENDING: { description: 'Not delivered yet; `nextAttemptAt` says when it is tried (again).' },
    DELIVERED: { description: 'The endpoint answered 2xx.' },
    FAILED: { description: 'Every attempt failed; no more are made.' },
  } as const,
});

const DeliveryNode = builder.prismaNode('WebhookDelivery', {
  description: 'One event sent (or being sent) to a webhook.',
  id: { field: 'id', description: 'Global ID of the delivery.' },
  nullable: true,
  findUnique: (id, ctx) => ({ id: dbId(id), webhook: { workspaceId: workspaceOf(ctx) } }),
  fields: (t) => ({
    event: t.field({ type: EventTypeEnum, description: 'The event it carries.', resolve: (d) => d.event as EventType }),
    status: t.field({ type: DeliveryStatusEnum, description: 'Delivered, failed or pending.', resolve: (d) => d.status }),
    attempts: t.exposeInt('attempts', { description: 'Attempts made so far.' }),
    lastStatus: t.exposeInt('lastStatus', { nullable: true, description: 'HTTP status of the last attempt.' }),
    lastError: t.string({
      nullable: true,
      description: 'Why the last attempt failed; null for roles that do not manage webhooks (it can name the target host).',
      resolve: (d, _a, ctx) => (canViewWebhookTargets(ctx.actor) ? d.lastError : null),
    }),
    payload: t.expose('payload', { type: 'JSON', description: 'The JSON body sent: `{ type, workspace, at, data }`.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the event happened.' }),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime', description: 'When it is (or was last) due.' }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true, description: 'When the endpoint accepted it.' }),
  }),
});

const WebhookNode = builder.prismaNode('Webhook', {
  description: 'An HTTPS endpoint that receives signed lifecycle events.',
  id: { field: 'id', description: 'Global ID of the webhook.' },
  nullable: true,
  findUnique: (id, ctx) => ({ id: dbId(id), workspaceId: workspaceOf(ctx), disabledAt: null }),
  fields: (t) => ({
    url: t.string({
      nullable: true,
      description: "Where events are POSTed; null for roles that do not manage webhooks (OPERATOR): URLs can hold the receiver's secrets.",
      resolve: (w, _a, ctx) => (canViewWebhookTargets(ctx.actor) ? w.url : null),
    }),
    events: t.field({ type: [EventTypeEnum], description: 'The events it receives.', resolve: (w) => w.events as EventType[] }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was registered.' }),
    deliveries: t.relatedConnection(
      'deliveries',
      { description: 'Its delivery log, newest first.', cursor: 'id', totalCount: true, query: { orderBy: { id: 'desc' } } },
      namedConnection(DeliveryNode, 'WebhookDelivery', 'webhook deliveries'),
    ),
  }),
});

builder.queryFields((t) => ({
  webhooks: t.prismaConnection(
    {
      type: 'Webhook',
      cursor: 'id',
      description: "Your workspace's webhooks, oldest first, with their delivery logs.",
      totalCount: (_p, _a, ctx) => ctx.prisma.webhook.count({ where: webhooksWhere(ctx) }),
      resolve: (query, _r, _a, ctx) => ctx.prisma.webhook.findMany({ ...query, where: webhooksWhere(ctx), orderBy: { id: 'asc' } }),
    },
    namedConnection(WebhookNode, 'Webhook', 'webhooks'),
  ),
}));

builder.mutationFields((t) => ({
  registerWebhook: t.field({
    type: payloadType<{ secret: string; webhook: import('../generated/prisma/client.js').Webhook }>('RegisterWebhookPayload', 'The result of `registerWebhook`.', (f) => ({
      secret: f.string({ nullable: true, description: 'The HMAC key for X-Registry-Signature: shown this once. Null when refused.', resolve: (p) => p.secret ?? null }),
      webhook: f.field({ type: WebhookNode, nullable: true, description: 'The new webhook; null when refused.', resolve: (p) => p.webhook ?? null }),
      webhookEdge: f.field({
        type: edgeRef('Webhook') as never,
        nullable: true,
        description: 'The new webhook as an edge of `webhooks` (Relay `@appendEdge`); null when refused.',
        resolve: (p) => idEdge(p.webhook) as never,
      }),
    })),
    errorCodes: ['INVALID_INPUT', 'FORBIDDEN'],
    description: 'Registers an HTTPS endpoint for lifecycle events; deliveries are signed and retried with backoff (ADMIN and DEVELOPER).',
    args: {
      input: t.arg({
        type: builder.inputType('RegisterWebhookInput', {
          description: 'Input of `registerWebhook`.',
          fields: (f) => ({
            url: f.string({ required: true, description: 'An HTTPS URL.' }),
            events: f.field({ type: [EventTypeEnum], required: true, description: 'The events to send there (at least one).' }),
          }),
        }),
        required: true,
        description: 'The endpoint and its events.',
      }),
    },
    resolve: (_r, { input }, ctx) => registerWebhook(ctx, { url: input.url, events: input.events }, { allowHttpLoopback: ctx.settings.allowHttpLoopbackWebhooks }),
  }),
  removeWebhook: t.field({
    type: payloadType<{ removed: boolean; webhookId: string }>('RemoveWebhookPayload', 'The result of `removeWebhook`.', (f) => ({
      removed: f.boolean({ nullable: true, description: 'True when deliveries stopped; null when refused.', resolve: (p) => p.removed ?? null }),
      deletedWebhookId: f.id({
        nullable: true,
        description: 'The global ID of the removed webhook, for clients that drop it from their cache (Relay `@deleteRecord`); null when refused.',
        resolve: (p) => p.webhookId ?? null,
      }),
    })),
    errorCodes: ['NOT_FOUND', 'FORBIDDEN'],
    description:
      'Removes a webhook: no more deliveries, pending ones included. The webhook and its delivery log are no longer readable through the API (they are kept in the audit trail).',
    args: {
      input: t.arg({
        type: builder.inputType('RemoveWebhookInput', {
          description: 'Input of `removeWebhook`.',
          fields: (f) => ({ id: f.id({ required: true, description: 'The webhook (global ID).' }) }),
        }),
        required: true,
        description: 'The webhook to remove.',
      }),
    },
    resolve: async (_r, { input }, ctx) => {
      const webhookId = parseGlobalId(String(input.id), 'Webhook');
      await removeWebhook(ctx, webhookId);
      return { removed: true, webhookId: toGlobalId('Webhook', webhookId) };
    },
  }),
}));

const LifecycleEventRef = builder.objectRef<LifecycleEvent>('LifecycleEvent').implement({
  description: 'Something that happened in your workspace; webhooks receive the same events.',
  fields: (t) => ({
    type: t.field({ type: EventTypeEnum, description: 'What happened; the value descriptions give the shape of `data`.', resolve: (e) => e.type }),
    data: t.field({ type: 'JSON', description: 'Details, with global IDs (shape per `type`).', resolve: (e) => publicEventData(e.data) }),
  }),
});

builder.subscriptionFields((t) => ({
  lifecycleEvents: t.field({
    type: LifecycleEventRef,
    description: "Your workspace's lifecycle events as they happen: the same events webhooks receive.",
    subscribe: (_root, _args, ctx) => ctx.pubsub.subscribe(eventTopic(requireActor(ctx).workspaceId)) as AsyncIterable<LifecycleEvent>,
    resolve: (event) => event as LifecycleEvent,
  }),
}));
