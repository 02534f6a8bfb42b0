import { randomBytes } from 'node:crypto';
import { withHeldValues } from '../db/large-values.js';
import type { CodeAnalysis, StoredAnalysis } from '../code/analyze.js';
import { analyzeCode } from '../code/analyze-pool.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { Connector } from '../generated/prisma/client.js';
import { requireSourceViewer } from './access.js';
import { requireActor, requireWriter, type DomainContext } from './context.js';
import { InvalidInputError, NotFoundError, PreconditionError, VersionConflictError } from './errors.js';
import { checkConnectorFields, type ConnectorFields } from './input.js';
import { libraryChanged } from './community.js';
import { emitEvents, publishEvents, type LifecycleEvent } from './events.js';
import { notifyInstallers, publishNotifications, type Notified } from './notifications.js';
import { inRollout } from './rollout.js';
import { LIMITS } from './limits.js';
import { audit, changed, connectorSnapshot } from './audit.js';
import { containsText } from './search.js';

export type Tx = Prisma.TransactionClient;
export type Locked = Awaited<ReturnType<typeof lockConnector>>;

/** A stable machine name: the title's slug, the workspace and a random tail for uniqueness. */
export function connectorName(title: string, workspaceId: number): string {
  const slug =
    title
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 40) || 'connector';
  return `${slug}_connector_${workspaceId}_${randomBytes(5).toString('hex')}`;
}

/** What a version keeps of its code's analysis (a copy of the same code reuses it). */
export type { StoredAnalysis };

export interface NewVersion {
  connectorId: number;
  number: number;
  code: string;
  note: string | null | undefined;
  analysis: StoredAnalysis;
  createdById: number | null;
  /** Released as it is made (imports, OEM copies). */
  releasedAt?: Date | null;
  releasedById?: number | null;
}

/**
 * Writes a version row: the one place versions are made. A parameterized INSERT rather than
 * Prisma's create, whose query building walks the arguments on the main thread (10 MB of code and
 * its ~4 MB structure: 1.5-2.2 s of CPU, a stall for every other request); and the large values
 * go past Prisma altogether (src/db/large-values.ts), since even a raw query sends its parameters
 * through Prisma's query compiler and back (another 0.7-1.4 s).
 */
export async function insertVersion(tx: Tx, v: NewVersion): Promise<void> {
  const { diagnostics, hasErrors, actions, triggers, structureJson, codeSha256 } = v.analysis;
  const large = [v.code, JSON.stringify(diagnostics), structureJson];
  await withHeldValues(large, ([code, diagnosticsJson, structureJson]) => tx.$executeRaw`
    INSERT INTO connector_versions
      (connector_id, number, created_by_id, note, code, code_size, code_sha256, diagnostics, has_errors, actions, triggers, structure, released_at, released_by_id)
    VALUES
      (${v.connectorId}, ${v.number}, ${v.createdById}, ${v.note ?? null}, ${code}, ${Buffer.byteLength(v.code, 'utf8')}, ${codeSha256},
       ${diagnosticsJson}::jsonb, ${hasErrors}, ${actions}::text[], ${triggers}::text[], NULLIF(${structureJson}::jsonb, 'null'::jsonb),
       ${v.releasedAt ?? null}::timestamp(3), ${v.releasedById ?? null})`);
}

/** A stored version's analysis, for a new version with the same code. */
export function storedAnalysis(v: { diagnostics: unknown; hasErrors: boolean; actions: string[]; triggers: string[]; structure: unknown; codeSha256: string }): StoredAnalysis {
  return {
    diagnostics: v.diagnostics as CodeAnalysis['diagnostics'],
    hasErrors: v.hasErrors,
    actions: v.actions,
    triggers: v.triggers,
    structureJson: JSON.stringify(v.structure ?? null),
    codeSha256: v.codeSha256,
  };
}

