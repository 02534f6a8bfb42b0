import { analyzeCode } from '../code/analyze-pool.js';
import type { Connector, Prisma } from '../generated/prisma/client.js';
import { requireSourceViewer } from './access.js';
import { auditOn, changed, connectorSnapshot } from './audit.js';
import { writeCommand } from './command.js';
import {
  appendNoteVersion,
  appendNoteVersionOn,
  appendVersionReturning,
  connectorName,
  insertVersion,
  recordEvent,
  storedAnalysis,
  type Locked,
  type StoredAnalysis,
  type Tx,
} from './connector-store.js';
import { requireActor, type Actor, type DomainContext } from './context.js';
import { emitEventsOn, publishEvents, type LifecycleEvent } from './events.js';
import { requirePassingTests } from './test-results.js';
import {
  InvalidInputError,
  NotFoundError,
  PreconditionError,
  VersionConflictError,
} from './errors.js';
import { checkConnectorFields, type ConnectorFields } from './input.js';
import { LIMITS } from './limits.js';
import { containsText } from './search.js';

// A workspace's own connectors: create, update (new versions), release, read and search. Sharing
// with other workspaces (share, rollout, deprecate, yank) is in rollout.ts; the storage
// primitives every writer uses (lock, version INSERT) in connector-store.ts.

export interface CreateConnectorInput extends ConnectorFields {
  title: string;
  code: string;
}

export async function createConnector(
  ctx: DomainContext,
  input: CreateConnectorInput,
): Promise<Connector> {
  const cmd = writeCommand(ctx);
  const { actor } = cmd;
  if (input.title == null) throw new InvalidInputError('title is required.', 'input.title');
  if (input.code == null) throw new InvalidInputError('code is required.', 'input.code');
  const fields = await checkConnectorFields(input);
  const analysis = await analyzeCode(fields.code!);
  return cmd.run(async ({ tx, audit, emit }) => {
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
    await insertVersion(tx, {
      connectorId: created.id,
      number: 1,
      createdById: actor.memberId,
      code: fields.code!,
      note: fields.note,
      analysis,
    });
    await emit({
      workspaceId: actor.workspaceId,
      type: 'version.created',
      data: { connectorId: created.id, version: 1 },
    });
    await audit({
      action: 'CONNECTOR_CREATE',
      target: { type: 'Connector', id: created.id },
      after: {
        ...connectorSnapshot(created),
        latestVersion: 1,
        note: fields.note ?? null,
        codeSha256: analysis.codeSha256,
      },
    });
    return created;
  });
}

export interface UpdateConnectorInput extends ConnectorFields {
  expectedLatestVersion?: number | null;
  /** Release and share refuse with TESTS_FAILING unless every test case passed (src/domain/tests.ts). */
  requirePassingTests?: boolean | null;
}

/**
 * Changes metadata and/or makes the next version. Metadata (title, logo, description) changes
 * apply to the connector; a code or note that differs from the latest version's makes the next
 * version, numbered under the row lock so concurrent updates get contiguous numbers. Answers the row as this transaction left it and
 * the number of the version it made (null when code and note were those of the latest version):
 * read afterwards, the connector may already show someone else's later version.
 */
