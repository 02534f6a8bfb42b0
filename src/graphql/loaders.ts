import DataLoader from 'dataloader';
import type { PrismaClient } from '../db/database.js';
import { publisherStats } from '../domain/community.js';
import { dailyVersionStats, type VersionStatDay } from '../domain/version-stats.js';

export interface VersionKey {
  connectorId: number;
  number: number;
}

/** A version's metadata without its code: what connector-level fields like notes need. */
export interface VersionSummary {
  id: number;
  connectorId: number;
  number: number;
  note: string | null;
  actions: string[];
  triggers: string[];
  createdAt: Date;
  releasedAt: Date | null;
  sharedAt: Date | null;
  codeSha256: string;
  deprecatedAt: Date | null;
  deprecationMessage: string | null;
  replacementVersion: number | null;
  yankedAt: Date | null;
}

const versionKey = (k: VersionKey) => `${k.connectorId}:${k.number}`;
const dailyKey = (k: { connectorId: number; version: number; since: string }) =>
  `${k.connectorId}:${k.version}:${k.since}`;

export const SUMMARY = {
  id: true,
  connectorId: true,
  number: true,
  note: true,
  actions: true,
  triggers: true,
  createdAt: true,
  releasedAt: true,
  sharedAt: true,
  codeSha256: true,
  deprecatedAt: true,
  deprecationMessage: true,
  replacementVersion: true,
  yankedAt: true,
} as const;

/**
 * Request-scoped batching: whatever a page of connectors or listings needs per item (version
 * notes, shared versions, code, publisher stats) comes from one query per kind, however many
 * items the page holds.
 */
export function createLoaders(prisma: PrismaClient) {
  return {
    versionSummary: new DataLoader<VersionKey, VersionSummary | null, string>(
      async (keys) => {
        const rows = await prisma.connectorVersion.findMany({
          where: { OR: keys.map((k) => ({ connectorId: k.connectorId, number: k.number })) },
          select: SUMMARY,
        });
        const byKey = new Map(rows.map((r) => [versionKey(r), r]));
        return keys.map((k) => byKey.get(versionKey(k)) ?? null);
      },
      { cacheKeyFn: versionKey },
    ),
    versionCode: new DataLoader<VersionKey, string | null, string>(
      async (keys) => {
        const rows = await prisma.connectorVersion.findMany({
          where: { OR: keys.map((k) => ({ connectorId: k.connectorId, number: k.number })) },
          select: { connectorId: true, number: true, code: true },
        });
        const byKey = new Map(rows.map((r) => [versionKey(r), r.code]));
        return keys.map((k) => byKey.get(versionKey(k)) ?? null);
      },
      { cacheKeyFn: versionKey },
    ),
    /** Every shared version of each connector, newest first; who may see which is decided by the caller (visibleSharedVersion). */
    sharedVersions: new DataLoader<number, VersionSummary[]>(async (connectorIds) => {
      const rows = await prisma.connectorVersion.findMany({
        where: { connectorId: { in: [...connectorIds] }, sharedAt: { not: null } },
        orderBy: { number: 'desc' },
        select: SUMMARY,
      });
      return connectorIds.map((id) => rows.filter((r) => r.connectorId === id));
    }),
    workspace: new DataLoader<number, { id: number; slug: string; name: string } | null>(
      async (ids) => {
        const rows = await prisma.workspace.findMany({
          where: { id: { in: [...ids] } },
          select: { id: true, slug: true, name: true },
        });
        return ids.map((id) => rows.find((r) => r.id === id) ?? null);
      },
    ),
    /** Per-day installs and updates of versions since a day (YYYY-MM-DD): one query per window, however many versions a page holds. */
    versionDaily: new DataLoader<
      { connectorId: number; version: number; since: string },
      VersionStatDay[],
      string
    >(
      async (keys) => {
        const out = new Map<string, VersionStatDay[]>();
        for (const since of new Set(keys.map((k) => k.since))) {
          const group = keys.filter((k) => k.since === since);
          const days = await dailyVersionStats(prisma, group, new Date(`${since}T00:00:00Z`));
          group.forEach((k, i) => out.set(dailyKey(k), days[i]));
        }
        return keys.map((k) => out.get(dailyKey(k)) ?? []);
      },
      { cacheKeyFn: dailyKey },
    ),
    publisherStats: new DataLoader<number, { listedConnectors: number; totalInstalls: number }>(
      (ids) => publisherStats(prisma, ids),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
