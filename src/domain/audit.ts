import { createHash } from 'node:crypto';
import type { Sql } from '../db/sql.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { DomainContext, Principal } from './context.js';
import { requireActor, requireReviewer } from './context.js';
import { ForbiddenError, InvalidInputError } from './errors.js';
import { toGlobalId, type GlobalType } from './global-id.js';
import { LIMITS } from './limits.js';

/**
 * The audit log: every state change appends one entry in its own transaction (so an entry exists
 * if and only if the change committed), through `audit()` below (or `auditOn`, its twin in a transaction of the raw driver) and nothing else. Entries are
 * append-only: the database refuses UPDATE, DELETE and TRUNCATE on the table (see the migration),
 * and no API writes it but this function.
 */
export const AUDIT_ACTIONS = [
  'WORKSPACE_CREATE',
  'MEMBER_CREATE',
  'MEMBER_ROLE_CHANGE',
  'TOKEN_CREATE',
  'TOKEN_REVOKE',
  'SIGN_IN_LINK_CREATE',
  'REVIEWER_CREATE',
  'CONNECTOR_CREATE',
  'CONNECTOR_UPDATE',
  'VERSION_CREATE',
  'VERSION_RELEASE',
  'VERSION_RESTORE',
  'CONNECTOR_SHARE',
  'ROLLOUT_SET',
  'ROLLOUT_ROLLBACK',
  'VERSION_DEPRECATE',
  'VERSION_YANK',
  'VERSION_UNYANK',
  'SHARE_LINK_CREATE',
  'SHARE_LINK_REVOKE',
  'LISTING_SUBMIT',
  'LISTING_UNLIST',
  'LISTING_REVIEW',
  'CATALOG_APP_ADD',
  'CONNECTOR_INSTALL',
  'UPDATE_FROM_PARENT',
  'MANIFEST_IMPORT',
  'WEBHOOK_REGISTER',
  'WEBHOOK_REMOVE',
  'NOTIFICATIONS_READ',
  'OEM_SHARE',
  'OEM_COPY',
  'CONNECTION_CREATE',
  'CONNECTION_UPDATE',
  'CONNECTION_DELETE',
  'CONNECTION_AUTHORIZE',
  'CONNECTOR_RUN',
  'RUN_CANCEL',
  'TEST_CREATE',
  'TEST_UPDATE',
  'TEST_DELETE',
  'TESTS_RUN',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What platform reviewers may read: the review side of the community library, every workspace. */
export const REVIEW_ACTIONS: readonly AuditAction[] = [
  'LISTING_SUBMIT',
  'LISTING_UNLIST',
  'LISTING_REVIEW',
  'CATALOG_APP_ADD',
];

type Tx = Prisma.TransactionClient;
type Json = Record<string, unknown>;

/** Who is acting: the request's token, or the person at the command line. */
export type AuditSource = Pick<DomainContext, 'actor' | 'requestId' | 'operator'>;

export interface AuditRecord {
  action: AuditAction;
  /** The workspace whose log shows the entry (null: platform-wide, e.g. a catalog app). */
  workspaceId: number | null;
  target?: { type: GlobalType; id: number | string } | null;
  before?: Json | null;
  after?: Json | null;
}

function actorColumns(actor: Principal | null, operator: string | undefined) {
  if (!actor)
    return {
      actorKind: 'CLI' as const,
      actorId: null,
      actorHandle: operator ?? 'cli',
      tokenId: null,
    };
  return {
    actorKind: actor.kind === 'member' ? ('MEMBER' as const) : ('REVIEWER' as const),
    actorId: actor.kind === 'member' ? actor.memberId : actor.reviewerId,
    actorHandle: actor.handle,
    tokenId: actor.tokenId,
  };
}

/** Appends one entry in the caller's transaction. */
export async function audit(tx: Tx, source: AuditSource, record: AuditRecord): Promise<void> {
  // createMany: an INSERT without RETURNING (nothing reads the entry back), not create's INSERT
  // … RETURNING every column, which Prisma then maps into an object for nobody.
  await tx.auditEntry.createMany({
    data: {
      ...actorColumns(source.actor, source.operator),
      workspaceId: record.workspaceId,
      action: record.action,
      targetId: record.target ? toGlobalId(record.target.type, record.target.id) : null,
      requestId: source.requestId ?? null,
      before: (record.before ?? undefined) as Prisma.InputJsonValue | undefined,
      after: (record.after ?? undefined) as Prisma.InputJsonValue | undefined,
    },
  });
}

/** `audit` in a transaction of the raw driver (`sql.transaction`): the same entry, column for column. */
export async function auditOn(q: Sql, source: AuditSource, record: AuditRecord): Promise<void> {
  const actor = actorColumns(source.actor, source.operator);
  await q.query(
    `INSERT INTO audit_entries (at, workspace_id, actor_kind, actor_id, actor_handle, token_id, action, target_id, request_id, before, after)
     VALUES ($1::timestamptz AT TIME ZONE 'UTC', $2, $3::"AuditActorKind", $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb)`,
    [
      new Date().toISOString(),
      record.workspaceId,
      actor.actorKind,
      actor.actorId,
      actor.actorHandle,
      actor.tokenId,
      record.action,
      record.target ? toGlobalId(record.target.type, record.target.id) : null,
      source.requestId ?? null,
      record.before == null ? null : JSON.stringify(record.before),
      record.after == null ? null : JSON.stringify(record.after),
    ],
  );
}

/** Large or secret values never enter the log: code and logos by their SHA-256. */
export function digestOf(value: string | null | undefined): string | null {
  return value == null ? null : createHash('sha256').update(value, 'utf8').digest('hex');
}

/** The connector fields the log keeps (the logo by its digest). */
export function connectorSnapshot(c: {
  title: string;
  description: string | null;
  logo: string | null;
  requirePassingTests?: boolean;
}): Json {
  return {
    title: c.title,
    description: c.description,
    logoSha256: digestOf(c.logo),
    ...(c.requirePassingTests === undefined ? {} : { requirePassingTests: c.requirePassingTests }),
  };
}

/** Only what differs, as a before/after pair. */
export function changed(before: Json, after: Json): { before: Json; after: Json } | null {
  const keys = Object.keys(after).filter(
    (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  );
  if (keys.length === 0) return null;
  return {
    before: Object.fromEntries(keys.map((k) => [k, before[k] ?? null])),
    after: Object.fromEntries(keys.map((k) => [k, after[k] ?? null])),
  };
}

export interface AuditFilter {
  actions?: AuditAction[] | null;
  /** A global ID. */
  targetId?: string | null;
  /** The actor's handle. */
  actor?: string | null;
  since?: Date | null;
  until?: Date | null;
}

/**
 * Which entries the caller may read: an ADMIN their workspace's; a reviewer the review actions of
 * every workspace; nobody else any.
 */
export function auditWhere(
  ctx: DomainContext,
  filter: AuditFilter = {},
): Prisma.AuditEntryWhereInput {
  let scope: Prisma.AuditEntryWhereInput;
  if (ctx.actor?.kind === 'reviewer') {
    requireReviewer(ctx);
    scope = { action: { in: [...REVIEW_ACTIONS] } };
  } else {
    const actor = requireActor(ctx);
    if (actor.role !== 'ADMIN') throw new ForbiddenError('Only ADMIN members read the audit log.');
    scope = { workspaceId: actor.workspaceId };
  }
  return { AND: [scope, filterWhere(filter)] };
}

export function filterWhere(filter: AuditFilter): Prisma.AuditEntryWhereInput {
  for (const [key, value] of [
    ['targetId', filter.targetId],
    ['actor', filter.actor],
  ] as const) {
    if (value != null && value.length > LIMITS.searchChars)
      throw new InvalidInputError(`${key} is too long.`, key);
  }
  if (filter.since && filter.until && filter.since > filter.until)
    throw new InvalidInputError('since is after until.', 'since');
  return {
    ...(filter.actions?.length ? { action: { in: filter.actions } } : {}),
    ...(filter.targetId ? { targetId: filter.targetId } : {}),
    ...(filter.actor ? { actorHandle: filter.actor } : {}),
    ...(filter.since || filter.until
      ? {
          at: {
            ...(filter.since ? { gte: filter.since } : {}),
            ...(filter.until ? { lte: filter.until } : {}),
          },
        }
      : {}),
  };
}
