import type { Listing, ListingStatus, Prisma } from '../generated/prisma/client.js';
import { reviewerCommand, writeCommand } from './command.js';
import { requireActor, requireReviewer, type DomainContext } from './context.js';
import { InvalidInputError, NotFoundError, PreconditionError } from './errors.js';
import { LIMITS } from './limits.js';
import { toGlobalId } from './global-id.js';
import { containsText, equalsTextAnyCase } from './search.js';
import { refuseDisplaySpoofing } from './input.js';

export interface ListingInput {
  /** A catalog app; or `appName` as free text when the app is not in the catalog. */
  appId?: number | null;
  appName?: string | null;
  categories: string[];
  preventDirectInstall?: boolean | null;
  landingPageUrl?: string | null;
}

function text(
  value: string,
  field: string,
  max: number,
  opts: { displayName?: boolean } = {},
): string {
  const trimmed = value.trim();
  if (!trimmed) throw new InvalidInputError(`${field} must not be blank.`, `input.${field}`);
  if (trimmed.length > max)
    throw new InvalidInputError(`${field} is longer than ${max} characters.`, `input.${field}`);
  if (!trimmed.isWellFormed())
    throw new InvalidInputError(`${field} is not valid UTF-8 text.`, `input.${field}`);
  if (opts.displayName) refuseDisplaySpoofing(trimmed, `input.${field}`, field);
  return trimmed;
}

function landingPage(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidInputError('landingPageUrl is not a URL.', 'input.landingPageUrl');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new InvalidInputError('landingPageUrl must be an http(s) URL.', 'input.landingPageUrl');
  }
  if (url.length > LIMITS.urlChars)
    throw new InvalidInputError('landingPageUrl is too long.', 'input.landingPageUrl');
  return parsed.toString();
}

/**
 * Lists the connector in the community library, or changes its listing; either way the listing
 * (re)enters review as PENDING, so nothing unreviewed ever shows in the library.
 */
export async function listConnector(
  ctx: DomainContext,
  connectorId: number,
  input: ListingInput,
): Promise<Listing> {
  const cmd = writeCommand(ctx);
  const categories = [
    ...new Set(
      input.categories.map((c) =>
        text(c, 'categories', LIMITS.categoryChars, { displayName: true }),
      ),
    ),
  ];
  if (categories.length === 0 || categories.length > LIMITS.categories) {
    throw new InvalidInputError(
      `Give 1 to ${LIMITS.categories} category tags.`,
      'input.categories',
    );
  }
  const prevent = input.preventDirectInstall ?? false;
  const landingPageUrl = input.landingPageUrl ? landingPage(input.landingPageUrl) : null;
  if (prevent && !landingPageUrl) {
    throw new InvalidInputError(
      'A listing that prevents direct installation needs a landing page URL.',
      'input.landingPageUrl',
    );
  }
  let appId: number | null = null;
  let appName: string;
  if (input.appId != null) {
    const app = await ctx.prisma.catalogApp.findUnique({ where: { id: input.appId } });
    if (!app) throw new NotFoundError('No such app in the catalog.', 'input.appId');
    appId = app.id;
    appName = app.name;
  } else if (input.appName != null) {
    appName = text(input.appName, 'appName', LIMITS.appNameChars, { displayName: true });
    // Typed text that names a catalog app is that app, in any case (as the library's app filter
    // matches), spelt as the catalog spells it; an exact spelling wins over another case.
    const app =
      (await ctx.prisma.catalogApp.findUnique({ where: { name: appName } })) ??
      (await ctx.prisma.catalogApp.findFirst({
        where: { name: equalsTextAnyCase(appName) },
        orderBy: { id: 'asc' },
      }));
    if (app) {
      appId = app.id;
      appName = app.name;
    }
  } else {
    throw new InvalidInputError(
      'Pick an app from the catalog (appId) or type its name (appName).',
      'input.appId',
    );
  }
  return cmd.run(async ({ tx, lock, audit, libraryChanged }) => {
    const locked = await lock(connectorId);
    if (locked.sharedVersion == null) {
      throw new PreconditionError(
        'NOTHING_SHARED',
        'Share a released version before listing the connector.',
      );
    }
    const data = {
      appId,
      appName,
      categories,
      preventDirectInstall: prevent,
      landingPageUrl,
      status: 'PENDING' as const,
      reviewReason: null,
      reviewedAt: null,
      reviewedById: null,
    };
    const before = await tx.listing.findUnique({ where: { connectorId } });
    const listing = await tx.listing.upsert({
      where: { connectorId },
      create: { connectorId, ...data },
      update: data,
    });
    await audit({
      action: 'LISTING_SUBMIT',
      target: { type: 'Listing', id: listing.id },
      before: before && listingSnapshot(before),
      after: listingSnapshot(listing),
    });
    libraryChanged();
    return listing;
  });
}

