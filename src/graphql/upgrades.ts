import { classifyChange, type Change, type ChangeReport } from '../code/compat.js';
import type { CodeStructure } from '../code/structure.js';
import { deprecateVersion, rollbackRollout, setRollout, yankVersion } from '../domain/connectors.js';
import { canViewWebhookTargets } from '../domain/access.js';
import { requireActor } from '../domain/context.js';
import { EVENT_TYPES, eventTopic, type LifecycleEvent } from '../domain/events.js';
import { registerWebhook, removeWebhook, webhooksWhere } from '../domain/webhooks.js';
import { builder } from './builder.js';
import { ConnectorNode } from './connector.js';
import { connectorPayload, payloadType } from './errors.js';
import { parseGlobalId } from './ids.js';

const ChangeLevelEnum = builder.enumType('ChangeLevel', {
  values: {
    NONE: { description: 'Nothing an installer relies on changed.' },
    NON_BREAKING: { description: 'Only additions.' },
    UNKNOWN: { description: 'Some fields are computed at run time and could not be compared.' },
    BREAKING: { description: 'Recipes built on the older version can break.' },
  } as const,
});

const ChangeRef = builder.objectRef<Change>('Change').implement({
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
    args: { input: t.arg({ type: builder.inputType('SetRolloutInput', { fields: (f) => ({ id: f.id({ required: true }), rolloutPercent: f.int({ required: true }) }) }), required: true }) },
    resolve: async (_r, { input }, ctx) => ({ connector: await setRollout(ctx, id(input), input.rolloutPercent) }),
  }),
  rollbackRollout: t.field({
    type: connectorPayload('RollbackRolloutPayload', 'The result of `rollbackRollout`.', ConnectorNode),
    errorCodes: ['NOT_FOUND', 'NOTHING_TO_ROLL_OUT', 'FORBIDDEN'],
    description: 'Stops a staged share: nobody else is offered the version; unread notifications about it are withdrawn.',
    args: { input: t.arg({ type: builder.inputType('RollbackRolloutInput', { fields: (f) => ({ id: f.id({ required: true }) }) }), required: true }) },
    resolve: async (_r, { input }, ctx) => ({ connector: await rollbackRollout(ctx, id(input)) }),
  }),
  deprecateVersion: t.field({
    type: connectorPayload('DeprecateVersionPayload', 'The result of `deprecateVersion`.', ConnectorNode),
    errorCodes: ['NOT_FOUND', 'NOTHING_SHARED', 'INVALID_INPUT', 'FORBIDDEN'],
    description: 'Marks a shared version deprecated, with a message and optionally the version to use instead.',
    args: {
      input: t.arg({
        type: builder.inputType('DeprecateVersionInput', {
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
        type: builder.inputType('YankVersionInput', { fields: (f) => ({ id: f.id({ required: true }), version: f.int({ required: true }), yanked: f.boolean({ defaultValue: true }) }) }),
        required: true,
      }),
    },
    resolve: async (_r, { input }, ctx) => ({ connector: await yankVersion(ctx, id(input), input.version, input.yanked ?? true) }),
  }),
}));

// Webhooks and live lifecycle events.
const EventTypeEnum = builder.enumType('LifecycleEventType', {
  values: Object.fromEntries(EVENT_TYPES.map((e) => [e.replace('.', '_').toUpperCase(), { value: e }])) as Record<string, { value: string }>,
});

const DeliveryRef = builder.prismaObject('WebhookDelivery', {
  fields: (t) => ({
    databaseId: t.exposeInt('id'),
    event: t.exposeString('event'),
    status: t.string({ resolve: (d) => d.status }),
    attempts: t.exposeInt('attempts'),
    lastStatus: t.exposeInt('lastStatus', { nullable: true, description: 'HTTP status of the last attempt.' }),
    lastError: t.string({
      nullable: true,
      description: 'Why the last attempt failed; null for roles that do not manage webhooks (it can name the target host).',
      resolve: (d, _a, ctx) => (canViewWebhookTargets(ctx.actor) ? d.lastError : null),
    }),
    payload: t.expose('payload', { type: 'JSON' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime' }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true }),
  }),
});

const WebhookRef = builder.prismaObject('Webhook', {
  fields: (t) => ({
    databaseId: t.exposeInt('id'),
    url: t.string({
      nullable: true,
      description: 'Where deliveries go; null for roles that do not manage webhooks (OPERATOR): URLs can hold the receiver\'s secrets.',
      resolve: (w, _a, ctx) => (canViewWebhookTargets(ctx.actor) ? w.url : null),
    }),
    events: t.exposeStringList('events'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    deliveries: t.relation('deliveries', { description: 'The 50 most recent deliveries, newest first.', query: { orderBy: { id: 'desc' }, take: 50 } }),
  }),
});
void DeliveryRef;

builder.queryFields((t) => ({
  webhooks: t.prismaField({
    type: ['Webhook'],
    description: "Your workspace's webhooks with their delivery log.",
    resolve: (query, _r, _a, ctx) => ctx.prisma.webhook.findMany({ ...query, where: webhooksWhere(ctx), orderBy: { id: 'asc' } }),
  }),
}));

builder.mutationFields((t) => ({
  registerWebhook: t.field({
    type: payloadType<{ secret: string; webhook: import('../generated/prisma/client.js').Webhook }>('RegisterWebhookPayload', 'The result of `registerWebhook`.', (f) => ({
      secret: f.string({ nullable: true, description: 'The HMAC key for X-Registry-Signature: shown this once. Null when refused.', resolve: (p) => p.secret ?? null }),
      webhook: f.field({ type: WebhookRef, nullable: true, description: 'The new webhook; null when refused.', resolve: (p) => p.webhook ?? null }),
    })),
    errorCodes: ['INVALID_INPUT', 'FORBIDDEN'],
    description: 'Registers an HTTPS endpoint for lifecycle events; deliveries are signed and retried with backoff.',
    args: {
      input: t.arg({
        type: builder.inputType('RegisterWebhookInput', { fields: (f) => ({ url: f.string({ required: true }), events: f.field({ type: [EventTypeEnum], required: true }) }) }),
        required: true,
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
    args: { input: t.arg({ type: builder.inputType('RemoveWebhookInput', { fields: (f) => ({ databaseId: f.int({ required: true }) }) }), required: true }) },
    resolve: async (_r, { input }, ctx) => {
      await removeWebhook(ctx, input.databaseId);
      return { removed: true };
    },
  }),
}));

const LifecycleEventRef = builder.objectRef<LifecycleEvent>('LifecycleEvent').implement({
  fields: (t) => ({
    type: t.field({ type: EventTypeEnum, resolve: (e) => e.type }),
    data: t.expose('data', { type: 'JSON' }),
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
