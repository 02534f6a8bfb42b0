import { createTwoFilesPatch } from 'diff';
import { analyzeCode } from '../code/analyze-pool.js';
import { classifyChange, type ChangeReport } from '../code/compat.js';
import type { Connector } from '../generated/prisma/client.js';
import { appendVersion, lockConnector, releaseLocked } from './connectors.js';
import { audit } from './audit.js';
import { codeDigest } from './digest.js';
import { publishEvents, type LifecycleEvent } from './events.js';
import { canViewSource } from './access.js';
import { requireActor, requireWriter, type DomainContext } from './context.js';
import { InvalidInputError, NotFoundError } from './errors.js';
import { LIMITS } from './limits.js';

async function versionOf(ctx: DomainContext, connectorId: number, number: number, field: string) {
  const { workspaceId } = requireActor(ctx);
  const version = await ctx.prisma.connectorVersion.findFirst({
    where: { connectorId, number, connector: { workspaceId } },
    select: { code: true, note: true, number: true },
  });
  if (!version) throw new NotFoundError(`No version ${number} of that connector in this workspace.`, field);
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
  const actor = requireWriter(ctx);
  const old = await versionOf(ctx, connectorId, number, 'input.version');
  if (opts.note != null && opts.note.length > LIMITS.noteChars) throw new InvalidInputError('note is too long.', 'input.note');
  const note = opts.note ?? `Restored version ${number}${old.note ? `: ${old.note}` : ''}`.slice(0, LIMITS.noteChars);
  const analysis = await analyzeCode(old.code);
  let events: LifecycleEvent[] = [];
  const connector = await ctx.prisma.$transaction(async (tx) => {
    const locked = await lockConnector(tx, connectorId, actor.workspaceId);
    events = locked.events;
    const before = { latestVersion: locked.latestVersion, releasedVersion: locked.releasedVersion };
    await appendVersion(tx, connectorId, locked, { code: old.code, note, analysis, memberId: actor.memberId });
    if (opts.release) await releaseLocked(tx, connectorId, locked, actor.memberId);
    await audit(tx, ctx, {
      action: 'VERSION_RESTORE',
      workspaceId: actor.workspaceId,
      target: { type: 'Connector', id: connectorId },
      before,
      after: { latestVersion: locked.latestVersion, releasedVersion: locked.releasedVersion, restoredFrom: number, note, codeSha256: codeDigest(old.code) },
    });
    return tx.connector.findUniqueOrThrow({ where: { id: connectorId } });
  });
  publishEvents(ctx, events);
  return connector;
}

const DIFF_TIMEOUT_MS = 2_000;

export interface DefinitionChanges {
  added: string[];
  removed: string[];
  changed: string[];
}

export interface VersionDiff {
  from: number;
  to: number;
  /** Unified diff of the code (`diff` package): empty when the code is the same, null when the
   * versions differ too much to diff within `DIFF_TIMEOUT_MS` (Myers' diff is O(N·D)), and null
   * for roles that may not read source (see access.ts). */
  unified: string | null;
  actions: DefinitionChanges;
  triggers: DefinitionChanges;
  /** What the change means to installers: breaking or not, and why. */
  compatibility: ChangeReport;
}

function changes(before: Record<string, string>, after: Record<string, string>): DefinitionChanges {
  const b = Object.keys(before);
  const a = Object.keys(after);
  return {
    added: a.filter((n) => !(n in before)),
    removed: b.filter((n) => !(n in after)),
    changed: a.filter((n) => n in before && before[n] !== after[n]),
  };
}

/** The code diff and the structural change (actions/triggers added, removed, changed) between two versions. */
export async function diffVersions(ctx: DomainContext, connectorId: number, from: number, to: number): Promise<VersionDiff> {
  const [a, b] = await Promise.all([versionOf(ctx, connectorId, from, 'from'), versionOf(ctx, connectorId, to, 'to')]);
  const [da, db] = await Promise.all([analyzeCode(a.code), analyzeCode(b.code)]);
  // The unified diff is the code itself, line by line: only for roles that may read source.
  const unified = !canViewSource(ctx.actor)
    ? null
    : a.code === b.code
      ? ''
      : (createTwoFilesPatch(`version ${from}`, `version ${to}`, a.code, b.code, undefined, undefined, { context: 3, timeout: DIFF_TIMEOUT_MS }) ?? null);
  return {
    from,
    to,
    unified,
    actions: changes(da.definitions.actions, db.definitions.actions),
    triggers: changes(da.definitions.triggers, db.definitions.triggers),
    compatibility: classifyChange(da.structure, db.structure),
  };
}
