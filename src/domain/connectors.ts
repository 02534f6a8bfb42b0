import { randomBytes } from 'node:crypto';
import { analyzeConnectorCode, type CodeAnalysis } from '../code/analyze.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { Connector } from '../generated/prisma/client.js';
import { requireActor, requireWriter, type DomainContext } from './context.js';
import { InvalidInputError, NotFoundError, PreconditionError, VersionConflictError } from './errors.js';
import { checkConnectorFields, type ConnectorFields } from './input.js';
import { libraryChanged } from './community.js';
import { notifyInstallers, publishNotifications } from './notifications.js';
import { LIMITS } from './limits.js';

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

export function versionData(code: string, note: string | null | undefined, analysis: CodeAnalysis) {
  return {
    code,
    note: note ?? null,
    codeSize: Buffer.byteLength(code, 'utf8'),
    diagnostics: analysis.diagnostics as unknown as Prisma.InputJsonValue,
    hasErrors: analysis.hasErrors,
    actions: analysis.actions,
    triggers: analysis.triggers,
  };
}

/** Locks the connector row for the rest of the transaction; versions are numbered under it. */
export async function lockConnector(tx: Tx, id: number, workspaceId: number) {
  const rows = await tx.$queryRaw<{ latest_version: number; released_version: number | null; shared_version: number | null }[]>`
    SELECT latest_version, released_version, shared_version FROM connectors
    WHERE id = ${id} AND workspace_id = ${workspaceId} FOR UPDATE`;
  if (rows.length === 0) throw new NotFoundError(`No connector with that id in this workspace.`, 'input.id');
  const [row] = rows;
  return { latestVersion: row.latest_version, releasedVersion: row.released_version, sharedVersion: row.shared_version };
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
  const analysis = await analyzeConnectorCode(fields.code!);
  return ctx.prisma.connector.create({
    data: {
      workspaceId: actor.workspaceId,
      name: connectorName(fields.title!, actor.workspaceId),
      title: fields.title!,
      logo: fields.logo ?? null,
      description: fields.description ?? null,
      latestVersion: 1,
      versions: { create: { number: 1, createdById: actor.memberId, ...versionData(fields.code!, fields.note, analysis) } },
    },
  });
}

export interface UpdateConnectorInput extends ConnectorFields {
  expectedLatestVersion?: number | null;
}

/**
 * Metadata (title, logo, description) changes apply to the connector; a code or note that
 * differs from the latest version's makes the next version, numbered under the row lock so
 * concurrent updates get contiguous numbers.
 */
export async function updateConnector(ctx: DomainContext, id: number, input: UpdateConnectorInput): Promise<Connector> {
  const actor = requireWriter(ctx);
  const fields = await checkConnectorFields(input);
  // Parsing 10 MB takes a while: do it before taking the lock.
  const analysis = fields.code !== undefined ? await analyzeConnectorCode(fields.code!) : null;
  const updated = await ctx.prisma.$transaction(async (tx) => {
    const locked = await lockConnector(tx, id, actor.workspaceId);
    const expected = input.expectedLatestVersion;
    if (expected != null && expected !== locked.latestVersion) throw new VersionConflictError(expected, locked.latestVersion);

    const meta: Prisma.ConnectorUpdateInput = {};
    if (fields.title !== undefined) meta.title = fields.title!;
    if (fields.logo !== undefined) meta.logo = fields.logo;
    if (fields.description !== undefined) meta.description = fields.description;

    if (fields.code !== undefined || fields.note !== undefined) {
      const latest = await tx.connectorVersion.findUniqueOrThrow({
        where: { connectorId_number: { connectorId: id, number: locked.latestVersion } },
        select: { code: true, note: true, diagnostics: true, hasErrors: true, actions: true, triggers: true },
      });
      const code = fields.code ?? latest.code;
      const note = fields.note !== undefined ? fields.note : latest.note;
      if (code !== latest.code || note !== latest.note) {
        const analysed: CodeAnalysis = analysis ?? {
          diagnostics: latest.diagnostics as unknown as CodeAnalysis['diagnostics'],
          hasErrors: latest.hasErrors,
          actions: latest.actions,
          triggers: latest.triggers,
          title: null,
          definitions: { actions: {}, triggers: {} },
        };
        await appendVersion(tx, id, locked, { code, note, analysis: analysed, memberId: actor.memberId });
      }
    }
    return tx.connector.update({ where: { id }, data: meta });
  });
  // Title, logo and description show in the library once shared.
  if (updated.sharedVersion != null && (fields.title !== undefined || fields.logo !== undefined || fields.description !== undefined)) {
    libraryChanged(ctx);
  }
  return updated;
}

