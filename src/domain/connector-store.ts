import { randomBytes } from 'node:crypto';
import type { CodeAnalysis, StoredAnalysis } from '../code/analyze.js';
import { withHeldValues } from '../db/large-values.js';
import type { Connector, InstallSource, Prisma } from '../generated/prisma/client.js';
import type { Sql } from '../db/sql.js';
import { NotFoundError, VersionConflictError } from './errors.js';
import { emitEvents, type LifecycleEvent } from './events.js';

// Storage primitives of connectors and their versions, for every rule that writes them
// (connectors, history, installs, manifests, OEM, rollout): the row lock versions are numbered
// under, the one INSERT of a version, and the lifecycle events a version makes.

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
  await withHeldValues(
    tx,
    large,
    ([code, diagnosticsJson, structureJson]) => tx.$executeRaw`
    INSERT INTO connector_versions
      (connector_id, number, created_by_id, note, code, code_size, code_sha256, diagnostics, has_errors, actions, triggers, structure, released_at, released_by_id)
    VALUES
      (${v.connectorId}, ${v.number}, ${v.createdById}, ${v.note ?? null}, ${code}, ${Buffer.byteLength(v.code, 'utf8')}, ${codeSha256},
       ${diagnosticsJson}::jsonb, ${hasErrors}, ${actions}::text[], ${triggers}::text[], NULLIF(${structureJson}::jsonb, 'null'::jsonb),
       ${v.releasedAt ?? null}::timestamp(3), ${v.releasedById ?? null})`,
  );
}

/** A stored version's analysis, for a new version with the same code. */
export function storedAnalysis(v: {
  diagnostics: unknown;
  hasErrors: boolean;
  actions: string[];
  triggers: string[];
  structure: unknown;
  codeSha256: string;
}): StoredAnalysis {
  return {
    diagnostics: v.diagnostics as CodeAnalysis['diagnostics'],
    hasErrors: v.hasErrors,
    actions: v.actions,
    triggers: v.triggers,
    structureJson: JSON.stringify(v.structure ?? null),
    codeSha256: v.codeSha256,
  };
}

/** What a copy (an install, an OEM copy) takes of the parent's version. */
export const VERSION_COPY = {
  code: true,
  note: true,
  codeSha256: true,
  diagnostics: true,
  hasErrors: true,
  actions: true,
  triggers: true,
  structure: true,
} as const;
export type CopiedVersion = Prisma.ConnectorVersionGetPayload<{ select: typeof VERSION_COPY }>;

/**
 * A new connector of `copy.workspaceId` copied from version `parentVersion` of `parent` (its code
 * already checked against its digest): the row and version 1 (released at once with
 * `copy.released`), the install that tracks it, and the parent's install count and INSTALL event.
 * The caller audits it and records its lifecycle events.
 */
export async function insertCopy(
  tx: Tx,
  parent: Pick<Connector, 'id' | 'title' | 'logo' | 'description'>,
  parentVersion: number,
  version: CopiedVersion,
  copy: { workspaceId: number; source: InstallSource; memberId: number | null; released: boolean },
): Promise<Connector> {
  const { workspaceId, memberId } = copy;
  const row = await tx.connector.create({
    data: {
      workspaceId,
      name: connectorName(parent.title, workspaceId),
      title: parent.title,
      logo: parent.logo,
      description: parent.description,
      latestVersion: 1,
      ...(copy.released ? { releasedVersion: 1 } : {}),
    },
  });
  await insertVersion(tx, {
    connectorId: row.id,
    number: 1,
    createdById: memberId,
    code: version.code,
    note: version.note,
    analysis: storedAnalysis(version),
    ...(copy.released ? { releasedAt: new Date(), releasedById: memberId } : {}),
  });
  await tx.install.create({
    data: {
      parentId: parent.id,
      connectorId: row.id,
      workspaceId,
      source: copy.source,
      installedVersion: parentVersion,
      baseVersion: parentVersion,
      baseSha256: version.codeSha256,
      installedById: memberId,
    },
  });
  await tx.connector.update({
    where: { id: parent.id },
    data: { installCount: { increment: 1 } },
  });
  await tx.versionEvent.create({
    data: { connectorId: parent.id, version: parentVersion, kind: 'INSTALL', workspaceId },
  });
  return row;
}

