import { randomBytes } from 'node:crypto';
import type { Connector, ShareLink } from '../generated/prisma/client.js';
import { hashToken } from './auth.js';
import { lockConnector } from './connectors.js';
import { requireActor, requireWriter, type DomainContext, type Principal } from './context.js';
import { NotFoundError, PreconditionError } from './errors.js';

const LINK_PREFIX = 'crs_';

/**
 * A new private share link for the connector; the active one (if any) stops working in the same
 * transaction. The secret is returned once: only its hash is kept.
 */
export async function createShareLink(ctx: DomainContext, connectorId: number): Promise<{ token: string; link: ShareLink }> {
  const actor = requireWriter(ctx);
  const token = LINK_PREFIX + randomBytes(24).toString('base64url');
  const link = await ctx.prisma.$transaction(async (tx) => {
    const locked = await lockConnector(tx, connectorId, actor.workspaceId);
    if (locked.sharedVersion == null) {
      throw new PreconditionError('NOTHING_SHARED', 'Share a released version before creating a share link.');
    }
    await tx.shareLink.updateMany({ where: { connectorId, revokedAt: null }, data: { revokedAt: new Date() } });
    return tx.shareLink.create({
      data: { connectorId, tokenHash: hashToken(token), prefix: token.slice(0, LINK_PREFIX.length + 6), createdById: actor.memberId },
    });
  });
  return { token, link };
}

/** Revokes the connector's active link at once; returns how many links stopped working. */
export async function revokeShareLinks(ctx: DomainContext, connectorId: number): Promise<number> {
  const actor = requireWriter(ctx);
  const connector = await ctx.prisma.connector.findFirst({ where: { id: connectorId, workspaceId: actor.workspaceId }, select: { id: true } });
  if (!connector) throw new NotFoundError('No connector with that id in this workspace.', 'input.id');
  const { count } = await ctx.prisma.shareLink.updateMany({ where: { connectorId, revokedAt: null }, data: { revokedAt: new Date() } });
  return count;
}

/**
 * The connector an active link points at, for any workspace's member. Unknown, revoked and
 * malformed links are all NOT_FOUND: a link reveals nothing once it stops working.
 */
export async function connectorByShareToken(ctx: DomainContext, token: string): Promise<Connector> {
  requireActor(ctx);
  const link =
    token.startsWith(LINK_PREFIX) && token.length < 200
      ? await ctx.prisma.shareLink.findUnique({ where: { tokenHash: hashToken(token) }, include: { connector: true } })
      : null;
  if (!link || link.revokedAt || link.connector.sharedVersion == null) {
    throw new NotFoundError('This share link does not exist or was revoked.', 'token');
  }
  return link.connector;
}

/**
 * Source code of another workspace's shared connector is for ADMIN and DEVELOPER roles (who can
 * install it and must vet it) and for platform reviewers; OPERATOR sees what it does, not how.
 */
export function canViewSharedSource(actor: Principal | null): boolean {
  if (!actor) return false;
  return actor.kind === 'reviewer' || actor.role === 'ADMIN' || actor.role === 'DEVELOPER';
}
