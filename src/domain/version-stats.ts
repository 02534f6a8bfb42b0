import type { PrismaClient } from '../db/database.js';
import { Prisma } from '../generated/prisma/client.js';
import type { DomainContext } from './context.js';
import { InvalidInputError } from './errors.js';

/**
 * Adoption of a connector's versions by other workspaces: installs of and updates to each version
 * (from `version_events`), in total and per UTC day. A version appears once some workspace
 * installed it or updated to it.
 */
export interface VersionStat {
  /** The version's row id (its global ID is built from it). */
  id: number;
  connectorId: number;
  version: number;
  installs: number;
  updates: number;
}

export interface VersionStatDay {
  day: string;
  installs: number;
  updates: number;
}

/** The longest per-day window a client may ask for. */
export const MAX_STAT_DAYS = 366;

type Row = { id: number; connector_id: number; version: number; installs: bigint; updates: bigint };

const toStat = (r: Row): VersionStat => ({
  id: r.id,
  connectorId: r.connector_id,
  version: r.version,
  installs: Number(r.installs),
  updates: Number(r.updates),
});

const TOTALS = Prisma.sql`
  SELECT v.id, v.connector_id, v.number AS version,
         count(*) FILTER (WHERE e.kind = 'INSTALL') AS installs,
         count(*) FILTER (WHERE e.kind = 'UPDATE') AS updates
  FROM version_events e JOIN connector_versions v ON v.connector_id = e.connector_id AND v.number = e.version`;

/**
 * One page of a connector's version stats, newest version first, keyed by version row id (which
 * grows with the version number): `after`/`before` are row ids, `inverted` reads from the oldest
 * end (for `last`). The caller has already checked that the connector is theirs.
 */
export async function versionStatsPage(
  prisma: PrismaClient,
  connectorId: number,
  page: { after?: number; before?: number; limit: number; inverted: boolean },
): Promise<VersionStat[]> {
  const rows = await prisma.$queryRaw<Row[]>`${TOTALS}
    WHERE e.connector_id = ${connectorId}
      ${page.after == null ? Prisma.empty : Prisma.sql`AND v.id < ${page.after}`}
      ${page.before == null ? Prisma.empty : Prisma.sql`AND v.id > ${page.before}`}
    GROUP BY v.id, v.connector_id, v.number
    ORDER BY v.id ${page.inverted ? Prisma.sql`ASC` : Prisma.sql`DESC`}
    LIMIT ${page.limit}`;
  return rows.map(toStat);
}

/** How many versions of the connector have any install or update. */
export async function countVersionStats(
  prisma: PrismaClient,
  connectorId: number,
): Promise<number> {
  const [row] = await prisma.$queryRaw<{ n: bigint }[]>`
    SELECT count(DISTINCT version) AS n FROM version_events WHERE connector_id = ${connectorId}`;
  return Number(row?.n ?? 0);
}

/** The stats of one version by its row id, if that version is the caller's workspace's (zeros without events). */
export async function versionStatById(
  ctx: DomainContext,
  versionId: number,
): Promise<VersionStat | null> {
  if (ctx.actor?.kind !== 'member') return null;
  const version = await ctx.prisma.connectorVersion.findFirst({
    where: { id: versionId, connector: { workspaceId: ctx.actor.workspaceId } },
    select: { id: true, connectorId: true, number: true },
  });
  if (!version) return null;
  const [row] = await ctx.prisma.$queryRaw<Row[]>`${TOTALS}
    WHERE v.id = ${versionId} GROUP BY v.id, v.connector_id, v.number`;
  return row
    ? toStat(row)
    : {
        id: version.id,
        connectorId: version.connectorId,
        version: version.number,
        installs: 0,
        updates: 0,
      };
}

/** The first UTC day of a window of `days` days that ends today. */
export function windowStart(days: number, now = new Date()): Date {
  if (!Number.isInteger(days) || days < 1 || days > MAX_STAT_DAYS) {
    throw new InvalidInputError(`days must be a whole number from 1 to ${MAX_STAT_DAYS}.`, 'days');
  }
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)));
}

/**
 * Installs and updates per UTC day since `since`, oldest day first, for several versions at
 * once (days without events are left out).
 */
export async function dailyVersionStats(
  prisma: PrismaClient,
  versions: readonly { connectorId: number; version: number }[],
  since: Date,
): Promise<VersionStatDay[][]> {
  if (versions.length === 0) return [];
  const rows = await prisma.$queryRaw<
    { connector_id: number; version: number; day: string; installs: bigint; updates: bigint }[]
  >`
    SELECT connector_id, version, to_char(date_trunc('day', at), 'YYYY-MM-DD') AS day,
           count(*) FILTER (WHERE kind = 'INSTALL') AS installs,
           count(*) FILTER (WHERE kind = 'UPDATE') AS updates
    FROM version_events
    WHERE (connector_id, version) IN (${Prisma.join(versions.map((v) => Prisma.sql`(${v.connectorId}, ${v.version})`))})
      AND at >= ${since.toISOString().slice(0, 10)}::timestamp
    GROUP BY 1, 2, 3 ORDER BY 3`;
  return versions.map((v) =>
    rows
      .filter((r) => r.connector_id === v.connectorId && r.version === v.version)
      .map((r) => ({ day: r.day, installs: Number(r.installs), updates: Number(r.updates) })),
  );
}
