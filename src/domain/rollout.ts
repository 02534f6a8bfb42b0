import { createHash } from 'node:crypto';
import type { Connector, Prisma } from '../generated/prisma/client.js';
import { writeCommand, type CommandScope } from './command.js';
import type { Locked } from './connector-store.js';
import type { Actor, DomainContext, Principal } from './context.js';
import { requirePassingTests } from './test-results.js';
import { InvalidInputError, NotFoundError, PreconditionError } from './errors.js';
import type { LifecycleEvent, Notified } from './events.js';
import { LIMITS } from './limits.js';
import { notifyInstallers } from './notifications.js';

// What installers of a connector are offered: the rules that pick a version for a workspace
// (staged rollouts, yanks), and the commands that change it (share, setRollout, rollbackRollout,
// deprecateVersion, yankVersion).

type Db = Prisma.TransactionClient | import('../db/database.js').PrismaClient;

/**
 * A workspace's stable bucket (0–99) for a connector's staged rollouts: the same workspace always
 * lands in the same bucket, so widening a rollout only ever adds workspaces, and nobody flips back
 * and forth between calls.
 */
export function rolloutBucket(connectorId: number, workspaceId: number): number {
  return (
    createHash('sha256').update(`${connectorId}:${workspaceId}`).digest().readUInt32BE(0) % 100
  );
}

export function inRollout(
  parent: { id: number; rolloutVersion: number | null; rolloutPercent: number | null },
  workspaceId: number,
): boolean {
  return (
    parent.rolloutVersion != null &&
    rolloutBucket(parent.id, workspaceId) < (parent.rolloutPercent ?? 0)
  );
}

/** What the offer rules read of a shared connector: its shared version and its staged rollout. */
type OfferingParent = Pick<Connector, 'id' | 'sharedVersion' | 'rolloutVersion' | 'rolloutPercent'>;

/** The version a workspace is offered before yanks are considered: the staged one inside a rollout, else the shared one. */
function wantedVersion(parent: OfferingParent, workspaceId: number | null): number | null {
  return workspaceId != null && inRollout(parent, workspaceId)
    ? parent.rolloutVersion
    : parent.sharedVersion;
}

/**
 * `offeredVersion` over the connector's shared versions already at hand (any order), for reads
 * that show "the version you get": the same rule, without a query. `workspaceId` null (platform
 * reviewers, anonymous): what everybody outside a rollout is offered. Null when nothing usable is shared.
 */
