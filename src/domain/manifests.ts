import { z } from 'zod';
import type { StoredAnalysis } from '../code/analyze.js';
import { analyzeCode } from '../code/analyze-pool.js';
import { requireSourceViewer } from './access.js';
import { writeCommand } from './command.js';
import { appendVersion, connectorName, insertVersion } from './connector-store.js';
import { releaseLocked } from './connectors.js';
import { requireActor, type DomainContext } from './context.js';
import { InvalidInputError, NotFoundError, PreconditionError } from './errors.js';
import { verifyDigest } from './digest.js';
import { checkConnectorFields } from './input.js';

/** Manifests name their format so that a future version can still read old files. */
export const MANIFEST_KIND = 'connector-registry.manifest';
export const MANIFEST_SCHEMA_VERSION = 1;
export const MAX_MANIFEST_CONNECTORS = 500;

const ManifestConnector = z.object({
  /** The source connector's machine name: what a later import recognises a copy by. */
  name: z.string().min(1).max(300),
  title: z.string(),
  description: z.string().nullable().optional(),
  logo: z.string().nullable().optional(),
  version: z.number().int().min(1),
  versionNote: z.string().nullable().optional(),
  code: z.string(),
  /** SHA-256 (hex) of the code's UTF-8 bytes: an import refuses code that does not match it. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'),
});

export const ManifestSchema = z.object({
  kind: z.literal(MANIFEST_KIND),
  schemaVersion: z.literal(MANIFEST_SCHEMA_VERSION),
  exportedAt: z.string(),
  source: z.object({ workspace: z.string() }),
  connectors: z.array(ManifestConnector).max(MAX_MANIFEST_CONNECTORS),
});

export type Manifest = z.infer<typeof ManifestSchema>;

/**
 * A self-describing document with each connector's identity, metadata and latest *released*
 * version (only released code leaves the workspace).
 */
export async function exportManifest(
  ctx: DomainContext,
  connectorIds: number[],
): Promise<Manifest> {
  const actor = requireActor(ctx);
  requireSourceViewer(actor); // a manifest carries the code
  if (connectorIds.length === 0 || connectorIds.length > MAX_MANIFEST_CONNECTORS) {
    throw new InvalidInputError(`Export 1 to ${MAX_MANIFEST_CONNECTORS} connectors.`, 'ids');
  }
  const ids = [...new Set(connectorIds)];
  const connectors = await ctx.prisma.connector.findMany({
    where: { id: { in: ids }, workspaceId: actor.workspaceId },
  });
  const byId = new Map(connectors.map((c) => [c.id, c]));
  const missing = ids.find((id) => !byId.has(id));
  if (missing !== undefined)
    throw new NotFoundError(`No connector ${missing} in this workspace.`, 'ids');
  const unreleased = connectors.find((c) => c.releasedVersion == null);
  if (unreleased) {
    throw new PreconditionError(
      'NOTHING_RELEASED',
      `"${unreleased.title}" has no released version; only released code is exported.`,
    );
  }
  const versions = await ctx.prisma.connectorVersion.findMany({
    where: { OR: connectors.map((c) => ({ connectorId: c.id, number: c.releasedVersion! })) },
    select: { connectorId: true, number: true, note: true, code: true, codeSha256: true },
  });
  const workspace = await ctx.prisma.workspace.findUniqueOrThrow({
    where: { id: actor.workspaceId },
  });
  return {
    kind: MANIFEST_KIND,
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    exportedAt: new Date().toISOString(),
    source: { workspace: workspace.slug },
    connectors: ids.map((id) => {
      const c = byId.get(id)!;
      const v = versions.find((x) => x.connectorId === id)!;
      return {
        name: c.name,
        title: c.title,
        description: c.description,
        logo: c.logo,
        version: v.number,
        versionNote: v.note,
        code: v.code,
        sha256: v.codeSha256,
      };
    }),
  };
}

export interface ImportEntryResult {
  name: string;
  title: string;
  action: 'CREATE' | 'UPDATE' | 'UNCHANGED';
  /** The connector in this workspace (null in a dry run that would create it). */
  connectorId: number | null;
  /** The version the import makes (and releases); UNCHANGED: the latest version, which has that code. */
  version: number;
}

export type ImportProgress = (phase: 'check' | 'write', done: number, total: number) => void;

/** A refusal about one entry names it, so the whole import can be fixed and retried. */
function entryError(index: number, name: string, error: unknown): never {
  if (error instanceof InvalidInputError) {
    const field = error.field
      ? `manifest.connectors.${index}.${error.field.replace(/^input\./, '')}`
      : `manifest.connectors.${index}`;
    throw new InvalidInputError(`Entry ${index} (${name}): ${error.message}`, field);
  }
  throw error;
}

/**
 * Imports every connector of the manifest, or none: each entry becomes a new connector (version
 * 1) or, when this workspace imported that source before, a new latest version; either way the
 * imported version is released at once. An entry whose code is the copy's latest version already
 * adds no version (UNCHANGED; as an update with identical code adds none): its title, description
 * and logo are brought up to date, and that version released if it was not. Everything is checked before anything is written, and
 * the writes are one transaction. A dry run checks and plans but writes nothing.
 */
export async function importManifest(
  ctx: DomainContext,
  input: unknown,
  opts: { dryRun?: boolean; onProgress?: ImportProgress } = {},
): Promise<ImportEntryResult[]> {
  const cmd = writeCommand(ctx);
  const { actor } = cmd;
  const parsed = ManifestSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = ['manifest', ...issue.path].join('.');
    throw new InvalidInputError(`The manifest is malformed at ${path}: ${issue.message}`, path);
  }
  const manifest = parsed.data;
  const names = new Set<string>();
  const checked: {
    entry: Manifest['connectors'][number];
    analysis: StoredAnalysis;
    title: string;
  }[] = [];
  for (const [index, entry] of manifest.connectors.entries()) {
    if (names.has(entry.name))
      entryError(
        index,
        entry.name,
        new InvalidInputError('the same connector appears twice.', 'input.name'),
      );
    names.add(entry.name);
    try {
      try {
        verifyDigest(entry.code, entry.sha256, 'this entry');
      } catch (error) {
        // The same code as installs and updates use for code that is not what its digest says.
        throw new PreconditionError(
          'DIGEST_MISMATCH',
          `Entry ${index} (${entry.name}): ${(error as Error).message}`,
          null,
          `manifest.connectors.${index}.sha256`,
        );
      }
      const fields = await checkConnectorFields({
        title: entry.title,
        code: entry.code,
        logo: entry.logo,
        description: entry.description,
        note: entry.versionNote,
      });
      const analysis = await analyzeCode(entry.code);
      if (analysis.hasErrors) {
        const first = analysis.diagnostics.find((d) => d.severity === 'error');
        throw new InvalidInputError(
          `its code has errors and an import releases it: ${first?.message}`,
          'input.code',
        );
      }
      checked.push({ entry, analysis, title: fields.title! });
    } catch (error) {
      entryError(index, entry.name, error);
    }
    opts.onProgress?.('check', index + 1, manifest.connectors.length);
  }

  const existing = await ctx.prisma.connector.findMany({
    where: { workspaceId: actor.workspaceId, importSource: { in: [...names] } },
    select: {
      id: true,
      importSource: true,
      latestVersion: true,
      versions: {
        select: { number: true, codeSha256: true },
        orderBy: { number: 'desc' },
        take: 1,
      },
    },
  });
  const copyOf = new Map(existing.map((c) => [c.importSource!, c]));
  if (opts.dryRun) {
    return checked.map(({ entry, title }) => {
      const copy = copyOf.get(entry.name);
      if (copy && copy.versions[0]?.codeSha256 === entry.sha256)
        return {
          name: entry.name,
          title,
          action: 'UNCHANGED',
          connectorId: copy.id,
          version: copy.latestVersion,
        };
      return {
        name: entry.name,
        title,
        action: copy ? 'UPDATE' : 'CREATE',
        connectorId: copy?.id ?? null,
        version: copy ? copy.latestVersion + 1 : 1,
      };
    });
  }

  return cmd.run(
    async ({ tx, lock, audit, emit }) => {
      const results: ImportEntryResult[] = [];
      for (const [index, { entry, analysis, title }] of checked.entries()) {
        const copy = copyOf.get(entry.name);
        const meta = { title, description: entry.description ?? null, logo: entry.logo ?? null };
        let id: number;
        if (copy) {
          id = copy.id;
          const locked = await lock(id);
          const before = {
            latestVersion: locked.latestVersion,
            releasedVersion: locked.releasedVersion,
          };
          const latest = await tx.connectorVersion.findUnique({
            where: { connectorId_number: { connectorId: id, number: locked.latestVersion } },
            select: { codeSha256: true },
          });
          const unchanged = latest?.codeSha256 === entry.sha256;
          if (!unchanged)
            await appendVersion(tx, id, locked, {
              code: entry.code,
              note: entry.versionNote ?? null,
              analysis,
              memberId: actor.memberId,
            });
          await tx.connector.update({ where: { id }, data: meta });
          if (locked.releasedVersion !== locked.latestVersion)
            await releaseLocked(tx, id, locked, actor.memberId);
          await audit({
            action: 'MANIFEST_IMPORT',
            target: { type: 'Connector', id },
            before,
            after: {
              importSource: entry.name,
              from: manifest.source.workspace,
              latestVersion: locked.latestVersion,
              releasedVersion: locked.releasedVersion,
              codeSha256: entry.sha256,
            },
          });
          results.push({
            name: entry.name,
            title,
            action: unchanged ? 'UNCHANGED' : 'UPDATE',
            connectorId: id,
            version: locked.latestVersion,
          });
        } else {
          const created = await tx.connector.create({
            data: {
              workspaceId: actor.workspaceId,
              name: connectorName(title, actor.workspaceId),
              importSource: entry.name,
              ...meta,
              latestVersion: 1,
              releasedVersion: 1,
            },
          });
          id = created.id;
          await insertVersion(tx, {
            connectorId: id,
            number: 1,
            createdById: actor.memberId,
            releasedAt: new Date(),
            releasedById: actor.memberId,
            code: entry.code,
            note: entry.versionNote ?? null,
            analysis,
          });
          await emit(
            {
              workspaceId: actor.workspaceId,
              type: 'version.created',
              data: { connectorId: id, version: 1 },
            },
            {
              workspaceId: actor.workspaceId,
              type: 'version.released',
              data: { connectorId: id, version: 1 },
            },
          );
          await audit({
            action: 'MANIFEST_IMPORT',
            target: { type: 'Connector', id },
            after: {
              importSource: entry.name,
              from: manifest.source.workspace,
              title,
              latestVersion: 1,
              releasedVersion: 1,
              codeSha256: entry.sha256,
            },
          });
          results.push({ name: entry.name, title, action: 'CREATE', connectorId: id, version: 1 });
        }
        opts.onProgress?.('write', index + 1, checked.length);
      }
      return results;
    },
    // Large manifests write many versions: give the transaction time (Prisma's default is 5 s).
    { timeout: 10 * 60_000, maxWait: 60_000 },
  );
}