/** Takes the connector out of the library; installed copies keep working. */
export async function unlistConnector(ctx: DomainContext, connectorId: number): Promise<void> {
  const cmd = writeCommand(ctx);
  await cmd.run(async ({ tx, audit, libraryChanged }) => {
    const listing = await tx.listing.findFirst({
      where: { connectorId, connector: { workspaceId: cmd.actor.workspaceId } },
    });
    if (!listing)
      throw new NotFoundError('This connector of your workspace is not listed.', 'input.id');
    await tx.listing.delete({ where: { id: listing.id } });
    await audit({
      action: 'LISTING_UNLIST',
      target: { type: 'Listing', id: listing.id },
      before: listingSnapshot(listing),
      after: null,
    });
    libraryChanged();
  });
}

/** What the audit log keeps of a listing. */
function listingSnapshot(l: Listing) {
  return {
    connector: toGlobalId('Connector', l.connectorId),
    appName: l.appName,
    categories: l.categories,
    preventDirectInstall: l.preventDirectInstall,
    landingPageUrl: l.landingPageUrl,
    status: l.status,
    reviewReason: l.reviewReason,
  };
}

export type ReviewDecision = 'APPROVE' | 'REJECT' | 'DISABLE';

/** Which states each decision may leave from: a reviewer re-enables a disabled listing by approving it. */
const TRANSITIONS: Record<ReviewDecision, { from: ListingStatus[]; to: ListingStatus }> = {
  APPROVE: { from: ['PENDING', 'DISABLED'], to: 'APPROVED' },
  REJECT: { from: ['PENDING'], to: 'REJECTED' },
  DISABLE: { from: ['APPROVED'], to: 'DISABLED' },
};

export async function reviewListing(
  ctx: DomainContext,
  listingId: number,
  decision: ReviewDecision,
  reason?: string | null,
): Promise<Listing> {
  const cmd = reviewerCommand(ctx);
  const why = reason?.trim() ? text(reason, 'reason', LIMITS.reasonChars) : null;
  if (decision !== 'APPROVE' && !why)
    throw new InvalidInputError('Say why when rejecting or disabling a listing.', 'input.reason');
  const { from, to } = TRANSITIONS[decision];
  // The status condition makes the check and the change one atomic step.
  const listing = await cmd.run(async ({ tx, audit, emit, notify, libraryChanged }) => {
    const prior = await tx.listing.findUnique({
      where: { id: listingId },
      select: { status: true, reviewReason: true },
    });
    const { count } = await tx.listing.updateMany({
      where: { id: listingId, status: { in: from } },
      data: {
        status: to,
        reviewReason: why,
        reviewedAt: new Date(),
        reviewedById: cmd.actor.reviewerId,
      },
    });
    const listing = await tx.listing.findUnique({
      where: { id: listingId },
      include: { connector: { select: { workspaceId: true } } },
    });
    if (!listing) throw new NotFoundError('No such listing.', 'input.id');
    if (count === 0) {
      throw new PreconditionError(
        'LISTING_STATE',
        `A ${listing.status} listing cannot be given ${decision}; it must be ${from.join(' or ')}.`,
      );
    }
    const workspaceId = listing.connector.workspaceId;
    // The publisher hears of the decision in the console (a notification) and by webhook.
    const told = await tx.notification.create({
      data: {
        workspaceId,
        kind: 'LISTING_REVIEWED',
        connectorId: listing.connectorId,
        listingStatus: to,
        reviewReason: why,
      },
      select: { id: true },
    });
    notify([{ workspaceId, notificationId: told.id }]);
    await emit({
      workspaceId,
      type: 'listing.reviewed',
      data: {
        listingId,
        connectorId: listing.connectorId,
        status: to,
        reason: why,
        notificationId: told.id,
      },
    });
    await audit({
      action: 'LISTING_REVIEW',
      workspaceId,
      target: { type: 'Listing', id: listingId },
      before: prior,
      after: { decision, status: to, reviewReason: why },
    });
    libraryChanged();
    return listing;
  });
  const { connector: _owner, ...row } = listing;
  return row;
}