export function offeredAmong(
  parent: OfferingParent,
  workspaceId: number | null,
  shared: readonly { number: number; sharedAt: Date | null; yankedAt: Date | null }[],
): number | null {
  const wanted = wantedVersion(parent, workspaceId);
  if (wanted == null) return null;
  let best: number | null = null;
  for (const v of shared) {
    if (
      v.sharedAt != null &&
      v.yankedAt == null &&
      v.number <= wanted &&
      (best == null || v.number > best)
    )
      best = v.number;
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
  parent: OfferingParent,
  workspaceId: number,
): Promise<number> {
  const wanted = wantedVersion(parent, workspaceId);
  if (wanted == null)
    throw new PreconditionError('NOTHING_SHARED', 'This connector has no shared version.');
  const usable = await db.connectorVersion.findFirst({
    where: {
      connectorId: parent.id,
      number: { lte: wanted },
      sharedAt: { not: null },
      yankedAt: null,
    },
    orderBy: { number: 'desc' },
    select: { number: true },
  });
  if (!usable)
    throw new PreconditionError(
      'VERSION_YANKED',
      'Every shared version of this connector was yanked; it cannot be installed now.',
    );
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
  parent: OfferingParent & { workspaceId: number },
  version: { number: number; sharedAt: Date | null },
  viewer: Principal | null,
): boolean {
  if (version.sharedAt == null) return false;
  if (viewer?.kind === 'member' && viewer.workspaceId === parent.workspaceId) return true;
  if (parent.sharedVersion != null && version.number <= parent.sharedVersion) return true;
  return (
    viewer?.kind === 'member' &&
    version.number === parent.rolloutVersion &&
    inRollout(parent, viewer.workspaceId)
  );
}

/**
 * Shares the latest released version: what other workspaces get when they install, and what every
 * workspace holding a copy is notified about. With `rolloutPercent` below 100 the version goes to
 * that share of the installing workspaces first (a stable selection); `setRollout` widens it.
 */
export async function shareConnector(
  ctx: DomainContext,
  id: number,
  opts: { rolloutPercent?: number | null } = {},
): Promise<Connector> {
  const cmd = writeCommand(ctx);
  const percent = checkPercent(opts.rolloutPercent ?? 100);
  return cmd.run(async (scope) => {
    const locked = await scope.lock(id);
    const released = locked.releasedVersion;
    if (released == null) {
      throw new PreconditionError(
        'NOTHING_RELEASED',
        'There is no released version to share; release the latest version first.',
      );
    }
    if (locked.sharedVersion === released || locked.rolloutVersion === released) {
      const how =
        locked.rolloutVersion === released
          ? ` (to ${locked.rolloutPercent}% so far; widen it with setRollout)`
          : '';
      throw new PreconditionError(
        'ALREADY_SHARED',
        `The latest released version of the connector is already shared${how}.`,
      );
    }
    await requirePassingTests(scope.tx, locked, released);
    await scope.tx.connectorVersion.updateMany({
      where: { connectorId: id, number: released, sharedAt: null },
      data: { sharedAt: new Date() },
    });
    return applyRollout(scope, locked, released, percent, 'CONNECTOR_SHARE');
  });
}

function checkPercent(percent: number): number {
  if (!Number.isInteger(percent) || percent < 1 || percent > 100) {
    throw new InvalidInputError(
      'rolloutPercent must be a whole number from 1 to 100.',
      'input.rolloutPercent',
    );
  }
  return percent;
}

function shareState(c: {
  sharedVersion: number | null;
  rolloutVersion: number | null;
  rolloutPercent: number | null;
}) {
  return {
    sharedVersion: c.sharedVersion,
    rolloutVersion: c.rolloutVersion,
    rolloutPercent: c.rolloutPercent,
  };
}

function updateEvents(
  notified: Notified[],
  connectorId: number,
  version: number,
): LifecycleEvent[] {
  return notified.map((n) => ({
    workspaceId: n.workspaceId,
    type: 'update.available' as const,
    data: { parentConnectorId: connectorId, version, notificationId: n.notificationId },
  }));
}

/**
 * Offers `version` to `percent` % of installing workspaces (100: to all, as the shared version),
 * audited as `action`: the `version.shared` event, and the installers it reaches are notified.
 */
async function applyRollout(
  { tx, audit, emit, notify, libraryChanged }: CommandScope<Actor>,
  locked: Locked,
  version: number,
  percent: number,
  action: 'CONNECTOR_SHARE' | 'ROLLOUT_SET',
): Promise<Connector> {
  const parent = { id: locked.id, rolloutVersion: version, rolloutPercent: percent };
  const full = percent >= 100;
  const connector = await tx.connector.update({
    where: { id: locked.id },
    data: full
      ? { sharedVersion: version, rolloutVersion: null, rolloutPercent: null }
      : { rolloutVersion: version, rolloutPercent: percent },
  });
  const notified = await notifyInstallers(
    tx,
    locked.id,
    version,
    full ? undefined : (workspaceId) => inRollout(parent, workspaceId),
  );
  await audit({
    action,
    target: { type: 'Connector', id: locked.id },
    before: shareState(locked),
    after: shareState(connector),
  });
  await emit(
    {
      workspaceId: locked.workspaceId,
      type: 'version.shared',
      data: { connectorId: locked.id, version, rolloutPercent: percent },
    },
    ...updateEvents(notified, locked.id, version),
  );
  notify(notified);
  libraryChanged();
  return connector;
}

/** Widens (or narrows) a staged share; 100 makes the staged version the shared one for everybody. */
export async function setRollout(
  ctx: DomainContext,
  id: number,
  percent: number,
): Promise<Connector> {
  const cmd = writeCommand(ctx);
  checkPercent(percent);
  return cmd.run(async (scope) => {
    const locked = await scope.lock(id);
    const version = locked.rolloutVersion;
    if (version == null)
      throw new PreconditionError(
        'NOTHING_TO_ROLL_OUT',
        'No version of this connector is being rolled out.',
      );
    return applyRollout(scope, locked, version, percent, 'ROLLOUT_SET');
  });
}

/**
 * Stops a staged share: nobody else is offered or shown the version (it is no longer shared), and
 * unread notifications about it are withdrawn. Copies that already took it keep it (they are the
 * workspace's own).
 */
export async function rollbackRollout(ctx: DomainContext, id: number): Promise<Connector> {
  return writeCommand(ctx).run(async ({ tx, lock, audit, libraryChanged }) => {
    const locked = await lock(id);
    if (locked.rolloutVersion == null)
      throw new PreconditionError(
        'NOTHING_TO_ROLL_OUT',
        'No version of this connector is being rolled out.',
      );
    await tx.notification.deleteMany({
      where: { install: { parentId: id }, parentVersion: locked.rolloutVersion, readAt: null },
    });
    // The version goes back to being merely released: no longer shared with anybody, so neither
    // listed among shared versions nor a fallback for a yanked one (see visibleSharedVersion).
    await tx.connectorVersion.updateMany({
      where: { connectorId: id, number: locked.rolloutVersion },
      data: { sharedAt: null },
    });
    const row = await tx.connector.update({
      where: { id },
      data: { rolloutVersion: null, rolloutPercent: null },
    });
    await audit({
      action: 'ROLLOUT_ROLLBACK',
      target: { type: 'Connector', id },
      before: shareState(locked),
      after: shareState(row),
    });
    libraryChanged();
    return row;
  });
}

/** Marks a shared version deprecated with a message and, optionally, the version to use instead. */
export async function deprecateVersion(
  ctx: DomainContext,
  id: number,
  number: number,
  opts: { message: string; replacementVersion?: number | null },
): Promise<Connector> {
  const cmd = writeCommand(ctx);
  const { workspaceId } = cmd.actor;
  const message = opts.message.trim();
  if (!message || message.length > LIMITS.noteChars)
    throw new InvalidInputError(
      `Give a deprecation message of 1 to ${LIMITS.noteChars} characters.`,
      'input.message',
    );
  await sharedVersionOf(ctx, id, number, workspaceId);
  if (opts.replacementVersion != null)
    await sharedVersionOf(
      ctx,
      id,
      opts.replacementVersion,
      workspaceId,
      'input.replacementVersion',
    );
  await cmd.run(async ({ tx, audit, libraryChanged }) => {
    const where = { connectorId_number: { connectorId: id, number } };
    const select = {
      deprecatedAt: true,
      deprecationMessage: true,
      replacementVersion: true,
    } as const;
    const before = await tx.connectorVersion.findUniqueOrThrow({ where, select });
    const after = await tx.connectorVersion.update({
      where,
      select,
      data: {
        deprecatedAt: new Date(),
        deprecationMessage: message,
        replacementVersion: opts.replacementVersion ?? null,
      },
    });
    await audit({
      action: 'VERSION_DEPRECATE',
      target: { type: 'Connector', id },
      before: { version: number, ...before },
      after: { version: number, ...after },
    });
    libraryChanged();
  });
  return ctx.prisma.connector.findUniqueOrThrow({ where: { id } });
}

/** Yanks a shared version (or takes the yank back): new installs never get a yanked version; existing copies keep working. */
export async function yankVersion(
  ctx: DomainContext,
  id: number,
  number: number,
  yanked = true,
): Promise<Connector> {
  const cmd = writeCommand(ctx);
  await sharedVersionOf(ctx, id, number, cmd.actor.workspaceId);
  await cmd.run(async ({ tx, audit, libraryChanged }) => {
    const where = { connectorId_number: { connectorId: id, number } };
    const before = await tx.connectorVersion.findUniqueOrThrow({
      where,
      select: { yankedAt: true },
    });
    await tx.connectorVersion.update({ where, data: { yankedAt: yanked ? new Date() : null } });
    await audit({
      action: yanked ? 'VERSION_YANK' : 'VERSION_UNYANK',
      target: { type: 'Connector', id },
      before: { version: number, yanked: before.yankedAt != null },
      after: { version: number, yanked },
    });
    libraryChanged();
  });
  return ctx.prisma.connector.findUniqueOrThrow({ where: { id } });
}

async function sharedVersionOf(
  ctx: DomainContext,
  id: number,
  number: number,
  workspaceId: number,
  field = 'input.version',
) {
  const v = await ctx.prisma.connectorVersion.findFirst({
    where: { connectorId: id, number, connector: { workspaceId } },
    select: { sharedAt: true },
  });
  if (!v)
    throw new NotFoundError(`No version ${number} of that connector in this workspace.`, field);
  if (!v.sharedAt)
    throw new PreconditionError(
      'NOTHING_SHARED',
      `Version ${number} was never shared; only shared versions are deprecated or yanked.`,
    );
}
