import DataLoader from 'dataloader';
import type { PrismaClient } from '../db/database.js';

export interface VersionKey {
  connectorId: number;
  number: number;
}

/** A version's metadata without its code: what connector-level fields like notes need. */
export interface VersionSummary {
  connectorId: number;
  number: number;
  note: string | null;
}

/**
 * Request-scoped batching: the notes of latest/released/shared versions of every connector
 * on a page come from one query, however many connectors the page holds.
 */
export function createLoaders(prisma: PrismaClient) {
  return {
    versionSummary: new DataLoader<VersionKey, VersionSummary | null, string>(
      async (keys) => {
        const rows = await prisma.connectorVersion.findMany({
          where: { OR: keys.map((k) => ({ connectorId: k.connectorId, number: k.number })) },
          select: { connectorId: true, number: true, note: true },
        });
        const byKey = new Map(rows.map((r) => [`${r.connectorId}:${r.number}`, r]));
        return keys.map((k) => byKey.get(`${k.connectorId}:${k.number}`) ?? null);
      },
      { cacheKeyFn: (k) => `${k.connectorId}:${k.number}` },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
