import { createHash } from 'node:crypto';
import type { Prisma } from '../generated/prisma/client.js';
import type { Principal } from './context.js';
import { PreconditionError } from './errors.js';

type Db = Prisma.TransactionClient | import('../db/database.js').PrismaClient;

/**
 * A workspace's stable bucket (0–99) for a connector's staged rollouts: the same workspace always
 * lands in the same bucket, so widening a rollout only ever adds workspaces, and nobody flips back
 * and forth between calls.
 */
export function rolloutBucket(connectorId: number, workspaceId: number): number {
  return createHash('sha256').update(`${connectorId}:${workspaceId}`).digest().readUInt32BE(0) % 100;
}

export function inRollout(parent: { id: number; rolloutVersion: number | null; rolloutPercent: number | null }, workspaceId: number): boolean {
  return parent.rolloutVersion != null && rolloutBucket(parent.id, workspaceId) < (parent.rolloutPercent ?? 0);
}

/** The version a workspace is offered before yanks are considered: the staged one inside a rollout, else the shared one. */
function wantedVersion(parent: { id: number; sharedVersion: number | null; rolloutVersion: number | null; rolloutPercent: number | null }, workspaceId: number | null): number | null {
  return workspaceId != null && inRollout(parent, workspaceId) ? parent.rolloutVersion : parent.sharedVersion;
}

/**
 * `offeredVersion` over the connector's shared versions already at hand (any order), for reads
 * that show "the version you get": the same rule, without a query. `workspaceId` null (platform
 * reviewers, anonymous): what everybody outside a rollout is offered. Null when nothing usable is shared.
 */
export function offeredAmong(
  parent: { id: number; sharedVersion: number | null; rolloutVersion: number | null; rolloutPercent: number | null },
  workspaceId: number | null,
  shared: readonly { number: number; sharedAt: Date | null; yankedAt: Date | null }[],
): number | null {
  const wanted = wantedVersion(parent, workspaceId);
  if (wanted == null) return null;
  let best: number | null = null;
  for (const v of shared) {
    if (v.sharedAt != null && v.yankedAt == null && v.number <= wanted && (best == null || v.number > best)) best = v.number;
  }
  return best;
}

/**
 * The version of a shared connector a workspace is offered: the staged version when the workspace
 * is in the rollout, else the shared one; a yanked version falls back to the newest shared version
 * before it that is not yanked.
 */
export async function offeredVersion(
  db: Db,
  parent: { id: number; sharedVersion: number | null; rolloutVersion: number | null; rolloutPercent: number | null },
  workspaceId: number,
): Promise<number> {
  const wanted = wantedVersion(parent, workspaceId);
  if (wanted == null) throw new PreconditionError('NOTHING_SHARED', 'This connector has no shared version.');
  const usable = await db.connectorVersion.findFirst({
    where: { connectorId: parent.id, number: { lte: wanted }, sharedAt: { not: null }, yankedAt: null },
    orderBy: { number: 'desc' },
    select: { number: true },
  });
  if (!usable) throw new PreconditionError('VERSION_YANKED', 'Every shared version of this connector was yanked; it cannot be installed now.');
  return usable.number;
}

/**
 * The one rule for "which shared versions may this viewer see" (listings' and share links'
 * `sharedVersions`, an install's parent): the owner's workspace sees all its shared versions;
 * anyone else sees those up to the connector's shared version, plus the staged version of a
 * rollout only while their workspace is inside it. A rolled-back version is no longer shared
 * (`sharedAt` cleared), so nobody is shown it afterwards. Platform reviewers, who belong to no
 * workspace, see what everybody is offered. Installs and updates follow the same rule through
 * `offeredVersion`.
 */
export function visibleSharedVersion(
  parent: { id: number; workspaceId: number; sharedVersion: number | null; rolloutVersion: number | null; rolloutPercent: number | null },
  version: { number: number; sharedAt: Date | null },
  viewer: Principal | null,
): boolean {
  if (version.sharedAt == null) return false;
  if (viewer?.kind === 'member' && viewer.workspaceId === parent.workspaceId) return true;
  if (parent.sharedVersion != null && version.number <= parent.sharedVersion) return true;
  return viewer?.kind === 'member' && version.number === parent.rolloutVersion && inRollout(parent, viewer.workspaceId);
}
