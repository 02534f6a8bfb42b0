import type { Listing as ListingRow } from '../generated/prisma/client.js';
import { addCatalogApp, catalogWhere, libraryWhere, listConnector, reviewListing, reviewQueueWhere, unlistConnector } from '../domain/community.js';
import { LIMITS } from '../domain/limits.js';
import { builder } from './builder.js';
import { ConnectorNode } from './connector.js';
import { connectorPayload, payloadType } from './errors.js';
import { parseGlobalId } from './ids.js';
import { SharedConnectorRef } from './sharing.js';

const ListingStatusEnum = builder.enumType('ListingStatus', {
  values: {
    PENDING: { description: 'Waiting for a platform reviewer; not in the library.' },
    APPROVED: { description: 'In the community library.' },
    REJECTED: { description: 'Not accepted; see `reviewReason`. Changing the listing sends it back to review.' },
    DISABLED: { description: 'Taken out of the library after approval; see `reviewReason`.' },
  } as const,
});

const ReviewDecisionEnum = builder.enumType('ReviewDecision', { values: ['APPROVE', 'REJECT', 'DISABLE'] as const });

const CatalogAppRef = builder.prismaObject('CatalogApp', {
  description: 'An app the platform approved for listings.',
  fields: (t) => ({ databaseId: t.exposeInt('id'), name: t.exposeString('name') }),
});

/**
 * A listing is visible to everyone once approved, and always to its owner's workspace and to
 * reviewers: that is the rule `node(id)` applies too.
 */
function visibleListing(ctx: { actor: import('../domain/context.js').Principal | null }) {
  const actor = ctx.actor;
  if (!actor) return { status: 'APPROVED' as const, connectorId: -1 };
  if (actor.kind === 'reviewer') return {};
  return { OR: [{ status: 'APPROVED' as const }, { connector: { workspaceId: actor.workspaceId } }] };
}

export const ListingNode = builder.prismaNode('Listing', {
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id: /^[1-9]\d{0,9}$/.test(id) ? Number(id) : -1, ...visibleListing(ctx) }),
  description: 'A connector in the community library (or on its way there).',
  fields: (t) => ({
    connector: t.field({
      type: SharedConnectorRef,
      select: { connector: true },
      resolve: (l) => l.connector,
    }),
    app: t.relation('app', { nullable: true, description: 'The catalog app, when one was picked.' }),
    appName: t.exposeString('appName', { description: 'The app this connector connects to.' }),
    categories: t.exposeStringList('categories'),
    preventDirectInstall: t.exposeBoolean('preventDirectInstall'),
    landingPageUrl: t.exposeString('landingPageUrl', { nullable: true }),
    status: t.field({ type: ListingStatusEnum, resolve: (l) => l.status }),
    reviewReason: t.exposeString('reviewReason', { nullable: true }),
    reviewedAt: t.expose('reviewedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.prismaObjectFields('Connector', (t) => ({
  listing: t.relation('listing', { nullable: true, description: 'Its community listing, if it has one.' }),
  installCount: t.exposeInt('installCount', { description: 'Installs into other workspaces, ever.' }),
}));

