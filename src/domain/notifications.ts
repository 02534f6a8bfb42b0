import type { Prisma } from '../generated/prisma/client.js';
import { requireActor, type DomainContext } from './context.js';
import { NotFoundError } from './errors.js';
import { memberCommand } from './command.js';
import type { Notified } from './events.js';
import { toGlobalId } from './global-id.js';

/**
 * Tells workspaces holding a copy of `parentId` that `version` is now offered to them: one
 * notification per install that has not taken that version yet, for the workspaces `include`
 * admits (a staged rollout admits its share); a version offered again does not notify twice.
 */
export async function notifyInstallers(
  tx: Prisma.TransactionClient,
  parentId: number,
  version: number,
  include: (workspaceId: number) => boolean = () => true,
): Promise<Notified[]> {
  const installs = await tx.install.findMany({
    // OEM copies are not offered updates: their partner's OEM shares replace their released version.
    where: { parentId, baseVersion: { lt: version }, source: { not: 'OEM' } },
    select: { id: true, workspaceId: true },
  });
  const chosen = installs.filter((i) => include(i.workspaceId));
  if (chosen.length === 0) return [];
  const rows = await tx.notification.createManyAndReturn({
    data: chosen.map((i) => ({
      workspaceId: i.workspaceId,
      installId: i.id,
      parentVersion: version,
    })),
    skipDuplicates: true,
    select: { id: true, workspaceId: true },
  });
  return rows.map((r) => ({ workspaceId: r.workspaceId, notificationId: r.id }));
}

/**
 * A copy took the parent's `version` (an update from the parent): its notifications about that
 * version and earlier ones are read, in the caller's transaction, so the unread count drops with
 * the update. Later versions stay unread.
 */
export async function readTakenUpdates(
  tx: Prisma.TransactionClient,
  installId: number,
  version: number,
): Promise<number> {
  const { count } = await tx.notification.updateMany({
    where: { installId, parentVersion: { lte: version }, readAt: null },
    data: { readAt: new Date() },
  });
  return count;
}

/**
 * The caller's workspace's notifications; `unreadOnly` keeps those not marked read, `connectorId`
 * those about one copy (a connector of another workspace finds none).
 */
export function notificationsWhere(
  ctx: DomainContext,
  filter: { unreadOnly?: boolean; connectorId?: number },
): Prisma.NotificationWhereInput {
  const { workspaceId } = requireActor(ctx);
  return {
    workspaceId,
    ...(filter.unreadOnly ? { readAt: null } : {}),
    // About a connector: updates offered to it (a copy) and review decisions on its listing.
    ...(filter.connectorId !== undefined
      ? {
          OR: [
            { install: { connectorId: filter.connectorId } },
            { connectorId: filter.connectorId },
          ],
        }
      : {}),
  };
}

/** Marks notifications of the caller's workspace read; returns how many changed. */
export async function markNotificationsRead(ctx: DomainContext, ids: number[]): Promise<number> {
  const cmd = memberCommand(ctx);
  const { workspaceId } = cmd.actor;
  const owned = await ctx.prisma.notification.count({ where: { id: { in: ids }, workspaceId } });
  if (owned !== new Set(ids).size)
    throw new NotFoundError('No such notification in this workspace.', 'input.ids');
  return cmd.run(async ({ tx, audit }) => {
    const unread = await tx.notification.findMany({
      where: { id: { in: ids }, workspaceId, readAt: null },
      select: { id: true },
    });
    const { count } = await tx.notification.updateMany({
      where: { id: { in: unread.map((n) => n.id) }, readAt: null },
      data: { readAt: new Date() },
    });
    if (count > 0) {
      await audit({
        action: 'NOTIFICATIONS_READ',
        target: null,
        before: null,
        after: { read: unread.map((n) => toGlobalId('Notification', n.id)) },
      });
    }
    return count;
  });
}
