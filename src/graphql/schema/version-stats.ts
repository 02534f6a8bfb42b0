import { resolveCursorConnection } from '@pothos/plugin-relay';
import {
  countVersionStats,
  MAX_STAT_DAYS,
  versionStatById,
  versionStatsPage,
  windowStart,
  type VersionStat,
  type VersionStatDay,
} from '../../domain/version-stats.js';
import { builder } from '../builder.js';
import { dbId, namedConnection } from '../connections.js';

const VersionStatDayRef = builder.objectRef<VersionStatDay>('VersionStatDay').implement({
  description: 'Installs and updates of a version on one UTC day.',
  fields: (f) => ({
    day: f.exposeString('day', { description: 'UTC date, YYYY-MM-DD.' }),
    installs: f.exposeInt('installs', {
      description: 'Workspaces that installed the version that day.',
    }),
    updates: f.exposeInt('updates', { description: 'Copies updated to the version that day.' }),
  }),
});

/** Version stats of your own connectors; its global ID names the version. */
const VersionStatRef = builder.objectRef<VersionStat>('VersionStat');
builder.node(VersionStatRef, {
  description:
    'How many workspaces installed a version of your connector, or updated their copy to it, and when.',
  id: { resolve: (s) => s.id, description: 'Global ID of the stats of this version.' },
  isTypeOf: (s) =>
    typeof s === 'object' && s !== null && 'installs' in s && 'updates' in s && 'version' in s,
  loadOne: (id, ctx) => versionStatById(ctx, dbId(String(id))),
  fields: (t) => ({
    version: t.exposeInt('version', { description: 'The version number.' }),
    installs: t.exposeInt('installs', {
      description: 'Installs of this version into other workspaces, ever (OEM copies included).',
    }),
    updates: t.exposeInt('updates', {
      description: 'Copies in other workspaces updated to this version, ever.',
    }),
    daily: t.field({
      type: [VersionStatDayRef],
      description:
        'Installs and updates per UTC day over the last `days` days (today included), oldest first; days without any are left out.',
      args: {
        days: t.arg.int({
          defaultValue: 30,
          description: `How many days back, today included: 1 to ${MAX_STAT_DAYS}.`,
        }),
      },
      resolve: (s, { days }, ctx) => {
        const since = windowStart(days ?? 30)
          .toISOString()
          .slice(0, 10);
        return ctx.loaders.versionDaily.load({
          connectorId: s.connectorId,
          version: s.version,
          since,
        });
      },
    }),
  }),
});

/** Cursors on version row ids, in the same format as Pothos' Prisma cursors (`GPC:N:<id>`). */
const statCursor = (s: VersionStat) => Buffer.from(`GPC:N:${s.id}`).toString('base64');
const fromStatCursor = (cursor: string | undefined) =>
  cursor == null
    ? undefined
    : dbId(Buffer.from(cursor, 'base64').toString('utf8').slice('GPC:N:'.length));

builder.prismaObjectFields('Connector', (t) => ({
  versionStats: t.connection(
    {
      type: VersionStatRef,
      description:
        'Installs of and updates to each version by other workspaces, newest version first: versions nobody installed or updated to are left out.',
      select: { id: true },
      resolve: async (c, args, ctx) => {
        const page = await resolveCursorConnection<Promise<VersionStat[]>>(
          { args, toCursor: statCursor },
          ({ after, before, limit, inverted }) =>
            versionStatsPage(ctx.prisma, c.id, {
              after: fromStatCursor(after),
              before: fromStatCursor(before),
              limit,
              inverted,
            }),
        );
        return Object.assign(page, { totalCount: () => countVersionStats(ctx.prisma, c.id) });
      },
    },
    namedConnection(VersionStatRef, 'VersionStat', 'version stats'),
  ),
}));
