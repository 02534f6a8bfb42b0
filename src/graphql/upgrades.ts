import { classifyChange, type Change, type ChangeReport } from '../code/compat.js';
import type { CodeStructure } from '../code/structure.js';
import { deprecateVersion, rollbackRollout, setRollout, yankVersion } from '../domain/connectors.js';
import { canViewWebhookTargets } from '../domain/access.js';
import { requireActor } from '../domain/context.js';
import { EVENT_TYPES, eventTopic, publicEventData, type EventType, type LifecycleEvent } from '../domain/events.js';
import { registerWebhook, removeWebhook, webhooksWhere } from '../domain/webhooks.js';
import { builder } from './builder.js';
import { ConnectorNode } from './connector.js';
import { connectorPayload, payloadType } from './errors.js';
import { parseGlobalId } from './ids.js';
import { dbId, namedConnection } from './connections.js';
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
    breaking: t.exposeBoolean('breaking'),
    unknown: t.boolean({ resolve: (c) => c.unknown ?? false }),
    subject: t.exposeString('subject', { description: "What changed: `action 'x'`, `trigger 'y'`, `connection`." }),
    message: t.exposeString('message'),
  }),
});

export const ChangeReportRef = builder.objectRef<ChangeReport>('ChangeReport').implement({
  description: 'How a change between two versions affects installers.',
  fields: (t) => ({
    level: t.field({ type: ChangeLevelEnum, resolve: (r) => r.level }),
    breaking: t.boolean({ resolve: (r) => r.level === 'BREAKING' }),
    changes: t.field({ type: [ChangeRef], resolve: (r) => r.changes }),
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
  deprecatedAt: t.expose('deprecatedAt', { type: 'DateTime', nullable: true }),
  deprecationMessage: t.exposeString('deprecationMessage', { nullable: true }),
  replacementVersion: t.exposeInt('replacementVersion', { nullable: true }),
  yankedAt: t.expose('yankedAt', { type: 'DateTime', nullable: true, description: 'Yanked versions are not given to new installs.' }),
}));

const VersionStatRef = builder.objectRef<{ version: number; installs: number; updates: number; daily: { day: string; installs: number; updates: number }[] }>('VersionStat').implement({
  description: 'How many workspaces installed a version, or updated their copy to it, and when.',
  fields: (t) => ({
    version: t.exposeInt('version'),
    installs: t.exposeInt('installs'),
    updates: t.exposeInt('updates'),
    daily: t.field({
      type: [builder.objectRef<{ day: string; installs: number; updates: number }>('VersionStatDay').implement({
        description: 'Installs and updates of a version on one day.',
        fields: (f) => ({ day: f.exposeString('day', { description: 'UTC date, YYYY-MM-DD.' }), installs: f.exposeInt('installs'), updates: f.exposeInt('updates') }),
      })],
      resolve: (s) => s.daily,
    }),
  }),
});

builder.prismaObjectFields('Connector', (t) => ({
  rolloutVersion: t.exposeInt('rolloutVersion', { nullable: true, description: 'A version being shared to part of the installers.' }),
  rolloutPercent: t.exposeInt('rolloutPercent', { nullable: true }),
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
  versionStats: t.field({
    type: [VersionStatRef],
    description: 'Installs of and updates to each version by other workspaces, in total and per day.',
    select: { id: true },
    resolve: async (c, _a, ctx) => {
      const rows = await ctx.prisma.$queryRaw<{ version: number; kind: string; day: string; n: bigint }[]>`
        SELECT version, kind::text AS kind, to_char(date_trunc('day', at), 'YYYY-MM-DD') AS day, count(*) AS n
        FROM version_events WHERE connector_id = ${c.id} GROUP BY 1, 2, 3 ORDER BY 1 DESC, 3`;
      const stats = new Map<number, { version: number; installs: number; updates: number; daily: { day: string; installs: number; updates: number }[] }>();
      for (const r of rows) {
        const s = stats.get(r.version) ?? { version: r.version, installs: 0, updates: 0, daily: [] };
        stats.set(r.version, s);
        let day = s.daily.find((d) => d.day === r.day);
        if (!day) s.daily.push((day = { day: r.day, installs: 0, updates: 0 }));
        const n = Number(r.n);
        if (r.kind === 'INSTALL') (s.installs += n), (day.installs += n);
        else (s.updates += n), (day.updates += n);
      }
      return [...stats.values()];
    },
  }),
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
    args: { input: t.arg({ type: builder.inputType('SetRolloutInput', { description: 'Input of `setRollout`.', fields: (f) => ({ id: f.id({ required: true }), rolloutPercent: f.int({ required: true }) }) }), required: true }) },
    resolve: async (_r, { input }, ctx) => ({ connector: await setRollout(ctx, id(input), input.rolloutPercent) }),
  }),
  rollbackRollout: t.field({
    type: connectorPayload('RollbackRolloutPayload', 'The result of `rollbackRollout`.', ConnectorNode),
    errorCodes: ['NOT_FOUND', 'NOTHING_TO_ROLL_OUT', 'FORBIDDEN'],
    description: 'Stops a staged share: nobody else is offered the version; unread notifications about it are withdrawn.',
    args: { input: t.arg({ type: builder.inputType('RollbackRolloutInput', { description: 'Input of `rollbackRollout`.', fields: (f) => ({ id: f.id({ required: true }) }) }), required: true }) },
    resolve: async (_r, { input }, ctx) => ({ connector: await rollbackRollout(ctx, id(input)) }),
  }),
  deprecateVersion: t.field({
    type: connectorPayload('DeprecateVersionPayload', 'The result of `deprecateVersion`.', ConnectorNode),
    errorCodes: ['NOT_FOUND', 'NOTHING_SHARED', 'INVALID_INPUT', 'FORBIDDEN'],
    description: 'Marks a shared version deprecated, with a message and optionally the version to use instead.',
    args: {
      input: t.arg({
        type: builder.inputType('DeprecateVersionInput', { description: 'Input of `deprecateVersion`.', 
          fields: (f) => ({ id: f.id({ required: true }), version: f.int({ required: true }), message: f.string({ required: true }), replacementVersion: f.int() }),
        }),
        required: true,
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
        type: builder.inputType('YankVersionInput', { description: 'Input of `yankVersion`.', fields: (f) => ({ id: f.id({ required: true }), version: f.int({ required: true }), yanked: f.boolean({ defaultValue: true }) }) }),
        required: true,
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
    type: payloadType<{ removed: boolean }>('RemoveWebhookPayload', 'The result of `removeWebhook`.', (f) => ({
      removed: f.boolean({ nullable: true, description: 'True when deliveries stopped; null when refused.', resolve: (p) => p.removed ?? null }),
    })),
    errorCodes: ['NOT_FOUND', 'FORBIDDEN'],
    description: 'Stops deliveries to a webhook (its log stays).',
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
      await removeWebhook(ctx, parseGlobalId(String(input.id), 'Webhook'));
      return { removed: true };
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
