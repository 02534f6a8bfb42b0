import type { Connector, Prisma } from '../generated/prisma/client.js';
import { audit, type AuditSource } from './audit.js';
import { writeCommand } from './command.js';
import {
  appendVersion,
  insertCopy,
  lockConnector,
  storedAnalysis,
  VERSION_COPY,
  type CopiedVersion,
} from './connector-store.js';
import { releaseLocked } from './connectors.js';
import type { DomainContext } from './context.js';
import { verifyDigest } from './digest.js';
import { PreconditionError } from './errors.js';
import { emitEvents, type LifecycleEvent } from './events.js';
import { toGlobalId } from './global-id.js';

type Tx = Prisma.TransactionClient;

/** OEM shares touch every managed workspace in one transaction: give it time. */
export const OEM_TRANSACTION = { timeout: 5 * 60_000, maxWait: 60_000 } as const;

/**
 * OEM sharing (an embedded partner's workspace manages customer workspaces): shares the latest
 * released version with every workspace the caller's workspace manages. A workspace without a
 * copy gets one (version 1, released); a workspace with a copy gets the version as its next
 * version, released at once (the partner decides what its customers run; their own edits stay in
 * the copy's history). Refused with NOTHING_RELEASED, and ALREADY_OEM_SHARED when the latest
 * released version is the OEM-shared one already.
 */
export async function oemShareConnector(ctx: DomainContext, id: number): Promise<Connector> {
  const cmd = writeCommand(ctx);
  const { actor } = cmd;
  return cmd.run(async ({ tx, lock, audit, published }) => {
    const locked = await lock(id);
    const released = locked.releasedVersion;
    if (released == null) {
      throw new PreconditionError(
        'NOTHING_RELEASED',
        'There is no released version to OEM-share; release the latest version first.',
      );
    }
    const before = await tx.connector.findUniqueOrThrow({
      where: { id },
      select: { oemSharedVersion: true, oemSharedAt: true },
    });
    if (before.oemSharedVersion === released) {
      throw new PreconditionError(
        'ALREADY_OEM_SHARED',
        `Version ${released}, the latest released version, is already OEM-shared.`,
      );
    }
    const version = await tx.connectorVersion.findUniqueOrThrow({
      where: { connectorId_number: { connectorId: id, number: released } },
      select: VERSION_COPY,
    });
    verifyDigest(version.code, version.codeSha256, `version ${released}`);
    const parent = await tx.connector.update({
      where: { id },
      data: { oemSharedVersion: released, oemSharedAt: new Date() },
    });
    const managed = await tx.workspace.findMany({
      where: { managedById: actor.workspaceId },
      select: { id: true },
      orderBy: { id: 'asc' },
    });
    for (const w of managed) published(await giveOemCopy(tx, ctx, parent, released, version, w.id));
    await audit({
      action: 'OEM_SHARE',
      target: { type: 'Connector', id },
      before,
      after: {
        oemSharedVersion: released,
        oemSharedAt: parent.oemSharedAt,
        codeSha256: version.codeSha256,
        managedWorkspaces: managed.length,
      },
    });
    return parent;
  }, OEM_TRANSACTION);
}

/**
 * Gives one managed workspace the partner connector's OEM-shared version: a new copy (version 1,
 * released, tracked by an OEM install) or the next released version of its copy. Returns the
 * lifecycle events of the managed workspace (already recorded for its webhooks).
 */
export async function giveOemCopy(
  tx: Tx,
  source: AuditSource,
  parent: Connector,
  number: number,
  version: CopiedVersion,
  workspaceId: number,
): Promise<LifecycleEvent[]> {
  const install = await tx.install.findFirst({
    where: { parentId: parent.id, workspaceId, source: 'OEM' },
    select: { id: true, connectorId: true, baseVersion: true },
  });
  if (!install) {
    const copy = await insertCopy(tx, parent, number, version, {
      workspaceId,
      source: 'OEM',
      memberId: null,
      released: true,
    });
    const events: LifecycleEvent[] = [
      { workspaceId, type: 'version.created', data: { connectorId: copy.id, version: 1 } },
      { workspaceId, type: 'version.released', data: { connectorId: copy.id, version: 1 } },
    ];
    await emitEvents(tx, events);
    await audit(tx, source, {
      action: 'OEM_COPY',
      workspaceId,
      target: { type: 'Connector', id: copy.id },
      after: {
        parent: toGlobalId('Connector', parent.id),
        parentVersion: number,
        latestVersion: 1,
        releasedVersion: 1,
        codeSha256: version.codeSha256,
      },
    });
    return events;
  }
  const locked = await lockConnector(tx, install.connectorId, workspaceId);
  const before = {
    parentVersion: install.baseVersion,
    latestVersion: locked.latestVersion,
    releasedVersion: locked.releasedVersion,
  };
  await appendVersion(tx, install.connectorId, locked, {
    code: version.code,
    note: version.note,
    analysis: storedAnalysis(version),
    memberId: null,
  });
  await releaseLocked(tx, install.connectorId, locked, null);
  await tx.connector.update({
    where: { id: install.connectorId },
    data: { title: parent.title, description: parent.description, logo: parent.logo },
  });
  await tx.install.update({
    where: { id: install.id },
    data: { baseVersion: number, baseSha256: version.codeSha256, updatedAt: new Date() },
  });
  await tx.versionEvent.create({
    data: { connectorId: parent.id, version: number, kind: 'UPDATE', workspaceId },
  });
  await audit(tx, source, {
    action: 'OEM_COPY',
    workspaceId,
    target: { type: 'Connector', id: install.connectorId },
    before,
    after: {
      parentVersion: number,
      latestVersion: locked.latestVersion,
      releasedVersion: locked.releasedVersion,
      codeSha256: version.codeSha256,
    },
  });
  return locked.events;
}

/** Every connector the partner OEM-shared, copied into a workspace it has just started managing. */
export async function provisionOemCopies(
  tx: Tx,
  source: AuditSource,
  partnerId: number,
  workspaceId: number,
): Promise<LifecycleEvent[]> {
  const shared = await tx.connector.findMany({
    where: { workspaceId: partnerId, oemSharedVersion: { not: null } },
    orderBy: { id: 'asc' },
  });
  const events: LifecycleEvent[] = [];
  for (const parent of shared) {
    const version = await tx.connectorVersion.findUniqueOrThrow({
      where: { connectorId_number: { connectorId: parent.id, number: parent.oemSharedVersion! } },
      select: VERSION_COPY,
    });
    verifyDigest(
      version.code,
      version.codeSha256,
      `version ${parent.oemSharedVersion} of "${parent.title}"`,
    );
    events.push(
      ...(await giveOemCopy(tx, source, parent, parent.oemSharedVersion!, version, workspaceId)),
    );
  }
  return events;
}
