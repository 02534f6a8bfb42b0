import { analyzeCode } from '../code/analyze-pool.js';
import { mergeCode, type ConflictSide } from '../code/merge.js';
import type { Connector, InstallSource } from '../generated/prisma/client.js';
import { writeCommand } from './command.js';
import { appendVersion, insertCopy, VERSION_COPY } from './connector-store.js';
import type { DomainContext } from './context.js';
import { verifyDigest } from './digest.js';
import {
  InvalidInputError,
  MergeConflictError,
  NotFoundError,
  PreconditionError,
} from './errors.js';
import { readTakenUpdates } from './notifications.js';
import { offeredVersion } from './rollout.js';
import { toGlobalId } from './global-id.js';
import { activeLinkByToken, claimLinkUse } from './sharing.js';

/** Exactly one of the two routes. */
export interface InstallFrom {
  listingId?: number | null;
  linkToken?: string | null;
}

/** The parent an install asks for, with the rules of its route (listing or private link). */
async function parentOf(ctx: DomainContext, from: InstallFrom) {
  if (from.linkToken != null) {
    const link = await activeLinkByToken(ctx, from.linkToken);
    return { parent: link.connector, source: 'LINK' as InstallSource, linkId: link.id };
  }
  const listing = await ctx.prisma.listing.findFirst({
    where: { id: from.listingId!, status: 'APPROVED' },
    include: { connector: true },
  });
  if (!listing)
    throw new NotFoundError('No such listing in the community library.', 'input.listingId');
  if (listing.preventDirectInstall) {
    throw new PreconditionError(
      'DIRECT_INSTALL_PREVENTED',
      `The publisher installs this connector through its landing page: ${listing.landingPageUrl}`,
      listing.landingPageUrl,
    );
  }
  return { parent: listing.connector, source: 'LISTING' as InstallSource, linkId: null };
}

/**
 * Clones the parent's offered version (its shared one, or its staged one for workspaces in a
 * rollout; never a yanked one) into the caller's workspace as a connector of its own (version 1),
 * remembers the parent and the digest copied, and counts the install. Only ADMIN and DEVELOPER
 * install. Links that expired or ran out of installs refuse.
 */
export async function installConnector(ctx: DomainContext, from: InstallFrom): Promise<Connector> {
  const cmd = writeCommand(ctx);
  const { actor } = cmd;
  if ((from.listingId == null) === (from.linkToken == null)) {
    throw new InvalidInputError('Install from exactly one of listingId or linkToken.', 'input');
  }
  const { parent, source, linkId } = await parentOf(ctx, from);
  if (parent.workspaceId === actor.workspaceId) {
    throw new PreconditionError(
      'OWN_CONNECTOR',
      'This connector is already yours; installs copy connectors into other workspaces.',
    );
  }
  const version = await offeredVersion(ctx.prisma, parent, actor.workspaceId);
  const shared = await ctx.prisma.connectorVersion.findUniqueOrThrow({
    where: { connectorId_number: { connectorId: parent.id, number: version } },
    select: VERSION_COPY,
  });
  const digest = verifyDigest(
    shared.code,
    shared.codeSha256,
    `version ${version} of "${parent.title}"`,
  );
  return cmd.run(async ({ tx, audit, emit, libraryChanged }) => {
    // The link's limits are checked and spent in the same transaction as the install.
    if (linkId != null) await claimLinkUse(tx, linkId);
    const copy = await insertCopy(tx, parent, version, shared, {
      workspaceId: actor.workspaceId,
      source,
      memberId: actor.memberId,
      released: false,
    });
    if (linkId != null)
      await tx.shareLinkUse.create({
        data: {
          linkId,
          workspaceId: actor.workspaceId,
          memberId: actor.memberId,
          connectorId: copy.id,
        },
      });
    await audit({
      action: 'CONNECTOR_INSTALL',
      target: { type: 'Connector', id: copy.id },
      after: {
        parent: toGlobalId('Connector', parent.id),
        source,
        parentVersion: version,
        title: copy.title,
        latestVersion: 1,
        codeSha256: digest,
      },
    });
    await emit(
      {
        workspaceId: parent.workspaceId,
        type: 'connector.installed',
        data: { connectorId: parent.id, version, installedBy: actor.workspaceId },
      },
      {
        workspaceId: actor.workspaceId,
        type: 'version.created',
        data: { connectorId: copy.id, version: 1 },
      },
    );
    libraryChanged(); // install counts
    return copy;
  });
}

