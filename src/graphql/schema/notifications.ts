import { GraphQLError } from 'graphql';
import { requireActor } from '../../domain/context.js';
import { freshLoaders } from '../context.js';
import { InvalidInputError } from '../../domain/errors.js';
import { notificationTopic } from '../../domain/events.js';
import { markNotificationsRead, notificationsWhere } from '../../domain/notifications.js';
import { builder } from '../builder.js';
import { dbId, namedConnection } from '../connections.js';
import { parseGlobalId } from '../ids.js';
import { ChangeReportRef, classify } from './change-reports.js';
import { ListingStatusEnum } from './community.js';
import { ConnectorNode, workspaceOf } from './connectors.js';
import { describedEnum } from '../enums.js';
import { payloadType } from './errors.js';
import { inputArg, mutationInput } from './inputs.js';

const NotificationKindEnum = describedEnum(
  'NotificationKind',
  'What a notification tells your workspace.',
  {
    UPDATE_AVAILABLE:
      'The parent of one of your copies shared a new version (`parentVersion`, `install`, `changes`).',
    LISTING_REVIEWED:
      'A platform reviewer approved, rejected or disabled the listing of one of your connectors (`listingStatus`, `reviewReason`).',
  },
);

export const NotificationNode = builder.prismaNode('Notification', {
  id: { field: 'id', description: 'Global ID of the notification.' },
  nullable: true,
  findUnique: (id, ctx) => ({ id: dbId(id), workspaceId: workspaceOf(ctx) }),
  description:
    'Something your workspace should know: the parent of one of your copies shared a new version (update the copy when ready), or a reviewer decided on one of your listings. `kind` says which.',
  fields: (t) => ({
    kind: t.expose('kind', {
      type: NotificationKindEnum,
      description: 'What it tells: an update on offer, or a review decision.',
    }),
    parentVersion: t.exposeInt('parentVersion', {
      nullable: true,
      description: "The parent's newly shared version; null for a review decision.",
    }),
    note: t.string({
      nullable: true,
      description: "That version's note; null for a review decision.",
      select: { parentVersion: true, install: { select: { parentId: true } } },
      resolve: async (n, _a, ctx) =>
        n.install && n.parentVersion != null
          ? ((
              await ctx.loaders.versionSummary.load({
                connectorId: n.install.parentId,
                number: n.parentVersion,
              })
            )?.note ?? null)
          : null,
    }),
    install: t.relation('install', {
      nullable: true,
      description: 'The install that can take the update; null for a review decision.',
    }),
    connector: t.field({
      type: ConnectorNode,
      description:
        'The connector of your workspace it is about: the copy that can take the update, or the listed connector.',
      select: { connector: true, install: { select: { connector: true } } },
      resolve: (n) => (n.install?.connector ?? n.connector)!,
    }),
    listingStatus: t.expose('listingStatus', {
      type: ListingStatusEnum,
      nullable: true,
      description:
        "The reviewer's decision: the listing's status it left it in (APPROVED, REJECTED, DISABLED); null for an update.",
    }),
    reviewReason: t.exposeString('reviewReason', {
      nullable: true,
      description: "The reviewer's reason, when one was given; null for an update.",
    }),
    createdAt: t.expose('createdAt', {
      type: 'DateTime',
      description: 'When it happened: the parent shared the version, or the reviewer decided.',
    }),
    readAt: t.expose('readAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was marked read; null while unread.',
    }),
  }),
});

builder.prismaObjectFields('Notification', (t) => ({
  changes: t.field({
    type: ChangeReportRef,
    nullable: true,
    description:
      "What taking this update means for your copy: the parent's change from the version your copy is based on. Null for a review decision.",
    select: { parentVersion: true, install: { select: { parentId: true, baseVersion: true } } },
    resolve: (n, _a, ctx) =>
      n.install && n.parentVersion != null
        ? classify(
            ctx,
            n.install.parentId,
            Math.min(n.install.baseVersion, n.parentVersion),
            n.parentVersion,
          )
        : null,
  }),
}));