/** What the library shows: approved listings, optionally filtered by title, app and category. */
export function libraryWhere(
  ctx: DomainContext,
  filter: { search?: string | null; app?: string | null; category?: string | null },
): Prisma.ListingWhereInput {
  if (!ctx.actor) requireActor(ctx);
  for (const [key, value] of Object.entries(filter)) {
    if (value != null && value.length > LIMITS.searchChars)
      throw new InvalidInputError(`${key} is too long.`, key);
  }
  return {
    status: 'APPROVED',
    ...(filter.search
      ? { connector: { title: containsText(filter.search, { anyCase: true }) } }
      : {}),
    ...(filter.app ? { appName: equalsTextAnyCase(filter.app) } : {}),
    ...(filter.category ? { categories: { has: filter.category } } : {}),
  };
}

/** Listings a reviewer works through, oldest first. */
export function reviewQueueWhere(
  ctx: DomainContext,
  status: ListingStatus,
): Prisma.ListingWhereInput {
  requireReviewer(ctx);
  return { status };
}

/** The app catalog: searchable by anyone signed in, extended by reviewers. */
export function catalogWhere(
  ctx: DomainContext,
  search?: string | null,
): Prisma.CatalogAppWhereInput {
  if (!ctx.actor) requireActor(ctx);
  if (search && search.length > LIMITS.searchChars)
    throw new InvalidInputError('search is too long.', 'search');
  return search ? { name: containsText(search, { anyCase: true }) } : {};
}

export async function addCatalogApp(ctx: DomainContext, name: string) {
  const cmd = reviewerCommand(ctx);
  const clean = text(name, 'name', LIMITS.appNameChars, { displayName: true });
  return cmd.run(async ({ tx, audit, libraryChanged }) => {
    libraryChanged();
    // Concurrent adds of one name: the insert that lost the race adds nothing and logs nothing.
    const [created] = await tx.catalogApp.createManyAndReturn({
      data: [{ name: clean }],
      skipDuplicates: true,
    });
    if (!created) return tx.catalogApp.findUniqueOrThrow({ where: { name: clean } });
    await audit({
      action: 'CATALOG_APP_ADD',
      target: { type: 'CatalogApp', id: created.id },
      after: { name: clean },
    });
    return created;
  });
}

/** A publishing workspace's stats: approved listings and installs of all its connectors. */
export async function publisherStats(
  prisma: DomainContext['prisma'],
  workspaceIds: readonly number[],
) {
  const ids = [...workspaceIds];
  const [approved, installs] = await Promise.all([
    prisma.listing.findMany({
      where: { status: 'APPROVED', connector: { workspaceId: { in: ids } } },
      select: { connector: { select: { workspaceId: true } } },
    }),
    prisma.connector.groupBy({
      by: ['workspaceId'],
      where: { workspaceId: { in: ids } },
      _sum: { installCount: true },
    }),
  ]);
  const listed = new Map<number, number>();
  for (const { connector } of approved)
    listed.set(connector.workspaceId, (listed.get(connector.workspaceId) ?? 0) + 1);
  return workspaceIds.map((id) => ({
    listedConnectors: listed.get(id) ?? 0,
    totalInstalls: installs.find((r) => r.workspaceId === id)?._sum.installCount ?? 0,
  }));
}