builder.queryFields((t) => ({
  communityListings: t.prismaConnection({
    type: 'Listing',
    cursor: 'id',
    description: 'The community library: approved listings, newest first, by title (any case), app or category.',
    args: {
      search: t.arg.string({ description: 'Part of the title, any case.' }),
      app: t.arg.string({ description: 'The app name, any case.' }),
      category: t.arg.string({ description: 'One category tag, exactly.' }),
    },
    totalCount: (_p, args, ctx) => ctx.prisma.listing.count({ where: libraryWhere(ctx, args) }),
    resolve: (query, _root, args, ctx) => ctx.prisma.listing.findMany({ ...query, where: libraryWhere(ctx, args), orderBy: { id: 'desc' } }),
  }),
  listingsForReview: t.prismaConnection({
    type: 'Listing',
    cursor: 'id',
    description: 'Platform reviewers only: listings in a state, oldest first.',
    args: { status: t.arg({ type: ListingStatusEnum, defaultValue: 'PENDING' }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.listing.findMany({ ...query, where: reviewQueueWhere(ctx, args.status ?? 'PENDING'), orderBy: { id: 'asc' } }),
  }),
  catalogApps: t.prismaField({
    type: ['CatalogApp'],
    description: `Apps for listings whose name contains \`search\` (any case), at most ${LIMITS.pageSize}.`,
    args: { search: t.arg.string() },
    resolve: (query, _root, { search }, ctx) =>
      ctx.prisma.catalogApp.findMany({ ...query, where: catalogWhere(ctx, search), orderBy: { name: 'asc' }, take: LIMITS.pageSize }),
  }),
}));

const ListConnectorInput = builder.inputType('ListConnectorInput', {
  fields: (t) => ({
    id: t.id({ required: true, description: 'The connector (it must be shared).' }),
    appId: t.int({ description: 'A catalog app (`CatalogApp.databaseId`).' }),
    appName: t.string({ description: 'The app as free text, when it is not in the catalog.' }),
    categories: t.stringList({ required: true }),
    preventDirectInstall: t.boolean({ description: 'Send people to `landingPageUrl` instead of installing.' }),
    landingPageUrl: t.string(),
  }),
});

const listingPayload = (name: string) =>
  payloadType<{ listing: ListingRow }>(name, `The result of \`${name[0].toLowerCase()}${name.slice(1, -'Payload'.length)}\`.`, (t) => ({
    listing: t.field({ type: ListingNode, nullable: true, description: 'The listing as the mutation left it; null when refused.', resolve: (p) => p.listing ?? null }),
  }));

const AddCatalogAppPayload = payloadType<{ catalogApp: import('../generated/prisma/client.js').CatalogApp }>('AddCatalogAppPayload', 'The result of `addCatalogApp`.', (t) => ({
  catalogApp: t.field({ type: CatalogAppRef, nullable: true, description: 'The app (new, or the one that had the name); null when refused.', resolve: (p) => p.catalogApp ?? null }),
}));

builder.mutationFields((t) => ({
  listConnector: t.field({
    type: listingPayload('ListConnectorPayload'),
    errorCodes: ['NOT_FOUND', 'NOTHING_SHARED', 'INVALID_INPUT', 'FORBIDDEN'],
    description: 'Lists a shared connector in the community library, or changes its listing; either way it goes to review.',
    args: { input: t.arg({ type: ListConnectorInput, required: true }) },
    resolve: async (_root, { input: { id, ...rest } }, ctx) => ({
      listing: await listConnector(ctx, parseGlobalId(String(id), 'Connector'), rest),
    }),
  }),
  unlistConnector: t.field({
    type: connectorPayload('UnlistConnectorPayload', 'The result of `unlistConnector`.', ConnectorNode),
    errorCodes: ['NOT_FOUND', 'FORBIDDEN'],
    description: 'Removes the listing; installed copies keep working.',
    args: { input: t.arg({ type: builder.inputType('UnlistConnectorInput', { fields: (f) => ({ id: f.id({ required: true }) }) }), required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const id = parseGlobalId(String(input.id), 'Connector');
      await unlistConnector(ctx, id);
      return { connector: await ctx.prisma.connector.findUniqueOrThrow({ where: { id } }) };
    },
  }),
  reviewListing: t.field({
    type: listingPayload('ReviewListingPayload'),
    errorCodes: ['NOT_FOUND', 'LISTING_STATE', 'INVALID_INPUT', 'FORBIDDEN'],
    description: 'Platform reviewers: approve a pending (or disabled) listing, reject a pending one, or disable an approved one. A reason is required to reject or disable.',
    args: {
      input: t.arg({
        type: builder.inputType('ReviewListingInput', {
          fields: (f) => ({ id: f.id({ required: true }), decision: f.field({ type: ReviewDecisionEnum, required: true }), reason: f.string() }),
        }),
        required: true,
      }),
    },
    resolve: async (_root, { input }, ctx) => ({
      listing: await reviewListing(ctx, parseGlobalId(String(input.id), 'Listing'), input.decision, input.reason),
    }),
  }),
  addCatalogApp: t.field({
    type: AddCatalogAppPayload,
    errorCodes: ['INVALID_INPUT', 'FORBIDDEN'],
    description: 'Platform reviewers: add an app to the catalog (returns the existing one when the name is taken).',
    args: { input: t.arg({ type: builder.inputType('AddCatalogAppInput', { fields: (f) => ({ name: f.string({ required: true }) }) }), required: true }) },
    resolve: async (_root, { input }, ctx) => ({ catalogApp: await addCatalogApp(ctx, input.name) }),
  }),
}));
