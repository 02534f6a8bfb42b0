import type { Prisma } from '../generated/prisma/client.js';
import { requireActor, type DomainContext } from './context.js';
import { NotFoundError } from './errors.js';

/** Topic of the live update notifications of one workspace. */
export const notificationTopic = (workspaceId: number) => `notifications:${workspaceId}`;

export interface Notified {
  workspaceId: number;
  notificationId: number;
}

/**
 * Tells every workspace holding a copy of `parentId` that `version` is shared: one notification
 * per install (a version shared again after a rollback does not notify twice).
 */
export async function notifyInstallers(tx: Prisma.TransactionClient, parentId: number, version: number): Promise<Notified[]> {
  const rows = await tx.$queryRaw<{ workspace_id: number; id: number }[]>`
    INSERT INTO notifications (workspace_id, install_id, parent_version)
    SELECT workspace_id, id, ${version} FROM installs WHERE parent_id = ${parentId}
    ON CONFLICT (install_id, parent_version) DO NOTHING
    RETURNING workspace_id, id`;
  return rows.map((r) => ({ workspaceId: r.workspace_id, notificationId: r.id }));
}

/** Live delivery of committed notifications; the database stays the source of truth. */
export function publishNotifications(ctx: DomainContext, notified: Notified[]): void {
  for (const n of notified) ctx.events?.publish(notificationTopic(n.workspaceId), { notificationId: n.notificationId });
}

export function notificationsWhere(ctx: DomainContext, unreadOnly: boolean): Prisma.NotificationWhereInput {
  const { workspaceId } = requireActor(ctx);
  return { workspaceId, ...(unreadOnly ? { readAt: null } : {}) };
}

/** Marks notifications of the caller's workspace read; returns how many changed. */
export async function markNotificationsRead(ctx: DomainContext, ids: number[]): Promise<number> {
  const { workspaceId } = requireActor(ctx);
  const owned = await ctx.prisma.notification.count({ where: { id: { in: ids }, workspaceId } });
  if (owned !== new Set(ids).size) throw new NotFoundError('No such notification in this workspace.', 'input.ids');
  const { count } = await ctx.prisma.notification.updateMany({ where: { id: { in: ids }, workspaceId, readAt: null }, data: { readAt: new Date() } });
  return count;
}