export async function updateConnector(
  ctx: DomainContext,
  id: number,
  input: UpdateConnectorInput,
): Promise<{ connector: Connector; version: number | null }> {
  const cmd = writeCommand(ctx);
  const { actor } = cmd;
  const fields = await checkConnectorFields(input);
  // Parsing 10 MB takes a while: do it before taking the lock.
  const analysis = fields.code !== undefined ? await analyzeCode(fields.code!) : null;
  if (
    ctx.driver &&
    fields.code === undefined &&
    fields.note !== undefined &&
    fields.title === undefined &&
    fields.logo === undefined &&
    fields.description === undefined &&
    input.requirePassingTests == null
  )
    return updateNoteOnDriver(ctx, ctx.driver, actor, id, fields.note ?? null, input);
  return cmd.run(async ({ tx, lock, audit, libraryChanged }) => {
    const locked = await lock(id, { snapshot: true });
    const expected = input.expectedLatestVersion;
    if (expected != null && expected !== locked.latestVersion)
      throw new VersionConflictError(expected, locked.latestVersion);

    const prior = { ...locked.snapshot!, requirePassingTests: locked.requirePassingTests };
    let before: Record<string, unknown> = {
      ...connectorSnapshot(prior),
      latestVersion: locked.latestVersion,
    };
    let after: Record<string, unknown> = { ...before };
    const meta: Prisma.ConnectorUpdateInput = {};
    if (fields.title !== undefined) meta.title = fields.title!;
    if (fields.logo !== undefined) meta.logo = fields.logo;
    if (fields.description !== undefined) meta.description = fields.description;
    if (input.requirePassingTests != null) meta.requirePassingTests = input.requirePassingTests;

    let row: Connector | undefined;
    let made: number | null = null;
    if (fields.code === undefined && fields.note !== undefined) {
      // A new note on the same code: the version is copied inside the database.
      const note = fields.note ?? null;
      const copied = await appendNoteVersion(
        tx,
        id,
        locked,
        { note, memberId: actor.memberId },
        meta,
      );
      if (copied.connector) {
        before = { ...before, note: copied.previous.note, codeSha256: copied.previous.codeSha256 };
        row = copied.connector;
        after = {
          ...after,
          latestVersion: locked.latestVersion,
          note,
          codeSha256: copied.previous.codeSha256,
        };
        made = locked.latestVersion;
      }
    } else if (fields.code !== undefined || fields.note !== undefined) {
      const latest = await tx.connectorVersion.findUniqueOrThrow({
        where: { connectorId_number: { connectorId: id, number: locked.latestVersion } },
        select: {
          code: true,
          note: true,
          diagnostics: true,
          hasErrors: true,
          actions: true,
          triggers: true,
          structure: true,
          codeSha256: true,
        },
      });
      const code = fields.code ?? latest.code;
      const note = fields.note !== undefined ? fields.note : latest.note;
      if (code !== latest.code || note !== latest.note) {
        const analysed: StoredAnalysis = analysis ?? storedAnalysis(latest);
        before = { ...before, note: latest.note, codeSha256: latest.codeSha256 };
        // The metadata changes ride on the version's own update of the connector row.
        row = (
          await appendVersionReturning(
            tx,
            id,
            locked,
            { code, note, analysis: analysed, memberId: actor.memberId },
            meta,
          )
        ).connector;
        after = {
          ...after,
          latestVersion: locked.latestVersion,
          note,
          codeSha256: analysed.codeSha256,
        };
        made = locked.latestVersion;
      }
    }
    row ??= await tx.connector.update({ where: { id }, data: meta });
    const diff = changed(before, { ...after, ...connectorSnapshot(row) });
    if (diff)
      await audit({ action: 'CONNECTOR_UPDATE', target: { type: 'Connector', id }, ...diff });
    // Title, logo and description show in the library once shared.
    if (
      row.sharedVersion != null &&
      (fields.title !== undefined || fields.logo !== undefined || fields.description !== undefined)
    )
      libraryChanged();
    return { connector: row, version: made };
  });
}

/**
 * updateConnector when only the note changes (what a CLI's `push --note` and the benchmark's write
 * send), on PostgreSQL's raw driver instead of Prisma: the same statements (lock, the copied
 * version, the connector's new number, webhook deliveries, audit entry) in one transaction of the
 * pool, with the same outcome, row for row (test/graphql/note-versions.test.ts compares them with
 * the Prisma path's). Prisma's interactive transaction, query compiler and result mapping were
 * ~60% of such a write's CPU (docs/performance.md).
 */
async function updateNoteOnDriver(
  ctx: DomainContext,
  driver: NonNullable<DomainContext['driver']>,
  actor: Actor,
  id: number,
  note: string | null,
  input: UpdateConnectorInput,
): Promise<{ connector: Connector; version: number | null }> {
  const events: LifecycleEvent[] = [];
  const result = await driver.transaction(async (q) => {
    const r = await appendNoteVersionOn(q, id, actor.workspaceId, {
      note,
      memberId: actor.memberId,
      expectedLatestVersion: input.expectedLatestVersion,
    });
    let before: Record<string, unknown> = {
      ...connectorSnapshot(r.locked),
      latestVersion: r.locked.latestVersion,
    };
    let after: Record<string, unknown> = { ...before };
    if (r.made != null) {
      before = { ...before, note: r.previous.note, codeSha256: r.previous.codeSha256 };
      after = { ...after, latestVersion: r.made, note, codeSha256: r.previous.codeSha256 };
      const event: LifecycleEvent = {
        workspaceId: actor.workspaceId,
        type: 'version.created',
        data: { connectorId: id, version: r.made },
      };
      events.push(event);
      await emitEventsOn(q, [event]);
    }
    const diff = changed(before, { ...after, ...connectorSnapshot(r.connector) });
    if (diff)
      await auditOn(q, ctx, {
        action: 'CONNECTOR_UPDATE',
        workspaceId: actor.workspaceId,
        target: { type: 'Connector', id },
        ...diff,
      });
    return { connector: r.connector, version: r.made };
  });
  // After the commit, as every command publishes.
  publishEvents(ctx, events);
  return result;
}