/** Locks the connector row for the rest of the transaction; versions are numbered under it. */
export async function lockConnector(
  tx: Tx,
  id: number,
  workspaceId: number,
  opts: { snapshot?: boolean } = {},
) {
  type Row = {
    latest_version: number;
    released_version: number | null;
    shared_version: number | null;
    rollout_version: number | null;
    rollout_percent: number | null;
    require_passing_tests: boolean;
  };
  type Snapshot = { title: string; description: string | null; logo: string | null };
  // With `snapshot`, the audited fields come with the lock (one statement instead of two).
  const rows = opts.snapshot
    ? await tx.$queryRaw<(Row & Snapshot)[]>`
        SELECT latest_version, released_version, shared_version, rollout_version, rollout_percent, require_passing_tests, title, description, logo FROM connectors
        WHERE id = ${id} AND workspace_id = ${workspaceId} FOR UPDATE`
    : await tx.$queryRaw<Row[]>`
        SELECT latest_version, released_version, shared_version, rollout_version, rollout_percent, require_passing_tests FROM connectors
        WHERE id = ${id} AND workspace_id = ${workspaceId} FOR UPDATE`;
  if (rows.length === 0)
    throw new NotFoundError(`No connector with that id in this workspace.`, 'input.id');
  const [row] = rows as (Row & Partial<Snapshot>)[];
  const snapshot: Snapshot | undefined = opts.snapshot
    ? { title: row.title!, description: row.description ?? null, logo: row.logo ?? null }
    : undefined;
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
    /** Release and share need every test case to have passed against the version. */
    requirePassingTests: row.require_passing_tests,
    /** Lifecycle events of this transaction, recorded for webhooks; publish them after the commit. */
    events: [] as LifecycleEvent[],
  };
}