/**
 * Brings the parent's offered version into the copy as a new latest version, by a three-way
 * merge: base = the parent version the copy last took, ours = the copy's latest version, theirs =
 * the offered version. Clean merges (and copies never edited) are written; overlapping changes
 * refuse with the conflicts unless `resolve` says which side wins them. The copy's released
 * version does not move: the workspace releases when it has checked the update.
 */
export async function updateFromParent(
  ctx: DomainContext,
  connectorId: number,
  opts: { resolve?: ConflictSide | null } = {},
): Promise<Connector> {
  const cmd = writeCommand(ctx);
  const { actor } = cmd;
  const install = await ctx.prisma.install.findFirst({
    where: { connectorId, workspaceId: actor.workspaceId },
    include: {
      parent: {
        select: {
          id: true,
          title: true,
          sharedVersion: true,
          rolloutVersion: true,
          rolloutPercent: true,
        },
      },
    },
  });
  if (!install) {
    const exists = await ctx.prisma.connector.count({
      where: { id: connectorId, workspaceId: actor.workspaceId },
    });
    if (!exists)
      throw new NotFoundError('No connector with that id in this workspace.', 'input.id');
    throw new PreconditionError(
      'NOT_AN_INSTALL',
      'This connector was not installed from another workspace; it has no parent.',
    );
  }
  const target = await offeredVersion(ctx.prisma, install.parent, actor.workspaceId);
  if (target === install.baseVersion) {
    throw new PreconditionError(
      'UP_TO_DATE',
      `This connector already has the parent's latest version for this workspace (${install.baseVersion}).`,
    );
  }
  const [base, theirs] = await Promise.all(
    [install.baseVersion, target].map((number) =>
      ctx.prisma.connectorVersion.findUniqueOrThrow({
        where: { connectorId_number: { connectorId: install.parentId, number } },
        select: { code: true, note: true, codeSha256: true },
      }),
    ),
  );
  verifyDigest(theirs.code, theirs.codeSha256, `version ${target} of "${install.parent.title}"`);
  if (install.baseSha256)
    verifyDigest(
      base.code,
      install.baseSha256,
      `version ${install.baseVersion} of "${install.parent.title}" (the copy's base)`,
    );

  return cmd.run(async ({ tx, lock, audit }) => {
    const locked = await lock(connectorId);
    const ours = await tx.connectorVersion.findUniqueOrThrow({
      where: { connectorId_number: { connectorId, number: locked.latestVersion } },
      select: { code: true, codeSha256: true },
    });
    const merged = mergeCode(base.code, ours.code, theirs.code, opts.resolve);
    if (merged.code === null) throw new MergeConflictError(merged.conflicts);
    const fastForward = merged.code === theirs.code;
    const note = fastForward
      ? theirs.note
      : `Merged version ${target} of the parent${theirs.note ? `: ${theirs.note}` : ''}`;
    const analysis = await analyzeCode(merged.code);
    const before = {
      latestVersion: locked.latestVersion,
      baseVersion: install.baseVersion,
      codeSha256: ours.codeSha256,
    };
    await appendVersion(tx, connectorId, locked, {
      code: merged.code,
      note,
      analysis,
      memberId: actor.memberId,
    });
    await audit({
      action: 'UPDATE_FROM_PARENT',
      target: { type: 'Connector', id: connectorId },
      before,
      after: {
        latestVersion: locked.latestVersion,
        baseVersion: target,
        codeSha256: analysis.codeSha256,
        merged: !fastForward,
        resolve: opts.resolve ?? null,
      },
    });
    await tx.install.update({
      where: { id: install.id },
      data: { baseVersion: target, baseSha256: theirs.codeSha256, updatedAt: new Date() },
    });
    await readTakenUpdates(tx, install.id, target);
    await tx.versionEvent.create({
      data: {
        connectorId: install.parentId,
        version: target,
        kind: 'UPDATE',
        workspaceId: actor.workspaceId,
      },
    });
    return tx.connector.findUniqueOrThrow({ where: { id: connectorId } });
  });
}