/** Locks the connector row for the rest of the transaction; versions are numbered under it. */
export async function lockConnector(tx: Tx, id: number, workspaceId: number, opts: { snapshot?: boolean } = {}) {
  type Row = { latest_version: number; released_version: number | null; shared_version: number | null; rollout_version: number | null; rollout_percent: number | null };
  type Snapshot = { title: string; description: string | null; logo: string | null };
  // With `snapshot`, the audited fields come with the lock (one statement instead of two).
  const rows = opts.snapshot
    ? await tx.$queryRaw<(Row & Snapshot)[]>`
        SELECT latest_version, released_version, shared_version, rollout_version, rollout_percent, title, description, logo FROM connectors
        WHERE id = ${id} AND workspace_id = ${workspaceId} FOR UPDATE`
    : await tx.$queryRaw<Row[]>`
        SELECT latest_version, released_version, shared_version, rollout_version, rollout_percent FROM connectors
        WHERE id = ${id} AND workspace_id = ${workspaceId} FOR UPDATE`;
  if (rows.length === 0) throw new NotFoundError(`No connector with that id in this workspace.`, 'input.id');
  const [row] = rows as (Row & Partial<Snapshot>)[];
  const snapshot: Snapshot | undefined = opts.snapshot ? { title: row.title!, description: row.description ?? null, logo: row.logo ?? null } : undefined;
  return {
    /** Title, description and logo as locked (with `snapshot`). */
    snapshot,
    id,
    workspaceId,
    latestVersion: row.latest_version,
    releasedVersion: row.released_version,
    sharedVersion: row.shared_version,
    rolloutVersion: row.rollout_version,
    rolloutPercent: row.rollout_percent,
    /** Lifecycle events of this transaction, recorded for webhooks; publish them after the commit. */
    events: [] as LifecycleEvent[],
  };
}

export interface CreateConnectorInput extends ConnectorFields {
  title: string;
  code: string;
}

export async function createConnector(ctx: DomainContext, input: CreateConnectorInput): Promise<Connector> {
  const actor = requireWriter(ctx);
  if (input.title == null) throw new InvalidInputError('title is required.', 'input.title');
  if (input.code == null) throw new InvalidInputError('code is required.', 'input.code');
  const fields = await checkConnectorFields(input);
  const analysis = await analyzeCode(fields.code!);
  const events: LifecycleEvent[] = [];
  const connector = await ctx.prisma.$transaction(async (tx) => {
    const created = await tx.connector.create({
      data: {
        workspaceId: actor.workspaceId,
        name: connectorName(fields.title!, actor.workspaceId),
        title: fields.title!,
        logo: fields.logo ?? null,
        description: fields.description ?? null,
        latestVersion: 1,
      },
    });
    await insertVersion(tx, { connectorId: created.id, number: 1, createdById: actor.memberId, code: fields.code!, note: fields.note, analysis });
    events.push({ workspaceId: actor.workspaceId, type: 'version.created', data: { connectorId: created.id, version: 1 } });
    await emitEvents(tx, events);
    await audit(tx, ctx, {
      action: 'CONNECTOR_CREATE',
      workspaceId: actor.workspaceId,
      target: { type: 'Connector', id: created.id },
      after: { ...connectorSnapshot(created), latestVersion: 1, note: fields.note ?? null, codeSha256: analysis.codeSha256 },
    });
    return created;
  });
  publishEvents(ctx, events);
  return connector;
}

export interface UpdateConnectorInput extends ConnectorFields {
  expectedLatestVersion?: number | null;
}

/**
 * Metadata (title, logo, description) changes apply to the connector; a code or note that
 * differs from the latest version's makes the next version, numbered under the row lock so
 * concurrent updates get contiguous numbers.
 */
/**
 * Changes metadata and/or makes the next version. Answers the row as this transaction left it and
 * the number of the version it made (null when code and note were those of the latest version):
 * read afterwards, the connector may already show someone else's later version.
 */
