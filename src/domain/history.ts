import { analyzeCode, compareCodeOffThread } from '../code/analyze-pool.js';
import type { ChangeReport } from '../code/compat.js';
import type { DefinitionChanges } from '../code/compare.js';
import type { Connector } from '../generated/prisma/client.js';
import { canViewSource } from './access.js';
import { writeCommand } from './command.js';
import { appendVersion } from './connector-store.js';
import { releaseLocked } from './connectors.js';
import { requireActor, type DomainContext } from './context.js';
import { InvalidInputError, NotFoundError } from './errors.js';
import { LIMITS } from './limits.js';

async function versionOf(ctx: DomainContext, connectorId: number, number: number, field: string) {
  const { workspaceId } = requireActor(ctx);
  const version = await ctx.prisma.connectorVersion.findFirst({
    where: { connectorId, number, connector: { workspaceId } },
    select: { code: true, note: true, number: true },
  });
  if (!version)
    throw new NotFoundError(`No version ${number} of that connector in this workspace.`, field);
  return version;
}

/**
 * Makes an old version's code the new latest version (a new number, noting what it restored),
 * and releases it in the same transaction when asked: a bad release undone in one call.
 */
export async function restoreVersion(
  ctx: DomainContext,
  connectorId: number,
  number: number,
  opts: { release?: boolean | null; note?: string | null } = {},
): Promise<Connector> {
  const cmd = writeCommand(ctx);
  const { actor } = cmd;
  const old = await versionOf(ctx, connectorId, number, 'input.version');
  if (opts.note != null && opts.note.length > LIMITS.noteChars)
    throw new InvalidInputError('note is too long.', 'input.note');
  const note =
    opts.note ??
    `Restored version ${number}${old.note ? `: ${old.note}` : ''}`.slice(0, LIMITS.noteChars);
  const analysis = await analyzeCode(old.code);
  return cmd.run(async ({ tx, lock, audit }) => {
    const locked = await lock(connectorId);
    const before = { latestVersion: locked.latestVersion, releasedVersion: locked.releasedVersion };
    await appendVersion(tx, connectorId, locked, {
      code: old.code,
      note,
      analysis,
      memberId: actor.memberId,
    });
    if (opts.release) await releaseLocked(tx, connectorId, locked, actor.memberId);
    await audit({
      action: 'VERSION_RESTORE',
      target: { type: 'Connector', id: connectorId },
      before,
      after: {
        latestVersion: locked.latestVersion,
        releasedVersion: locked.releasedVersion,
        restoredFrom: number,
        note,
        codeSha256: analysis.codeSha256,
      },
    });
    return tx.connector.findUniqueOrThrow({ where: { id: connectorId } });
  });
}

export type { DefinitionChanges };

export interface VersionDiff {
  from: number;
  to: number;
  /** Unified diff of the code (`diff` package): empty when the code is the same, null when the
   * versions differ too much to diff in time (src/code/compare.ts), and null
   * for roles that may not read source (see access.ts). */
  unified: string | null;
  actions: DefinitionChanges;
  triggers: DefinitionChanges;
  /** What the change means to installers: breaking or not, and why. */
  compatibility: ChangeReport;
}

/** The code diff and the structural change (actions/triggers added, removed, changed) between two versions. */
export async function diffVersions(
  ctx: DomainContext,
  connectorId: number,
  from: number,
  to: number,
): Promise<VersionDiff> {
  const [a, b] = await Promise.all([
    versionOf(ctx, connectorId, from, 'from'),
    versionOf(ctx, connectorId, to, 'to'),
  ]);
  // Two parses and a diff: off the event loop unless the code is small.
  const compared = await compareCodeOffThread(a.code, b.code, [`version ${from}`, `version ${to}`]);
  // The unified diff is the code itself, line by line: only for roles that may read source.
  return { from, to, ...compared, unified: canViewSource(ctx.actor) ? compared.unified : null };
}