/** Releases the latest version: the one the workspace's recipes use from now on. */
export async function releaseConnector(ctx: DomainContext, id: number): Promise<Connector> {
  const cmd = writeCommand(ctx);
  return cmd.run(async ({ tx, lock, audit }) => {
    const locked = await lock(id);
    const before = { releasedVersion: locked.releasedVersion };
    await releaseLocked(tx, id, locked, cmd.actor.memberId);
    await audit({
      action: 'VERSION_RELEASE',
      target: { type: 'Connector', id },
      before,
      after: await releasedState(tx, id, locked),
    });
    return tx.connector.findUniqueOrThrow({ where: { id } });
  });
}

/** The release rule, for any transaction that holds the connector's lock (restore, import…). */
export async function releaseLocked(
  tx: Tx,
  id: number,
  locked: Locked,
  memberId: number | null,
): Promise<void> {
  if (locked.releasedVersion === locked.latestVersion) {
    throw new PreconditionError(
      'ALREADY_RELEASED',
      'The latest version of the connector is already released.',
    );
  }
  const latest = await tx.connectorVersion.findUniqueOrThrow({
    where: { connectorId_number: { connectorId: id, number: locked.latestVersion } },
    select: { id: true, hasErrors: true, diagnostics: true },
  });
  if (latest.hasErrors) {
    const first = (latest.diagnostics as { severity: string; message: string }[]).find(
      (d) => d.severity === 'error',
    );
    throw new PreconditionError(
      'CODE_HAS_ERRORS',
      `Fix code errors before releasing the connector${first ? `: ${first.message}` : '.'}`,
      first?.message ?? null,
    );
  }
  await requirePassingTests(tx, locked, locked.latestVersion);
  await tx.connectorVersion.update({
    where: { id: latest.id },
    data: { releasedAt: new Date(), releasedById: memberId },
  });
  await tx.connector.update({ where: { id }, data: { releasedVersion: locked.latestVersion } });
  locked.releasedVersion = locked.latestVersion;
  await recordEvent(tx, locked, {
    workspaceId: locked.workspaceId,
    type: 'version.released',
    data: { connectorId: id, version: locked.latestVersion },
  });
}

/** The released version and its code digest, for audit entries. */
export async function releasedState(tx: Tx, id: number, locked: Locked) {
  const v =
    locked.releasedVersion == null
      ? null
      : await tx.connectorVersion.findUnique({
          where: { connectorId_number: { connectorId: id, number: locked.releasedVersion } },
          select: { codeSha256: true },
        });
  return { releasedVersion: locked.releasedVersion, codeSha256: v?.codeSha256 ?? null };
}

/** Reads spread the caller's Prisma selection (GraphQL) and always stay inside the workspace. */
export async function findConnector<Q extends Omit<Prisma.ConnectorFindFirstArgs, 'where'>>(
  ctx: DomainContext,
  id: number,
  query?: Q,
) {
  const actor = requireActor(ctx);
  return ctx.prisma.connector.findFirst({
    ...query,
    where: { id, workspaceId: actor.workspaceId },
  });
}

/**
 * The workspace's connectors whose title contains `title` literally: in any case (the console's
 * and GraphQL's search, ILIKE), or exactly as typed with `caseSensitive` (the REST API's search,
 * as the spec documents it).
 */
export function connectorSearchWhere(
  ctx: DomainContext,
  title?: string | null,
  opts: { caseSensitive?: boolean } = {},
): Prisma.ConnectorWhereInput {
  const actor = requireActor(ctx);
  if (title != null && title.length > LIMITS.searchChars) {
    throw new InvalidInputError(
      `search is longer than ${LIMITS.searchChars} characters.`,
      'search',
    );
  }
  return {
    workspaceId: actor.workspaceId,
    ...(title ? { title: containsText(title, { anyCase: !opts.caseSensitive }) } : {}),
  };
}

/** Ids of the workspace's connectors whose title contains `title` as typed (case-sensitive, the spec's REST search), newest first. */
export async function searchConnectorIds(
  ctx: DomainContext,
  title: string,
  page: { skip: number; take: number },
): Promise<number[]> {
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