export async function updateConnector(
  ctx: DomainContext,
  id: number,
  input: UpdateConnectorInput,
): Promise<{ connector: Connector; version: number | null }> {
  const actor = requireWriter(ctx);
  const fields = await checkConnectorFields(input);
  // Parsing 10 MB takes a while: do it before taking the lock.
  const analysis = fields.code !== undefined ? await analyzeCode(fields.code!) : null;
  let events: LifecycleEvent[] = [];
  const updated = await ctx.prisma.$transaction(async (tx) => {
    const locked = await lockConnector(tx, id, actor.workspaceId, { snapshot: true });
    events = locked.events;
    const expected = input.expectedLatestVersion;
    if (expected != null && expected !== locked.latestVersion) throw new VersionConflictError(expected, locked.latestVersion);

    const prior = locked.snapshot!;
    let before: Record<string, unknown> = { ...connectorSnapshot(prior), latestVersion: locked.latestVersion };
    let after: Record<string, unknown> = { ...before };
    const meta: Prisma.ConnectorUpdateInput = {};
    if (fields.title !== undefined) meta.title = fields.title!;
    if (fields.logo !== undefined) meta.logo = fields.logo;
    if (fields.description !== undefined) meta.description = fields.description;

    let row: Connector | undefined;
    let made: number | null = null;
    if (fields.code !== undefined || fields.note !== undefined) {
      const latest = await tx.connectorVersion.findUniqueOrThrow({
        where: { connectorId_number: { connectorId: id, number: locked.latestVersion } },
        select: { code: true, note: true, diagnostics: true, hasErrors: true, actions: true, triggers: true, structure: true, codeSha256: true },
      });
      const code = fields.code ?? latest.code;
      const note = fields.note !== undefined ? fields.note : latest.note;
      if (code !== latest.code || note !== latest.note) {
        const analysed: StoredAnalysis = analysis ?? storedAnalysis(latest);
        before = { ...before, note: latest.note, codeSha256: latest.codeSha256 };
        // The metadata changes ride on the version's own update of the connector row.
        row = (await appendVersionReturning(tx, id, locked, { code, note, analysis: analysed, memberId: actor.memberId }, meta)).connector;
        after = { ...after, latestVersion: locked.latestVersion, note, codeSha256: analysed.codeSha256 };
        made = locked.latestVersion;
      }
    }
    row ??= await tx.connector.update({ where: { id }, data: meta });
    const diff = changed(before, { ...after, ...connectorSnapshot(row) });
    if (diff) await audit(tx, ctx, { action: 'CONNECTOR_UPDATE', workspaceId: actor.workspaceId, target: { type: 'Connector', id }, ...diff });
    return { connector: row, version: made };
  });
  publishEvents(ctx, events);
  // Title, logo and description show in the library once shared.
  if (updated.connector.sharedVersion != null && (fields.title !== undefined || fields.logo !== undefined || fields.description !== undefined)) {
    libraryChanged(ctx);
  }
  return updated;
}

/** Releases the latest version: the one the workspace's recipes use from now on. */
export async function releaseConnector(ctx: DomainContext, id: number): Promise<Connector> {
  const actor = requireWriter(ctx);
  let events: LifecycleEvent[] = [];
  const connector = await ctx.prisma.$transaction(async (tx) => {
    const locked = await lockConnector(tx, id, actor.workspaceId);
    events = locked.events;
    const before = { releasedVersion: locked.releasedVersion };
    await releaseLocked(tx, id, locked, actor.memberId);
    await audit(tx, ctx, { action: 'VERSION_RELEASE', workspaceId: actor.workspaceId, target: { type: 'Connector', id }, before, after: await releasedState(tx, id, locked) });
    return tx.connector.findUniqueOrThrow({ where: { id } });
  });
  publishEvents(ctx, events);
  return connector;
}

/** The release rule, for any transaction that holds the connector's lock (restore, import…). */
export async function releaseLocked(tx: Tx, id: number, locked: Locked, memberId: number | null): Promise<void> {
  if (locked.releasedVersion === locked.latestVersion) {
    throw new PreconditionError('ALREADY_RELEASED', 'The latest version of the connector is already released.');
  }
  const latest = await tx.connectorVersion.findUniqueOrThrow({
    where: { connectorId_number: { connectorId: id, number: locked.latestVersion } },
    select: { id: true, hasErrors: true, diagnostics: true },
  });
  if (latest.hasErrors) {
    const first = (latest.diagnostics as { severity: string; message: string }[]).find((d) => d.severity === 'error');
    throw new PreconditionError(
      'CODE_HAS_ERRORS',
      `Fix code errors before releasing the connector${first ? `: ${first.message}` : '.'}`,
      first?.message ?? null,
    );
  }
  await tx.connectorVersion.update({ where: { id: latest.id }, data: { releasedAt: new Date(), releasedById: memberId } });
  await tx.connector.update({ where: { id }, data: { releasedVersion: locked.latestVersion } });
  locked.releasedVersion = locked.latestVersion;
  await record(tx, locked, { workspaceId: locked.workspaceId, type: 'version.released', data: { connectorId: id, version: locked.latestVersion } });
}

/** The released version and its code digest, for audit entries. */
export async function releasedState(tx: Tx, id: number, locked: Locked) {
  const v = locked.releasedVersion == null ? null : await tx.connectorVersion.findUnique({ where: { connectorId_number: { connectorId: id, number: locked.releasedVersion } }, select: { codeSha256: true } });
  return { releasedVersion: locked.releasedVersion, codeSha256: v?.codeSha256 ?? null };
}