/** Releases the latest version: the one the workspace's recipes use from now on. */
export async function releaseConnector(ctx: DomainContext, id: number): Promise<Connector> {
  const actor = requireWriter(ctx);
  return ctx.prisma.$transaction(async (tx) => {
    const locked = await lockConnector(tx, id, actor.workspaceId);
    await releaseLocked(tx, id, locked, actor.memberId);
    return tx.connector.update({ where: { id }, data: { releasedVersion: locked.latestVersion } });
  });
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
}

/** Adds the next version on top of a locked connector; returns its number. */
export async function appendVersion(
  tx: Tx,
  id: number,
  locked: Locked,
  version: { code: string; note: string | null; analysis: CodeAnalysis; memberId: number | null },
): Promise<number> {
  const number = locked.latestVersion + 1;
  await tx.connectorVersion.create({
    data: { connectorId: id, number, createdById: version.memberId, ...versionData(version.code, version.note, version.analysis) },
  });
  await tx.connector.update({ where: { id }, data: { latestVersion: number } });
  locked.latestVersion = number;
  return number;
}

/** Shares the latest released version: what other workspaces get when they install. */
export async function shareConnector(ctx: DomainContext, id: number): Promise<Connector> {
  const actor = requireWriter(ctx);
  const { connector, notified } = await ctx.prisma.$transaction(async (tx) => {
    const locked = await lockConnector(tx, id, actor.workspaceId);
    if (locked.releasedVersion == null) {
      throw new PreconditionError('NOTHING_RELEASED', 'There is no released version to share; release the latest version first.');
    }
    if (locked.sharedVersion === locked.releasedVersion) {
      throw new PreconditionError('ALREADY_SHARED', 'The latest released version of the connector is already shared.');
    }
    await tx.connectorVersion.update({
      where: { connectorId_number: { connectorId: id, number: locked.releasedVersion } },
      data: { sharedAt: new Date() },
    });
    const notified = await notifyInstallers(tx, id, locked.releasedVersion);
    const connector = await tx.connector.update({ where: { id }, data: { sharedVersion: locked.releasedVersion } });
    return { connector, notified };
  });
  // After the commit: subscribers load what the database now holds.
  publishNotifications(ctx, notified);
  libraryChanged(ctx);
  return connector;
}

/** Reads spread the caller's Prisma selection (GraphQL) and always stay inside the workspace. */
export async function findConnector<Q extends Omit<Prisma.ConnectorFindFirstArgs, 'where'>>(ctx: DomainContext, id: number, query?: Q) {
  const actor = requireActor(ctx);
  return ctx.prisma.connector.findFirst({ ...query, where: { id, workspaceId: actor.workspaceId } });
}

export function connectorSearchWhere(ctx: DomainContext, title?: string | null): Prisma.ConnectorWhereInput {
  const actor = requireActor(ctx);
  if (title != null && title.length > LIMITS.searchChars) {
    throw new InvalidInputError(`search is longer than ${LIMITS.searchChars} characters.`, 'search');
  }
  // Case-sensitive partial match on the title, as the spec's search does.
  return { workspaceId: actor.workspaceId, ...(title ? { title: { contains: title } } : {}) };
}

/** Ids of the workspace's connectors whose title contains `title`, newest first. */
export async function searchConnectorIds(ctx: DomainContext, title: string, page: { skip: number; take: number }): Promise<number[]> {
  const rows = await ctx.prisma.connector.findMany({
    where: connectorSearchWhere(ctx, title),
    orderBy: { id: 'desc' },
    select: { id: true },
    ...page,
  });
  return rows.map((r) => r.id);
}

export async function findCode(ctx: DomainContext, id: number): Promise<string> {
  const actor = requireActor(ctx);
  const version = await ctx.prisma.connectorVersion.findFirst({
    where: { connector: { id, workspaceId: actor.workspaceId } },
    orderBy: { number: 'desc' },
    select: { code: true },
  });
  if (!version) throw new NotFoundError('No connector with that id in this workspace.', 'id');
  return version.code;
}