/** The `notifications` arguments as the domain's filter; a malformed connector ID is refused (NOT_FOUND), a foreign one finds nothing. */
function notificationsFilter(
  ctx: Parameters<typeof notificationsWhere>[0],
  args: { unreadOnly?: boolean | null; connector?: string | number | null },
) {
  return notificationsWhere(ctx, {
    unreadOnly: args.unreadOnly ?? false,
    connectorId:
      args.connector == null
        ? undefined
        : parseGlobalId(String(args.connector), 'Connector', 'connector'),
  });
}

builder.queryFields((t) => ({
  notifications: t.prismaConnection(
    {
      type: 'Notification',
      cursor: 'id',
      description:
        "Your workspace's notifications (updates on offer to your copies, review decisions on your listings), newest first.",
      args: {
        unreadOnly: t.arg.boolean({
          defaultValue: false,
          description: 'Only those not marked read.',
        }),
        connector: t.arg.id({
          description:
            'Only those about this connector of your workspace (global ID): updates offered to it as a copy, review decisions on its listing.',
        }),
      },
      totalCount: (_p, args, ctx) =>
        ctx.prisma.notification.count({ where: notificationsFilter(ctx, args) }),
      resolve: (query, _root, args, ctx) =>
        ctx.prisma.notification.findMany({
          ...query,
          where: notificationsFilter(ctx, args),
          orderBy: { id: 'desc' },
        }),
    },
    namedConnection(NotificationNode, 'Notification', 'notifications'),
  ),
}));

builder.subscriptionFields((t) => ({
  notificationAdded: t.prismaField({
    type: 'Notification',
    description:
      "Your workspace's notifications (updates, review decisions) as they happen (GraphQL over SSE). With PostgreSQL, from any gateway process.",
    subscribe: (_root, _args, ctx) =>
      ctx.pubsub.subscribe(notificationTopic(requireActor(ctx).workspaceId)),
    resolve: async (query, payload, _args, ctx) => {
      const { notificationId } = payload as { notificationId: number };
      freshLoaders(ctx);
      const found = await ctx.prisma.notification.findFirst({
        ...query,
        where: { id: notificationId, workspaceId: requireActor(ctx).workspaceId },
      });
      if (!found)
        throw new GraphQLError('The notification is gone.', { extensions: { code: 'NOT_FOUND' } });
      return found;
    },
  }),
}));

const MarkReadPayload = payloadType<{ marked: number; ids: number[] }>(
  'MarkNotificationsReadPayload',
  (t) => ({
    marked: t.int({
      nullable: true,
      description: 'How many were unread before; null when refused.',
      resolve: (p) => p.marked ?? null,
    }),
    notifications: t.prismaField({
      type: ['Notification'],
      nullable: true,
      description:
        'The notifications named, as they are now (with `readAt`), so normalized client caches update them; null when refused.',
      resolve: (query, p, _args, ctx) =>
        p.ids
          ? ctx.prisma.notification.findMany({
              ...query,
              where: { id: { in: p.ids }, workspaceId: workspaceOf(ctx) },
              orderBy: { id: 'desc' },
            })
          : (null as never),
    }),
  }),
);

builder.mutationFields((t) => ({
  markNotificationsRead: t.field({
    type: MarkReadPayload,
    errorCodes: ['NOT_FOUND', 'INVALID_INPUT', 'FORBIDDEN'],
    description:
      'Marks notifications of your workspace read (every role, OPERATOR included); marking a read one again changes nothing.',
    args: inputArg(
      mutationInput('markNotificationsRead', (f) => ({
        ids: f.idList({
          required: true,
          description: 'Global IDs of the notifications, at most 100.',
        }),
      })),
      'The notifications to mark read.',
    ),
    resolve: async (_root, { input }, ctx) => {
      if (input.ids.length > 100)
        throw new InvalidInputError('At most 100 ids at once.', 'input.ids');
      const ids = input.ids.map((id) => parseGlobalId(String(id), 'Notification', 'input.ids'));
      return { marked: await markNotificationsRead(ctx, ids), ids };
    },
  }),
}));
