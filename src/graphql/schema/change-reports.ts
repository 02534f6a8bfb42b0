import { classifyChange, type Change, type ChangeReport } from '../../code/compat.js';
import type { CodeStructure } from '../../code/structure.js';
import type { PrismaClient } from '../../db/database.js';
import { builder } from '../builder.js';
import { describedEnum } from '../enums.js';

// How a change between two versions affects installers (src/code/compat.ts), shown by
// Connector.sharePreview (rollout.ts), Notification.changes (notifications.ts) and
// VersionDiff.compatibility (history.ts).

const ChangeLevelEnum = describedEnum(
  'ChangeLevel',
  'How much a change between versions matters to installers.',
  {
    NONE: 'Nothing an installer relies on changed.',
    NON_BREAKING: 'Only additions.',
    UNKNOWN: 'Some fields are computed at run time and could not be compared.',
    BREAKING: 'Recipes built on the older version can break.',
  },
);

const ChangeRef = builder.objectRef<Change>('Change').implement({
  description: 'One difference between two versions that installers may notice.',
  fields: (t) => ({
    breaking: t.exposeBoolean('breaking', {
      description: 'Whether recipes built on the older version can break because of it.',
    }),
    unknown: t.boolean({
      description:
        'True when the fields could not be compared because the code computes them at run time.',
      resolve: (c) => c.unknown ?? false,
    }),
    subject: t.exposeString('subject', {
      description: "What changed: `action 'x'`, `trigger 'y'`, `connection`.",
    }),
    message: t.exposeString('message', {
      description:
        "The change in a sentence, e.g. `Required input field 'id' added to action 'get'.`",
    }),
  }),
});

export const ChangeReportRef = builder.objectRef<ChangeReport>('ChangeReport').implement({
  description: 'How a change between two versions affects installers.',
  fields: (t) => ({
    level: t.expose('level', {
      type: ChangeLevelEnum,
      description: 'The most serious kind of change found.',
    }),
    breaking: t.boolean({
      description: 'Shorthand for `level == BREAKING`.',
      resolve: (r) => r.level === 'BREAKING',
    }),
    changes: t.expose('changes', {
      type: [ChangeRef],
      description:
        'Each difference found, one per field, action or trigger; empty when nothing changed.',
    }),
  }),
});

/** The stored structures of two versions of one connector, classified. */
export async function classify(
  ctx: { prisma: PrismaClient },
  connectorId: number,
  from: number | null,
  to: number,
): Promise<ChangeReport> {
  const rows = await ctx.prisma.connectorVersion.findMany({
    where: { connectorId, number: { in: from == null ? [to] : [from, to] } },
    select: { number: true, structure: true },
  });
  const of = (n: number) =>
    (rows.find((r) => r.number === n)?.structure ?? null) as CodeStructure | null;
  const empty: CodeStructure = { connectionFields: [], actions: {}, triggers: {} };
  return classifyChange(from == null ? empty : of(from), of(to));
}
