import type { Listing as ListingRow } from '../../generated/prisma/client.js';
import {
  addCatalogApp,
  catalogWhere,
  libraryWhere,
  listConnector,
  reviewListing,
  reviewQueueWhere,
  unlistConnector,
} from '../../domain/community.js';
import { LIMITS } from '../../domain/limits.js';
import { builder } from '../builder.js';
import { describedEnum } from '../enums.js';
import { ConnectorNode } from './connectors.js';
import { connectorPayload, objectPayload } from './errors.js';
import { parseGlobalId } from '../ids.js';
import { dbId, namedConnection } from '../connections.js';
import { SharedConnectorRef } from './sharing.js';
import { inputArg, mutationInput } from './inputs.js';

export const ListingStatusEnum = describedEnum(
  'ListingStatus',
  'Where a listing is in community review.',
  {
    PENDING: 'Waiting for a platform reviewer; not in the library.',
    APPROVED: 'In the community library.',
    REJECTED: 'Not accepted; see `reviewReason`. Changing the listing sends it back to review.',
    DISABLED: 'Taken out of the library after approval; see `reviewReason`.',
  },
);

const ReviewDecisionEnum = describedEnum(
  'ReviewDecision',
  "A platform reviewer's decision on a listing.",
  {
    APPROVE: 'Put a pending (or disabled) listing in the library.',
    REJECT: 'Refuse a pending listing; needs a reason.',
    DISABLE: 'Take an approved listing out of the library; needs a reason.',
  },
);

const CatalogAppRef = builder.prismaNode('CatalogApp', {
  description: 'An app the platform approved for listings.',
  id: { field: 'id', description: 'Global ID of the app; `listConnector` takes it as `appId`.' },
  nullable: true,
  // The catalog is public to every caller.
  findUnique: (id) => ({ id: dbId(id) }),
  fields: (t) => ({ name: t.exposeString('name', { description: 'The app name.' }) }),
});

/**
 * A listing is visible to everyone once approved, and always to its owner's workspace and to
 * reviewers: that is the rule `node(id)` applies too.
 */
function visibleListing(ctx: { actor: import('../../domain/context.js').Principal | null }) {
  const actor = ctx.actor;
  if (!actor) return { status: 'APPROVED' as const, connectorId: -1 };
  if (actor.kind === 'reviewer') return {};
  return {
    OR: [{ status: 'APPROVED' as const }, { connector: { workspaceId: actor.workspaceId } }],
  };
}

export const ListingNode = builder.prismaNode('Listing', {
  id: { field: 'id', description: 'Global ID of the listing.' },
  nullable: true,
  findUnique: (id, ctx) => ({ id: dbId(id), ...visibleListing(ctx) }),
  description: 'A connector in the community library (or on its way there).',
  fields: (t) => ({
    connector: t.field({
      type: SharedConnectorRef,
      description: 'The connector, as the library shows it.',
      select: { connector: true },
      resolve: (l) => l.connector,
    }),
    app: t.relation('app', {
      nullable: true,
      description: 'The catalog app, when one was picked.',
    }),
    appName: t.exposeString('appName', { description: 'The app this connector connects to.' }),
    categories: t.exposeStringList('categories', { description: 'Category tags.' }),
    preventDirectInstall: t.exposeBoolean('preventDirectInstall', {
      description: 'When true, installers are sent to `landingPageUrl` instead.',
    }),
    landingPageUrl: t.exposeString('landingPageUrl', {
      nullable: true,
      description: 'Where to learn more (and, with `preventDirectInstall`, how to get it).',
    }),
    status: t.expose('status', {
      type: ListingStatusEnum,
      description: 'Where it is in review.',
    }),
    reviewReason: t.exposeString('reviewReason', {
      nullable: true,
      description: "The reviewer's reason for rejecting or disabling it.",
    }),
    reviewedAt: t.expose('reviewedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was last reviewed.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was listed.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed.' }),
  }),
});

builder.prismaObjectFields('Connector', (t) => ({
  listing: t.relation('listing', {
    nullable: true,
    description: 'Its community listing, if it has one.',
  }),
  installCount: t.exposeInt('installCount', {
    description: 'Installs into other workspaces, ever.',
  }),
}));

const ListingConnection = namedConnection(ListingNode, 'Listing', 'listings');

builder.queryFields((t) => ({
  communityListings: t.prismaConnection(
    {
      type: 'Listing',
      cursor: 'id',
      description:
        'The community library: approved listings, newest first, by title (any case), app or category.',
      args: {
        search: t.arg.string({ description: 'Part of the title, any case.' }),
        app: t.arg.string({ description: 'The app name, any case.' }),
        category: t.arg.string({ description: 'One category tag, exactly.' }),
      },
      totalCount: (_p, args, ctx) => ctx.prisma.listing.count({ where: libraryWhere(ctx, args) }),
      resolve: (query, _root, args, ctx) =>
        ctx.prisma.listing.findMany({
          ...query,
          where: libraryWhere(ctx, args),
          orderBy: { id: 'desc' },
        }),
    },
    ListingConnection,
  ),
  listingsForReview: t.prismaConnection(
    {
      type: 'Listing',
      cursor: 'id',
      description: 'Platform reviewers only: listings in a state, oldest first.',
      args: {
        status: t.arg({
          type: ListingStatusEnum,
          defaultValue: 'PENDING',
          description: 'Which review state to list.',
        }),
      },
      totalCount: (_p, args, ctx) =>
        ctx.prisma.listing.count({ where: reviewQueueWhere(ctx, args.status ?? 'PENDING') }),
      resolve: (query, _root, args, ctx) =>
        ctx.prisma.listing.findMany({
          ...query,
          where: reviewQueueWhere(ctx, args.status ?? 'PENDING'),
          orderBy: { id: 'asc' },
        }),
    },
    ListingConnection,
  ),
  catalogApps: t.prismaConnection(
    {
      type: 'CatalogApp',
      cursor: 'id',
      description:
        'Apps for listings, by name; `search` keeps those whose name contains it (any case).',
      args: { search: t.arg.string({ description: 'Part of the name, any case.' }) },
      totalCount: (_p, { search }, ctx) =>
        ctx.prisma.catalogApp.count({ where: catalogWhere(ctx, search) }),
      resolve: (query, _root, { search }, ctx) =>
        ctx.prisma.catalogApp.findMany({
          ...query,
          where: catalogWhere(ctx, search),
          orderBy: { name: 'asc' },
        }),
    },
    namedConnection(CatalogAppRef, 'CatalogApp', 'catalog apps'),
  ),
}));

