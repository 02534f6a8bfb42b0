import { analyzeConnectorCode } from '../code/analyze.js';
import type { Connector, InstallSource } from '../generated/prisma/client.js';
import { appendVersion, connectorName, lockConnector } from './connectors.js';
import { requireWriter, type DomainContext } from './context.js';
import { InvalidInputError, NotFoundError, PreconditionError } from './errors.js';
import { libraryChanged } from './community.js';
import { connectorByShareToken } from './sharing.js';

/** Exactly one of the two routes. */
export interface InstallFrom {
  listingId?: number | null;
  linkToken?: string | null;
}

/** The parent an install asks for, with the rules of its route (listing or private link). */
async function parentOf(ctx: DomainContext, from: InstallFrom): Promise<{ parent: Connector; source: InstallSource }> {
  if (from.linkToken != null) return { parent: await connectorByShareToken(ctx, from.linkToken), source: 'LINK' };
  const listing = await ctx.prisma.listing.findFirst({ where: { id: from.listingId!, status: 'APPROVED' }, include: { connector: true } });
  if (!listing) throw new NotFoundError('No such listing in the community library.', 'input.listingId');
  if (listing.preventDirectInstall) {
    throw new PreconditionError(
      'DIRECT_INSTALL_PREVENTED',
      `The publisher installs this connector through its landing page: ${listing.landingPageUrl}`,
      listing.landingPageUrl,
    );
  }
  return { parent: listing.connector, source: 'LISTING' };
}

/**
 * Clones the parent's latest shared version into the caller's workspace as a connector of its
 * own (version 1), remembers the parent, and counts the install. Only ADMIN and DEVELOPER install.
 */
export async function installConnector(ctx: DomainContext, from: InstallFrom): Promise<Connector> {
  const actor = requireWriter(ctx);
  if ((from.listingId == null) === (from.linkToken == null)) {
    throw new InvalidInputError('Install from exactly one of listingId or linkToken.', 'input');
  }
  const { parent, source } = await parentOf(ctx, from);
  if (parent.workspaceId === actor.workspaceId) {
    throw new PreconditionError('OWN_CONNECTOR', 'This connector is already yours; installs copy connectors into other workspaces.');
  }
  const sharedVersion = parent.sharedVersion!;
  const shared = await ctx.prisma.connectorVersion.findUniqueOrThrow({
    where: { connectorId_number: { connectorId: parent.id, number: sharedVersion } },
    select: { code: true, note: true, diagnostics: true, hasErrors: true, actions: true, triggers: true },
  });
  const copy = await ctx.prisma.$transaction(async (tx) => {
    const copy = await tx.connector.create({
      data: {
        workspaceId: actor.workspaceId,
        name: connectorName(parent.title, actor.workspaceId),
        title: parent.title,
        logo: parent.logo,
        description: parent.description,
        latestVersion: 1,
        versions: { create: { number: 1, createdById: actor.memberId, ...copied(shared) } },
      },
    });
    await tx.install.create({
      data: {
        parentId: parent.id,
        connectorId: copy.id,
        workspaceId: actor.workspaceId,
        source,
        installedVersion: sharedVersion,
        baseVersion: sharedVersion,
        installedById: actor.memberId,
      },
    });
    await tx.connector.update({ where: { id: parent.id }, data: { installCount: { increment: 1 } } });
    return copy;
  });
  libraryChanged(ctx); // install counts
  return copy;
}

/** A version row's stored analysis, reused for a copy of the same code. */
function copied(v: { code: string; note: string | null; diagnostics: unknown; hasErrors: boolean; actions: string[]; triggers: string[] }) {
  return {
    code: v.code,
    note: v.note,
    codeSize: Buffer.byteLength(v.code, 'utf8'),
    diagnostics: v.diagnostics as object,
    hasErrors: v.hasErrors,
    actions: v.actions,
    triggers: v.triggers,
  };
}

/**
 * Takes the parent's latest shared version as a new latest version of the copy. The copy's
 * released version does not move: the workspace releases when it has checked the update.
 */
export async function updateFromParent(ctx: DomainContext, connectorId: number): Promise<Connector> {
  const actor = requireWriter(ctx);
  const install = await ctx.prisma.install.findFirst({
    where: { connectorId, workspaceId: actor.workspaceId },
    include: { parent: { select: { id: true, sharedVersion: true } } },
  });
  if (!install) {
    const exists = await ctx.prisma.connector.count({ where: { id: connectorId, workspaceId: actor.workspaceId } });
    if (!exists) throw new NotFoundError('No connector with that id in this workspace.', 'input.id');
    throw new PreconditionError('NOT_AN_INSTALL', 'This connector was not installed from another workspace; it has no parent.');
  }
  const target = install.parent.sharedVersion;
  if (target == null || target === install.baseVersion) {
    throw new PreconditionError('UP_TO_DATE', `This connector already has the parent's latest shared version (${install.baseVersion}).`);
  }
  const theirs = await ctx.prisma.connectorVersion.findUniqueOrThrow({
    where: { connectorId_number: { connectorId: install.parentId, number: target } },
    select: { code: true, note: true },
  });
  const analysis = await analyzeConnectorCode(theirs.code);
  return ctx.prisma.$transaction(async (tx) => {
    const locked = await lockConnector(tx, connectorId, actor.workspaceId);
    await appendVersion(tx, connectorId, locked, { code: theirs.code, note: theirs.note, analysis, memberId: actor.memberId });
    // Only if no one else took an update meanwhile (the lock above serialises updates of this copy).
    await tx.install.update({ where: { id: install.id }, data: { baseVersion: target, updatedAt: new Date() } });
    await tx.notification.updateMany({
      where: { installId: install.id, parentVersion: { lte: target }, readAt: null },
      data: { readAt: new Date() },
    });
    return tx.connector.findUniqueOrThrow({ where: { id: connectorId } });
  });
}

