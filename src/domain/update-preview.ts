import { mergeCode, type MergeConflict } from '../code/merge.js';
import type { PrismaClient } from '../db/database.js';
import type { Tx } from './connector-store.js';
import { offeredVersion } from './rollout.js';

/** What a copy's parent looks like to the update rules (its offered versions). */
export const PARENT_SELECT = {
  id: true,
  sharedVersion: true,
  rolloutVersion: true,
  rolloutPercent: true,
} as const;

type InstallWithParent = {
  parentId: number;
  connectorId: number;
  baseVersion: number;
  parent: {
    id: number;
    sharedVersion: number | null;
    rolloutVersion: number | null;
    rolloutPercent: number | null;
  };
};

/**
 * What `updateFromParent` would make of the parent's offered version now: the three-way merge of
 * base (the parent version the copy last took), ours (the copy's latest) and theirs. Null when the
 * copy is up to date; `code` null when the merge conflicts.
 */
export async function previewUpdate(
  db: PrismaClient | Tx,
  install: InstallWithParent,
  workspaceId: number,
): Promise<{
  parentVersion: number;
  copyVersion: number;
  code: string | null;
  conflicts: MergeConflict[];
} | null> {
  let target: number;
  try {
    target = await offeredVersion(db, install.parent, workspaceId);
  } catch {
    return null; // nothing shared (or all yanked): no update
  }
  if (target === install.baseVersion) return null;
  const copy = await db.connector.findUniqueOrThrow({
    where: { id: install.connectorId },
    select: { latestVersion: true },
  });
  const codeOf = async (connectorId: number, number: number) =>
    (
      await db.connectorVersion.findUniqueOrThrow({
        where: { connectorId_number: { connectorId, number } },
        select: { code: true },
      })
    ).code;
  const [base, ours, theirs] = await Promise.all([
    codeOf(install.parentId, install.baseVersion),
    codeOf(install.connectorId, copy.latestVersion),
    codeOf(install.parentId, target),
  ]);
  const merged = mergeCode(base, ours, theirs);
  return {
    parentVersion: target,
    copyVersion: copy.latestVersion,
    code: merged.code,
    conflicts: merged.conflicts,
  };
}