async function record(tx: Tx, locked: Locked, event: LifecycleEvent) {
  locked.events.push(event);
  await emitEvents(tx, [event]);
}

/** Adds the next version on top of a locked connector; returns its number. */
export async function appendVersion(
  tx: Tx,
  id: number,
  locked: Locked,
  version: { code: string; note: string | null; analysis: StoredAnalysis; memberId: number | null },
): Promise<number> {
  return (await appendVersionReturning(tx, id, locked, version)).number;
}

/** appendVersion that also applies `connectorData` in the same update of the connector row, and returns the row. */
export async function appendVersionReturning(
  tx: Tx,
  id: number,
  locked: Locked,
  version: { code: string; note: string | null; analysis: StoredAnalysis; memberId: number | null },
  connectorData: Prisma.ConnectorUpdateInput = {},
): Promise<{ number: number; connector: Connector }> {
  const number = locked.latestVersion + 1;
  await insertVersion(tx, { connectorId: id, number, createdById: version.memberId, code: version.code, note: version.note, analysis: version.analysis });
  const connector = await tx.connector.update({ where: { id }, data: { ...connectorData, latestVersion: number } });
  locked.latestVersion = number;
  await record(tx, locked, { workspaceId: locked.workspaceId, type: 'version.created', data: { connectorId: id, version: number } });
  return { number, connector };
}

/**
 * Shares the latest released version: what other workspaces get when they install, and what every
 * workspace holding a copy is notified about. With `rolloutPercent` below 100 the version goes to
 * that share of the installing workspaces first (a stable selection); `setRollout` widens it.
 */
export async function shareConnector(ctx: DomainContext, id: number, opts: { rolloutPercent?: number | null } = {}): Promise<Connector> {
  const actor = requireWriter(ctx);
  const percent = opts.rolloutPercent ?? 100;
  if (!Number.isInteger(percent) || percent < 1 || percent > 100) {
    throw new InvalidInputError('rolloutPercent must be a whole number from 1 to 100.', 'input.rolloutPercent');
  }
  const events: LifecycleEvent[] = [];
  const { connector, notified } = await ctx.prisma.$transaction(async (tx) => {
    const locked = await lockConnector(tx, id, actor.workspaceId);
    const released = locked.releasedVersion;
    if (released == null) {
      throw new PreconditionError('NOTHING_RELEASED', 'There is no released version to share; release the latest version first.');
    }
    if (locked.sharedVersion === released || locked.rolloutVersion === released) {
      const how = locked.rolloutVersion === released ? ` (to ${locked.rolloutPercent}% so far; widen it with setRollout)` : '';
      throw new PreconditionError('ALREADY_SHARED', `The latest released version of the connector is already shared${how}.`);
    }
    await tx.connectorVersion.updateMany({ where: { connectorId: id, number: released, sharedAt: null }, data: { sharedAt: new Date() } });
    const result = await applyRollout(tx, locked, released, percent);
    await audit(tx, ctx, { action: 'CONNECTOR_SHARE', workspaceId: actor.workspaceId, target: { type: 'Connector', id }, before: shareState(locked), after: shareState(result.connector) });
    events.push({ workspaceId: actor.workspaceId, type: 'version.shared', data: { connectorId: id, version: released, rolloutPercent: percent } });
    events.push(...updateEvents(result.notified, id, released));
    await emitEvents(tx, events);
    return result;
  });
  // After the commit: subscribers load what the database now holds.
  publishNotifications(ctx, notified);
  publishEvents(ctx, events);
  libraryChanged(ctx);
  return connector;
}

function shareState(c: { sharedVersion: number | null; rolloutVersion: number | null; rolloutPercent: number | null }) {
  return { sharedVersion: c.sharedVersion, rolloutVersion: c.rolloutVersion, rolloutPercent: c.rolloutPercent };
}

function updateEvents(notified: Notified[], connectorId: number, version: number): LifecycleEvent[] {
  return notified.map((n) => ({ workspaceId: n.workspaceId, type: 'update.available' as const, data: { parentConnectorId: connectorId, version, notificationId: n.notificationId } }));
}