const ListConnectorInput = mutationInput('listConnector', (t) => ({
  id: t.id({ required: true, description: 'The connector (it must be shared).' }),
  appId: t.id({ description: 'A catalog app (its global ID).' }),
  appName: t.string({ description: 'The app as free text, when it is not in the catalog.' }),
  categories: t.stringList({
    required: true,
    description: `Category tags, 1 to ${LIMITS.categories}, each at most ${LIMITS.categoryChars} characters.`,
  }),
  preventDirectInstall: t.boolean({
    description: 'Send people to `landingPageUrl` instead of installing.',
  }),
  landingPageUrl: t.string({
    description: `An http(s) URL (at most ${LIMITS.urlChars} characters) where people learn more; required with \`preventDirectInstall\`.`,
  }),
}));

const listingPayload = (name: string) =>
  objectPayload<{ listing: ListingRow }>(
    name,
    'listing',
    ListingNode,
    'The listing as the mutation left it; null when refused.',
  );

const AddCatalogAppPayload = objectPayload<{
  catalogApp: import('../../generated/prisma/client.js').CatalogApp;
}>(
  'AddCatalogAppPayload',
  'catalogApp',
  CatalogAppRef,
  'The app (new, or the one that had the name); null when refused.',
);

builder.mutationFields((t) => ({
  listConnector: t.field({
    type: listingPayload('ListConnectorPayload'),
    errorCodes: ['NOT_FOUND', 'NOTHING_SHARED', 'INVALID_INPUT', 'FORBIDDEN'],
    description:
      'Lists a shared connector in the community library, or changes its listing; either way it goes to review.',
    args: inputArg(ListConnectorInput, 'The connector and how the library shows it.'),
    resolve: async (_root, { input: { id, appId, ...rest } }, ctx) => ({
      listing: await listConnector(ctx, parseGlobalId(String(id), 'Connector'), {
        ...rest,
        appId: appId == null ? null : parseGlobalId(String(appId), 'CatalogApp', 'input.appId'),
      }),
    }),
  }),
  unlistConnector: t.field({
    type: connectorPayload('UnlistConnectorPayload', ConnectorNode),
    errorCodes: ['NOT_FOUND', 'FORBIDDEN'],
    description: 'Removes the listing; installed copies keep working.',
    args: inputArg(
      mutationInput('unlistConnector', (f) => ({
        id: f.id({ required: true, description: 'The listed connector (global ID).' }),
      })),
      'The connector to unlist.',
    ),
    resolve: async (_root, { input }, ctx) => {
      const id = parseGlobalId(String(input.id), 'Connector');
      await unlistConnector(ctx, id);
      return { connector: await ctx.prisma.connector.findUniqueOrThrow({ where: { id } }) };
    },
  }),
  reviewListing: t.field({
    type: listingPayload('ReviewListingPayload'),
    errorCodes: ['NOT_FOUND', 'LISTING_STATE', 'INVALID_INPUT', 'FORBIDDEN'],
    description:
      'Platform reviewers: approve a pending (or disabled) listing, reject a pending one, or disable an approved one. A reason is required to reject or disable.',
    args: inputArg(
      mutationInput('reviewListing', (f) => ({
        id: f.id({ required: true, description: 'The listing (global ID).' }),
        decision: f.field({
          type: ReviewDecisionEnum,
          required: true,
          description: 'Approve, reject or disable.',
        }),
        reason: f.string({
          description: `Why, shown to the listing's workspace (at most ${LIMITS.reasonChars} characters); required to reject or disable.`,
        }),
      })),
      'The listing and the decision.',
    ),
    resolve: async (_root, { input }, ctx) => ({
      listing: await reviewListing(
        ctx,
        parseGlobalId(String(input.id), 'Listing'),
        input.decision,
        input.reason,
      ),
    }),
  }),
  addCatalogApp: t.field({
    type: AddCatalogAppPayload,
    errorCodes: ['INVALID_INPUT', 'FORBIDDEN'],
    description:
      'Platform reviewers: add an app to the catalog (returns the existing one when the name is taken).',
    args: inputArg(
      mutationInput('addCatalogApp', (f) => ({
        name: f.string({
          required: true,
          description: `The app name (1 to ${LIMITS.appNameChars} characters).`,
        }),
      })),
      'The app to add.',
    ),
    resolve: async (_root, { input }, ctx) => ({
      catalogApp: await addCatalogApp(ctx, input.name),
    }),
  }),
}));
