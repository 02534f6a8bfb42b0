import { randomBytes } from 'node:crypto';
import type { Connector, Prisma, ShareLink } from '../generated/prisma/client.js';
import { hashToken } from './auth.js';
import { writeCommand } from './command.js';
import { toGlobalId } from './global-id.js';
import { requireActor, type DomainContext } from './context.js';
import { InvalidInputError, NotFoundError, PreconditionError } from './errors.js';

const LINK_PREFIX = 'crs_';

/**
 * A new private share link for the connector; the active one (if any) stops working in the same
 * transaction. The secret is returned once: only its hash is kept.
 */
export interface LinkLimits {
  /** After this moment the link refuses (LINK_EXPIRED). */
  expiresAt?: Date | null;
  /** After this many installs the link refuses (LINK_EXHAUSTED). */
  maxInstalls?: number | null;
}

export async function createShareLink(
  ctx: DomainContext,
  connectorId: number,
  limits: LinkLimits = {},
): Promise<{ token: string; link: ShareLink }> {
  const cmd = writeCommand(ctx);
  if (limits.expiresAt && limits.expiresAt.getTime() <= Date.now())
    throw new InvalidInputError('expiresAt must be in the future.', 'input.expiresAt');
  if (limits.maxInstalls != null && (limits.maxInstalls < 1 || limits.maxInstalls > 1_000_000)) {
    throw new InvalidInputError('maxInstalls must be between 1 and 1000000.', 'input.maxInstalls');
  }
  const token = LINK_PREFIX + randomBytes(24).toString('base64url');
  const link = await cmd.run(async ({ tx, lock, audit }) => {
    const locked = await lock(connectorId);
    if (locked.sharedVersion == null) {
      throw new PreconditionError(
        'NOTHING_SHARED',
        'Share a released version before creating a share link.',
      );
    }
    const previous = await tx.shareLink.findMany({
      where: { connectorId, revokedAt: null },
      select: { prefix: true },
    });
    await tx.shareLink.updateMany({
      where: { connectorId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    const created = await tx.shareLink.create({
      data: {
        connectorId,
        tokenHash: hashToken(token),
        prefix: token.slice(0, LINK_PREFIX.length + 6),
        createdById: cmd.actor.memberId,
        expiresAt: limits.expiresAt ?? null,
        maxInstalls: limits.maxInstalls ?? null,
      },
    });
    await audit({
      action: 'SHARE_LINK_CREATE',
      target: { type: 'ShareLink', id: created.id },
      before: { activeLinks: previous.map((l) => l.prefix) },
      after: {
        connector: toGlobalId('Connector', connectorId),
        prefix: created.prefix,
        expiresAt: created.expiresAt,
        maxInstalls: created.maxInstalls,
      },
    });
    return created;
  });
  return { token, link };
}

/** Revokes the connector's active link at once; returns how many links stopped working. */
export async function revokeShareLinks(ctx: DomainContext, connectorId: number): Promise<number> {
  const cmd = writeCommand(ctx);
  const connector = await ctx.prisma.connector.findFirst({
    where: { id: connectorId, workspaceId: cmd.actor.workspaceId },
    select: { id: true },
  });
  if (!connector)
    throw new NotFoundError('No connector with that id in this workspace.', 'input.id');
  return cmd.run(async ({ tx, audit }) => {
    const active = await tx.shareLink.findMany({
      where: { connectorId, revokedAt: null },
      select: { prefix: true },
    });
    const { count } = await tx.shareLink.updateMany({
      where: { connectorId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (count > 0) {
      await audit({
        action: 'SHARE_LINK_REVOKE',
        target: { type: 'Connector', id: connectorId },
        before: { activeLinks: active.map((l) => l.prefix) },
        after: { activeLinks: [] },
      });
    }
    return count;
  });
}

/**
 * The link a secret stands for, while it works, for any workspace's member. Unknown, revoked and
 * malformed links are all NOT_FOUND (a link reveals nothing once revoked); an expired link is
 * LINK_EXPIRED and one that has used up its installs LINK_EXHAUSTED.
 */
export async function activeLinkByToken(ctx: DomainContext, token: string) {
  requireActor(ctx);
  const link =
    token.startsWith(LINK_PREFIX) && token.length < 200
      ? await ctx.prisma.shareLink.findUnique({
          where: { tokenHash: hashToken(token) },
          include: { connector: true },
        })
      : null;
  if (!link || link.revokedAt || link.connector.sharedVersion == null) {
    throw new NotFoundError('This share link does not exist or was revoked.', 'token');
  }
  if (link.expiresAt && link.expiresAt.getTime() <= Date.now())
    throw new PreconditionError('LINK_EXPIRED', 'This share link has expired.');
  if (link.maxInstalls != null && link.installCount >= link.maxInstalls) {
    throw new PreconditionError(
      'LINK_EXHAUSTED',
      `This share link allowed ${link.maxInstalls} install(s) and they have been used.`,
    );
  }
  return link;
}

export async function connectorByShareToken(ctx: DomainContext, token: string): Promise<Connector> {
  return (await activeLinkByToken(ctx, token)).connector;
}

/**
 * Spends one install of a link inside the installing transaction; the conditional update makes
 * concurrent installs unable to exceed the limit or slip past the expiry.
 */
export async function claimLinkUse(tx: Prisma.TransactionClient, linkId: number): Promise<void> {
  const claimed = await tx.$executeRaw`
    UPDATE share_links SET install_count = install_count + 1
    WHERE id = ${linkId} AND revoked_at IS NULL
      AND (expires_at IS NULL OR expires_at > now())
      AND (max_installs IS NULL OR install_count < max_installs)`;
  if (claimed === 0) {
    const link = await tx.shareLink.findUniqueOrThrow({ where: { id: linkId } });
    if (link.revokedAt)
      throw new NotFoundError('This share link does not exist or was revoked.', 'token');
    if (link.expiresAt && link.expiresAt.getTime() <= Date.now())
      throw new PreconditionError('LINK_EXPIRED', 'This share link has expired.');
    throw new PreconditionError(
      'LINK_EXHAUSTED',
      `This share link allowed ${link.maxInstalls} install(s) and they have been used.`,
    );
  }
}