/** Offers `version` to `percent` % of installing workspaces (100: to all, as the shared version). */
async function applyRollout(tx: Tx, locked: Locked, version: number, percent: number) {
  const parent = { id: locked.id, rolloutVersion: version, rolloutPercent: percent };
  const full = percent >= 100;
  const connector = await tx.connector.update({
    where: { id: locked.id },
    data: full ? { sharedVersion: version, rolloutVersion: null, rolloutPercent: null } : { rolloutVersion: version, rolloutPercent: percent },
  });
  const notified = await notifyInstallers(tx, locked.id, version, full ? undefined : (workspaceId) => inRollout(parent, workspaceId));
  return { connector, notified };
}

/** Widens (or narrows) a staged share; 100 makes the staged version the shared one for everybody. */
export async function setRollout(ctx: DomainContext, id: number, percent: number): Promise<Connector> {
  const actor = requireWriter(ctx);
  if (!Number.isInteger(percent) || percent < 1 || percent > 100) {
    throw new InvalidInputError('rolloutPercent must be a whole number from 1 to 100.', 'input.rolloutPercent');
  }
  const events: LifecycleEvent[] = [];
  const { connector, notified } = await ctx.prisma.$transaction(async (tx) => {
    const locked = await lockConnector(tx, id, actor.workspaceId);
    if (locked.rolloutVersion == null) throw new PreconditionError('NOTHING_TO_ROLL_OUT', 'No version of this connector is being rolled out.');
    const result = await applyRollout(tx, locked, locked.rolloutVersion, percent);
    await audit(tx, ctx, { action: 'ROLLOUT_SET', workspaceId: actor.workspaceId, target: { type: 'Connector', id }, before: shareState(locked), after: shareState(result.connector) });
    events.push({ workspaceId: actor.workspaceId, type: 'version.shared', data: { connectorId: id, version: locked.rolloutVersion, rolloutPercent: percent } });
    events.push(...updateEvents(result.notified, id, locked.rolloutVersion));
    await emitEvents(tx, events);
    return result;
  });
  publishNotifications(ctx, notified);
  publishEvents(ctx, events);
  libraryChanged(ctx);
  return connector;
}

/**
 * Stops a staged share: nobody else is offered or shown the version (it is no longer shared), and
 * unread notifications about it are withdrawn. Copies that already took it keep it (they are the
 * workspace's own).
 */
export async function rollbackRollout(ctx: DomainContext, id: number): Promise<Connector> {
  const actor = requireWriter(ctx);
  const connector = await ctx.prisma.$transaction(async (tx) => {
    const locked = await lockConnector(tx, id, actor.workspaceId);
    if (locked.rolloutVersion == null) throw new PreconditionError('NOTHING_TO_ROLL_OUT', 'No version of this connector is being rolled out.');
    await tx.notification.deleteMany({ where: { install: { parentId: id }, parentVersion: locked.rolloutVersion, readAt: null } });
    // The version goes back to being merely released: no longer shared with anybody, so neither
    // listed among shared versions nor a fallback for a yanked one (see visibleSharedVersion).
    await tx.connectorVersion.updateMany({ where: { connectorId: id, number: locked.rolloutVersion }, data: { sharedAt: null } });
    const row = await tx.connector.update({ where: { id }, data: { rolloutVersion: null, rolloutPercent: null } });
    await audit(tx, ctx, { action: 'ROLLOUT_ROLLBACK', workspaceId: actor.workspaceId, target: { type: 'Connector', id }, before: shareState(locked), after: shareState(row) });
    return row;
  });
  libraryChanged(ctx);
  return connector;
}

/** Marks a shared version deprecated with a message and, optionally, the version to use instead. */
export async function deprecateVersion(
  ctx: DomainContext,
  id: number,
  number: number,
  opts: { message: string; replacementVersion?: number | null },
): Promise<Connector> {
  const actor = requireWriter(ctx);
  const message = opts.message.trim();
  if (!message || message.length > LIMITS.noteChars) throw new InvalidInputError(`Give a deprecation message of 1 to ${LIMITS.noteChars} characters.`, 'input.message');
  await sharedVersionOf(ctx, id, number, actor.workspaceId);
  if (opts.replacementVersion != null) await sharedVersionOf(ctx, id, opts.replacementVersion, actor.workspaceId, 'input.replacementVersion');
  await ctx.prisma.$transaction(async (tx) => {
    const where = { connectorId_number: { connectorId: id, number } };
    const select = { deprecatedAt: true, deprecationMessage: true, replacementVersion: true } as const;
    const before = await tx.connectorVersion.findUniqueOrThrow({ where, select });
    const after = await tx.connectorVersion.update({ where, select, data: { deprecatedAt: new Date(), deprecationMessage: message, replacementVersion: opts.replacementVersion ?? null } });
    await audit(tx, ctx, { action: 'VERSION_DEPRECATE', workspaceId: actor.workspaceId, target: { type: 'Connector', id }, before: { version: number, ...before }, after: { version: number, ...after } });
  });
  libraryChanged(ctx);
  return ctx.prisma.connector.findUniqueOrThrow({ where: { id } });
}

