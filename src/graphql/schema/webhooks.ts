import { canViewWebhookTargets } from '../../domain/access.js';
import type { EventType } from '../../domain/events.js';
import { registerWebhook, removeWebhook, webhooksWhere } from '../../domain/webhooks.js';
import type { Webhook } from '../../generated/prisma/client.js';
import { builder } from '../builder.js';
import { describedEnum } from '../enums.js';
import { dbId, edgeRef, idEdge, namedConnection } from '../connections.js';
import { toGlobalId } from '../../domain/global-id.js';
import { parseGlobalId } from '../ids.js';
import { workspaceOf } from './connectors.js';
import { payloadType } from './errors.js';
import { EventTypeEnum } from './events.js';
import { inputArg, mutationInput } from './inputs.js';

const DeliveryStatusEnum = describedEnum('DeliveryStatus', 'Where a webhook delivery stands.', {
  PENDING: 'Not delivered yet; `nextAttemptAt` says when it is tried (again).',
  DELIVERED: 'The endpoint answered 2xx.',
  FAILED: 'Every attempt failed; no more are made.',
});

const DeliveryNode = builder.prismaNode('WebhookDelivery', {
  description: 'One event sent (or being sent) to a webhook.',
  id: { field: 'id', description: 'Global ID of the delivery.' },
  nullable: true,
  findUnique: (id, ctx) => ({ id: dbId(id), webhook: { workspaceId: workspaceOf(ctx) } }),
  fields: (t) => ({
    event: t.field({
      type: EventTypeEnum,
      description: 'The event it carries.',
      resolve: (d) => d.event as EventType,
    }),
    status: t.expose('status', {
      type: DeliveryStatusEnum,
      description: 'Delivered, failed or pending.',
    }),
    attempts: t.exposeInt('attempts', { description: 'Attempts made so far.' }),
    lastStatus: t.exposeInt('lastStatus', {
      nullable: true,
      description: 'HTTP status of the last attempt.',
    }),
    lastError: t.string({
      nullable: true,
      description:
        'Why the last attempt failed; null for roles that do not manage webhooks (it can name the target host).',
      resolve: (d, _a, ctx) => (canViewWebhookTargets(ctx.actor) ? d.lastError : null),
    }),
    payload: t.expose('payload', {
      type: 'JSON',
      description: 'The JSON body sent: `{ type, workspace, at, data }`.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the event happened.' }),
    nextAttemptAt: t.expose('nextAttemptAt', {
      type: 'DateTime',
      description: 'When it is (or was last) due.',
    }),
    deliveredAt: t.expose('deliveredAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the endpoint accepted it.',
    }),
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
      description:
        "Where events are POSTed; null for roles that do not manage webhooks (OPERATOR): URLs can hold the receiver's secrets.",
      resolve: (w, _a, ctx) => (canViewWebhookTargets(ctx.actor) ? w.url : null),
    }),
    events: t.field({
      type: [EventTypeEnum],
      description: 'The events it receives.',
      resolve: (w) => w.events as EventType[],
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was registered.' }),
    deliveries: t.relatedConnection(
      'deliveries',
      {
        description: 'Its delivery log, newest first.',
        cursor: 'id',
        totalCount: true,
        query: { orderBy: { id: 'desc' } },
      },
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
      resolve: (query, _r, _a, ctx) =>
        ctx.prisma.webhook.findMany({
          ...query,
          where: webhooksWhere(ctx),
          orderBy: { id: 'asc' },
        }),
    },
    namedConnection(WebhookNode, 'Webhook', 'webhooks'),
  ),
}));

builder.mutationFields((t) => ({
  registerWebhook: t.field({
    type: payloadType<{ secret: string; webhook: Webhook; targetWarning: string | null }>(
      'RegisterWebhookPayload',
      (f) => ({
        secret: f.string({
          nullable: true,
          description: 'The HMAC key for X-Registry-Signature: shown this once. Null when refused.',
          resolve: (p) => p.secret ?? null,
        }),
        webhook: f.field({
          type: WebhookNode,
          nullable: true,
          description: 'The new webhook; null when refused.',
          resolve: (p) => p.webhook ?? null,
        }),
        targetWarning: f.string({
          nullable: true,
          description:
            "Set when the URL's host name does not resolve now: the webhook is registered, and deliveries fail until the name resolves to a public address. Null otherwise.",
          resolve: (p) => p.targetWarning ?? null,
        }),
        webhookEdge: f.field({
          type: edgeRef('Webhook') as never,
          nullable: true,
          description:
            'The new webhook as an edge of `webhooks` (Relay `@appendEdge`); null when refused.',
          resolve: (p) => idEdge(p.webhook) as never,
        }),
      }),
    ),
    errorCodes: ['INVALID_INPUT', 'FORBIDDEN'],
    description:
      'Registers an HTTPS endpoint for lifecycle events; deliveries are signed and retried with backoff (ADMIN and DEVELOPER).',
    args: inputArg(
      mutationInput('registerWebhook', (f) => ({
        url: f.string({ required: true, description: 'An HTTPS URL.' }),
        events: f.field({
          type: [EventTypeEnum],
          required: true,
          description: 'The events to send there (at least one).',
        }),
      })),
      'The endpoint and its events.',
    ),
    resolve: (_r, { input }, ctx) =>
      registerWebhook(
        ctx,
        { url: input.url, events: input.events },
        { allowHttpLoopback: ctx.settings.allowHttpLoopbackWebhooks },
      ),
  }),
  removeWebhook: t.field({
    type: payloadType<{ removed: boolean; webhookId: string }>('RemoveWebhookPayload', (f) => ({
      removed: f.boolean({
        nullable: true,
        description: 'True when deliveries stopped; null when refused.',
        resolve: (p) => p.removed ?? null,
      }),
      deletedWebhookId: f.id({
        nullable: true,
        description:
          'The global ID of the removed webhook, for clients that drop it from their cache (Relay `@deleteRecord`); null when refused.',
        resolve: (p) => p.webhookId ?? null,
      }),
    })),
    errorCodes: ['NOT_FOUND', 'FORBIDDEN'],
    description:
      'Removes a webhook: no more deliveries, pending ones included. The webhook and its delivery log are no longer readable through the API (the removal stays in the audit log).',
    args: inputArg(
      mutationInput('removeWebhook', (f) => ({
        id: f.id({ required: true, description: 'The webhook (global ID).' }),
      })),
      'The webhook to remove.',
    ),
    resolve: async (_r, { input }, ctx) => {
      const webhookId = parseGlobalId(String(input.id), 'Webhook');
      await removeWebhook(ctx, webhookId);
      return { removed: true, webhookId: toGlobalId('Webhook', webhookId) };
    },
  }),
}));