/** Records a lifecycle event of a locked connector for webhooks; it publishes after the commit. */
export async function recordEvent(tx: Tx, locked: Locked, event: LifecycleEvent) {
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

/**
 * The next version with the latest one's code and a new note, on top of a locked connector, when
 * the note differs from the latest's (nothing otherwise): the code, its analysis and digest are
 * copied inside the database, in the statement that reads the latest version, instead of coming
 * to this process (up to 10 MB of code and its structure, mapped by Prisma) and going back in a
 * second statement. Applies `connectorData` with the new number, as appendVersionReturning does.
 * Answers the latest version's note and digest, and the connector row when a version was made.
 */
export async function appendNoteVersion(
  tx: Tx,
  id: number,
  locked: Locked,
  version: { note: string | null; memberId: number | null },
  connectorData: Prisma.ConnectorUpdateInput = {},
): Promise<{ previous: { note: string | null; codeSha256: string }; connector?: Connector }> {
  const number = locked.latestVersion + 1;
  const rows = await tx.$queryRawUnsafe<NoteVersionRow[]>(
    NOTE_VERSION_SQL,
    id,
    locked.latestVersion,
    number,
    version.memberId,
    version.note,
  );
  if (rows.length === 0)
    throw new Error(`Connector ${id} has no version ${locked.latestVersion}, its latest.`);
  const [row] = rows;
  const previous = { note: row.note, codeSha256: row.code_sha256 };
  if (!row.made) return { previous };
  return { previous, connector: await advanceLatest(tx, id, locked, number, connectorData) };
}

/**
 * The statement of appendNoteVersion and appendNoteVersionOn. Parameters: $1 the connector, $2 its
 * latest version, $3 the new version's number, $4 its author (a member id or null), $5 its note.
 */
const NOTE_VERSION_SQL = `
    WITH prev AS (
      SELECT connector_id, note, code, code_size, code_sha256, diagnostics, has_errors, actions, triggers, structure
      FROM connector_versions WHERE connector_id = $1 AND number = $2
    ), made AS (
      INSERT INTO connector_versions
        (connector_id, number, created_by_id, note, code, code_size, code_sha256, diagnostics, has_errors, actions, triggers, structure, released_at, released_by_id)
      SELECT connector_id, $3, $4::int, $5::text, code, code_size, code_sha256, diagnostics, has_errors, actions, triggers, structure, NULL, NULL
      FROM prev WHERE prev.note IS DISTINCT FROM $5::text
      RETURNING number
    )
    SELECT prev.note, prev.code_sha256, EXISTS (SELECT 1 FROM made) AS made FROM prev`;
type NoteVersionRow = { note: string | null; code_sha256: string; made: boolean };

/** Makes `number` the locked connector's latest version (with `connectorData`); records `version.created`. */
async function advanceLatest(
  tx: Tx,
  id: number,
  locked: Locked,
  number: number,
  connectorData: Prisma.ConnectorUpdateInput,
): Promise<Connector> {
  const connector = await tx.connector.update({
    where: { id },
    data: { ...connectorData, latestVersion: number },
  });
  locked.latestVersion = number;
  await recordEvent(tx, locked, {
    workspaceId: locked.workspaceId,
    type: 'version.created',
    data: { connectorId: id, version: number },
  });
  return connector;
}

/**
 * Every column of a connector row, named as Prisma names them, its timestamps read as UTC (the
 * driver would read a `timestamp` column in the process's time zone; Prisma reads UTC).
 * test/graphql/note-versions.test.ts checks it against Prisma's own row.
 */
export const CONNECTOR_ROW = `id, workspace_id AS "workspaceId", name, title, logo, logo_sha256 AS "logoSha256",
  description, latest_version AS "latestVersion", released_version AS "releasedVersion",
  shared_version AS "sharedVersion", latest_version_note AS "latestVersionNote",
  released_version_note AS "releasedVersionNote", shared_version_note AS "sharedVersionNote",
  oem_shared_version AS "oemSharedVersion", oem_shared_at AT TIME ZONE 'UTC' AS "oemSharedAt",
  import_source AS "importSource", install_count AS "installCount", rollout_version AS "rolloutVersion",
  rollout_percent AS "rolloutPercent", require_passing_tests AS "requirePassingTests",
  created_at AT TIME ZONE 'UTC' AS "createdAt", updated_at AT TIME ZONE 'UTC' AS "updatedAt"`;

/**
 * appendNoteVersion's statements on the raw driver, in a transaction of its own: the lock, the
 * copy of the latest version under its new note, the connector's new number (or, when the note
 * is the latest's, the row as it is). Returns what updateConnector's audit entry and events need.
 */
export async function appendNoteVersionOn(
  q: Sql,
  id: number,
  workspaceId: number,
  version: { note: string | null; memberId: number | null; expectedLatestVersion?: number | null },
): Promise<{
  locked: {
    latestVersion: number;
    title: string;
    description: string | null;
    logo: string | null;
    requirePassingTests: boolean;
  };
  previous: { note: string | null; codeSha256: string };
  connector: Connector;
  made: number | null;
}> {
  const [l] = await q.query<{
    latest_version: number;
    title: string;
    description: string | null;
    logo: string | null;
    require_passing_tests: boolean;
  }>(
    `SELECT latest_version, title, description, logo, require_passing_tests FROM connectors
     WHERE id = $1 AND workspace_id = $2 FOR UPDATE`,
    [id, workspaceId],
  );
  if (!l) throw new NotFoundError(`No connector with that id in this workspace.`, 'input.id');
  const locked = {
    latestVersion: l.latest_version,
    title: l.title,
    description: l.description,
    logo: l.logo,
    requirePassingTests: l.require_passing_tests,
  };
  const expected = version.expectedLatestVersion;
  if (expected != null && expected !== locked.latestVersion)
    throw new VersionConflictError(expected, locked.latestVersion);
  const number = locked.latestVersion + 1;
  const [row] = await q.query<NoteVersionRow>(NOTE_VERSION_SQL, [
    id,
    locked.latestVersion,
    number,
    version.memberId,
    version.note,
  ]);
  if (!row) throw new Error(`Connector ${id} has no version ${locked.latestVersion}, its latest.`);
  const previous = { note: row.note, codeSha256: row.code_sha256 };
  // Prisma's @updatedAt: the time of the update, set by the client.
  const [connector] = row.made
    ? await q.query<Connector>(
        `UPDATE connectors SET latest_version = $1, updated_at = $2::timestamptz AT TIME ZONE 'UTC'
         WHERE id = $3 RETURNING ${CONNECTOR_ROW}`,
        [number, new Date().toISOString(), id],
      )
    : await q.query<Connector>(`SELECT ${CONNECTOR_ROW} FROM connectors WHERE id = $1`, [id]);
  return { locked, previous, connector, made: row.made ? number : null };
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
  await insertVersion(tx, {
    connectorId: id,
    number,
    createdById: version.memberId,
    code: version.code,
    note: version.note,
    analysis: version.analysis,
  });
  return { number, connector: await advanceLatest(tx, id, locked, number, connectorData) };
}