/** Yanks a shared version (or takes the yank back): new installs never get a yanked version; existing copies keep working. */
export async function yankVersion(ctx: DomainContext, id: number, number: number, yanked = true): Promise<Connector> {
  const actor = requireWriter(ctx);
  await sharedVersionOf(ctx, id, number, actor.workspaceId);
  await ctx.prisma.$transaction(async (tx) => {
    const where = { connectorId_number: { connectorId: id, number } };
    const before = await tx.connectorVersion.findUniqueOrThrow({ where, select: { yankedAt: true } });
    await tx.connectorVersion.update({ where, data: { yankedAt: yanked ? new Date() : null } });
    await audit(tx, ctx, {
      action: yanked ? 'VERSION_YANK' : 'VERSION_UNYANK',
      workspaceId: actor.workspaceId,
      target: { type: 'Connector', id },
      before: { version: number, yanked: before.yankedAt != null },
      after: { version: number, yanked },
    });
  });
  libraryChanged(ctx);
  return ctx.prisma.connector.findUniqueOrThrow({ where: { id } });
}

async function sharedVersionOf(ctx: DomainContext, id: number, number: number, workspaceId: number, field = 'input.version') {
  const v = await ctx.prisma.connectorVersion.findFirst({ where: { connectorId: id, number, connector: { workspaceId } }, select: { sharedAt: true } });
  if (!v) throw new NotFoundError(`No version ${number} of that connector in this workspace.`, field);
  if (!v.sharedAt) throw new PreconditionError('NOTHING_SHARED', `Version ${number} was never shared; only shared versions are deprecated or yanked.`);
}

/** Reads spread the caller's Prisma selection (GraphQL) and always stay inside the workspace. */
export async function findConnector<Q extends Omit<Prisma.ConnectorFindFirstArgs, 'where'>>(ctx: DomainContext, id: number, query?: Q) {
  const actor = requireActor(ctx);
  return ctx.prisma.connector.findFirst({ ...query, where: { id, workspaceId: actor.workspaceId } });
}

/**
 * The workspace's connectors whose title contains `title` literally: in any case (the console's
 * and GraphQL's search, ILIKE), or exactly as typed with `caseSensitive` (the REST API's search,
 * as the spec documents it).
 */
export function connectorSearchWhere(ctx: DomainContext, title?: string | null, opts: { caseSensitive?: boolean } = {}): Prisma.ConnectorWhereInput {
  const actor = requireActor(ctx);
  if (title != null && title.length > LIMITS.searchChars) {
    throw new InvalidInputError(`search is longer than ${LIMITS.searchChars} characters.`, 'search');
  }
  return { workspaceId: actor.workspaceId, ...(title ? { title: containsText(title, { anyCase: !opts.caseSensitive }) } : {}) };
}

/** Ids of the workspace's connectors whose title contains `title` as typed (case-sensitive, the spec's REST search), newest first. */
export async function searchConnectorIds(ctx: DomainContext, title: string, page: { skip: number; take: number }): Promise<number[]> {
  const rows = await ctx.prisma.connector.findMany({
    where: connectorSearchWhere(ctx, title, { caseSensitive: true }),
    orderBy: { id: 'desc' },
    select: { id: true },
    ...page,
  });
  return rows.map((r) => r.id);
}

/** The latest version's code, for roles that may read source (FORBIDDEN otherwise). */
export async function findCode(ctx: DomainContext, id: number): Promise<string> {
  const actor = requireActor(ctx);
  requireSourceViewer(actor);
  const version = await ctx.prisma.connectorVersion.findFirst({
    where: { connector: { id, workspaceId: actor.workspaceId } },
    orderBy: { number: 'desc' },
    select: { code: true },
  });
  if (!version) throw new NotFoundError('No connector with that id in this workspace.', 'id');
  return version.code;
}
