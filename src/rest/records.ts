import { requireActor, type DomainContext } from '../domain/context.js';
import { LIMITS } from '../domain/limits.js';

/**
 * Connectors in the spec's response shape (snake_case, the keys of its samples), for any number
 * of connectors in three statements.
 */
export async function connectorRecords(ctx: DomainContext, ids: number[]) {
  const { workspaceId } = requireActor(ctx);
  if (ids.length === 0) return [];
  const connectors = await ctx.prisma.connector.findMany({
    where: { id: { in: ids }, workspaceId },
    include: {
      versions: {
        where: { releasedAt: { not: null } },
        orderBy: { number: 'desc' },
        take: LIMITS.releasedVersions,
        select: { number: true, note: true, createdAt: true, releasedAt: true },
      },
    },
  });
  const wanted = connectors.flatMap((c) =>
    [c.latestVersion, c.releasedVersion, c.sharedVersion]
      .filter((n): n is number => n != null)
      .map((number) => ({ connectorId: c.id, number })),
  );
  const notes = await ctx.prisma.connectorVersion.findMany({
    where: { OR: wanted },
    select: { connectorId: true, number: true, note: true },
  });
  const noteOf = (connectorId: number, number: number | null) =>
    number == null
      ? null
      : (notes.find((n) => n.connectorId === connectorId && n.number === number)?.note ?? null);
  const byId = new Map(connectors.map((c) => [c.id, c]));
  return ids.flatMap((id) => {
    const c = byId.get(id);
    if (!c) return [];
    return [
      {
        id: c.id,
        name: c.name,
        title: c.title,
        logo: c.logo,
        description: c.description,
        latest_version: c.latestVersion,
        latest_version_note: noteOf(c.id, c.latestVersion),
        latest_released_version: c.releasedVersion,
        latest_released_version_note: noteOf(c.id, c.releasedVersion),
        latest_shared_version: c.sharedVersion,
        latest_shared_version_note: noteOf(c.id, c.sharedVersion),
        oem_shared_version: c.oemSharedVersion,
        oem_shared_at: c.oemSharedAt?.toISOString() ?? null,
        released_versions: c.versions.map((v) => ({
          version: v.number,
          version_note: v.note,
          created_at: v.createdAt.toISOString(),
          released_at: v.releasedAt!.toISOString(),
        })),
      },
    ];
  });
}

export async function connectorRecord(ctx: DomainContext, id: number) {
  const [record] = await connectorRecords(ctx, [id]);
  return record;
}
