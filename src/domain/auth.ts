import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PrismaClient } from '../db/database.js';
import type { Role } from '../generated/prisma/enums.js';
import type { Principal } from './context.js';
import type { Prisma } from '../generated/prisma/client.js';
import { audit, type AuditSource } from './audit.js';
import { toGlobalId } from './global-id.js';

type Tx = Prisma.TransactionClient;
import { InvalidInputError, NotFoundError } from './errors.js';
import { announceCredentialsChange, credentialsChangedHere } from './sessions.js';

const TOKEN_PREFIX = 'crt_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export interface CreatedToken {
  /** Shown once; only its hash is stored. */
  token: string;
  tokenId: number;
  workspace: { id: number; slug: string };
  member: { id: number; handle: string; role: Role };
  /** Whether this call created the workspace / the member. */
  created: { workspace: boolean; member: boolean };
}

/** The command line acting without a token (tests and scripts that call the domain directly). */
export const CLI_SOURCE: AuditSource = { actor: null, operator: 'cli' };

export function checkSlug(slug: string, field = 'workspace'): string {
  if (!SLUG.test(slug))
    throw new InvalidInputError(
      'Workspace slugs are 1-63 lower-case letters, digits and dashes.',
      field,
    );
  return slug;
}

function checkHandle(handle: string, what = 'Member'): string {
  if (!/^[\w.@+-]{1,100}$/.test(handle))
    throw new InvalidInputError(
      `${what} handles are 1-100 letters, digits and . @ + - _`,
      'handle',
    );
  return handle;
}

function mint() {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { token, tokenHash: hashToken(token), prefix: token.slice(0, TOKEN_PREFIX.length + 6) };
}

/** Inserts the workspace unless it exists (concurrent callers: one wins); returns it and whether this call made it. */
export async function ensureWorkspace(
  tx: Tx,
  source: AuditSource,
  slug: string,
  managedById: number | null = null,
) {
  const [made] = await tx.workspace.createManyAndReturn({
    data: [{ slug, name: slug, managedById }],
    skipDuplicates: true,
  });
  if (made) {
    await audit(tx, source, {
      action: 'WORKSPACE_CREATE',
      workspaceId: made.id,
      target: { type: 'Workspace', id: made.id },
      after: { slug, managedBy: managedById == null ? null : toGlobalId('Workspace', managedById) },
    });
    return { workspace: made, created: true };
  }
  return { workspace: await tx.workspace.findUniqueOrThrow({ where: { slug } }), created: false };
}

/**
 * Mints a token for a member of a workspace, creating the workspace and the member when they do
 * not exist yet (a new member gets `role`, ADMIN when none is given). It never changes an existing
 * member's role: a different `role` for an existing member is refused (`setMemberRole` does that,
 * explicitly); no `role` means the member's own.
 */
export async function createToken(
  prisma: PrismaClient,
  opts: { workspace: string; handle: string; role?: Role | null },
  source: AuditSource = CLI_SOURCE,
): Promise<CreatedToken> {
  checkSlug(opts.workspace);
  checkHandle(opts.handle);
  return prisma.$transaction(async (tx) => {
    const { workspace, created: newWorkspace } = await ensureWorkspace(tx, source, opts.workspace);
    const [made] = await tx.member.createManyAndReturn({
      data: [{ workspaceId: workspace.id, handle: opts.handle, role: opts.role ?? 'ADMIN' }],
      skipDuplicates: true,
    });
    const member =
      made ??
      (await tx.member.findUniqueOrThrow({
        where: { workspaceId_handle: { workspaceId: workspace.id, handle: opts.handle } },
      }));
    if (made) {
      await audit(tx, source, {
        action: 'MEMBER_CREATE',
        workspaceId: workspace.id,
        target: { type: 'Member', id: member.id },
        after: { handle: member.handle, role: member.role },
      });
    } else if (opts.role && opts.role !== member.role) {
      throw new InvalidInputError(
        `${member.handle} is ${member.role} in ${workspace.slug}; token create does not change roles. ` +
          `Change it explicitly with: connector-registry member set-role --workspace ${workspace.slug} --handle ${member.handle} --role ${opts.role}`,
        'role',
      );
    }
    const { token, tokenId } = await mintMemberToken(tx, member.id, source);
    return {
      token,
      tokenId,
      workspace: { id: workspace.id, slug: workspace.slug },
      member: { id: member.id, handle: member.handle, role: member.role },
      created: { workspace: newWorkspace, member: !!made },
    };
  });
}

/** Changes a member's role: the one explicit way to do it. Returns the role before and after. */
export async function setMemberRole(
  prisma: PrismaClient,
  opts: { workspace: string; handle: string; role: Role },
  source: AuditSource = CLI_SOURCE,
): Promise<{ before: Role; after: Role }> {
  const result = await prisma.$transaction(async (tx) => {
    const workspace = await requireWorkspace(tx, opts.workspace);
    const rows = await tx.$queryRaw<{ id: number; role: Role }[]>`
      SELECT id, role::text AS role FROM members WHERE workspace_id = ${workspace.id} AND handle = ${opts.handle} FOR UPDATE`;
    if (rows.length === 0)
      throw new NotFoundError(`No member ${opts.handle} in workspace ${workspace.slug}.`, 'handle');
    const [member] = rows;
    if (member.role !== opts.role) {
      await tx.member.update({ where: { id: member.id }, data: { role: opts.role } });
      // Streams opened under the old role end at once (src/domain/sessions.ts).
      await announceCredentialsChange(tx, { memberIds: [member.id] });
      await audit(tx, source, {
        action: 'MEMBER_ROLE_CHANGE',
        workspaceId: workspace.id,
        target: { type: 'Member', id: member.id },
        before: { handle: opts.handle, role: member.role },
        after: { handle: opts.handle, role: opts.role },
      });
    }
    return { before: member.role, after: opts.role, memberId: member.id };
  });
  if (result.before !== result.after) credentialsChangedHere({ memberIds: [result.memberId] });
  return { before: result.before, after: result.after };
}

/** The workspace of a slug, or NOT_FOUND saying it does not exist. */
export async function requireWorkspace(db: Tx | PrismaClient, slug: string) {
  const workspace = await db.workspace.findUnique({ where: { slug } });
  if (!workspace) throw new NotFoundError(`Workspace ${slug} does not exist.`, 'workspace');
  return workspace;
}

/** A new random token for an existing member: returned once, stored as its SHA-256; audited. */
export async function mintMemberToken(
  tx: Tx,
  memberId: number,
  source: AuditSource = CLI_SOURCE,
  expiresAt: Date | null = null,
): Promise<{ token: string; tokenId: number }> {
  const minted = mint();
  const row = await tx.apiToken.create({
    data: { memberId, tokenHash: minted.tokenHash, prefix: minted.prefix, expiresAt },
    select: {
      id: true,
      prefix: true,
      member: { select: { workspaceId: true, handle: true, role: true } },
    },
  });
  await audit(tx, source, {
    action: 'TOKEN_CREATE',
    workspaceId: row.member!.workspaceId,
    target: { type: 'Token', id: row.id },
    after: {
      member: row.member!.handle,
      role: row.member!.role,
      prefix: row.prefix,
      ...(expiresAt ? { expiresAt } : {}),
    },
  });
  return { token: minted.token, tokenId: row.id };
}

/** Revokes at once: the next request with that token is unauthenticated. */
export async function revokeToken(
  prisma: PrismaClient,
  tokenId: number,
  source: AuditSource = CLI_SOURCE,
): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const revokedAt = new Date();
    const { count } = await tx.apiToken.updateMany({
      where: { id: tokenId, revokedAt: null },
      data: { revokedAt },
    });
    if (count === 0) throw new NotFoundError(`No active token with id ${tokenId}.`);
    const token = await tx.apiToken.findUniqueOrThrow({
      where: { id: tokenId },
      select: {
        prefix: true,
        member: { select: { workspaceId: true, handle: true } },
        reviewer: { select: { handle: true } },
      },
    });
    await announceCredentialsChange(tx, { tokenIds: [tokenId] });
    await audit(tx, source, {
      action: 'TOKEN_REVOKE',
      workspaceId: token.member?.workspaceId ?? null,
      target: { type: 'Token', id: tokenId },
      before: {
        prefix: token.prefix,
        holder: token.member?.handle ?? token.reviewer?.handle ?? null,
        revokedAt: null,
      },
      after: {
        prefix: token.prefix,
        holder: token.member?.handle ?? token.reviewer?.handle ?? null,
        revokedAt,
      },
    });
  });
  credentialsChangedHere({ tokenIds: [tokenId] });
}

export async function listTokens(prisma: PrismaClient, workspace: string) {
  const ws = await requireWorkspace(prisma, workspace);
  return prisma.apiToken.findMany({
    where: { member: { workspaceId: ws.id } },
    include: { member: true },
    orderBy: { id: 'asc' },
  });
}

export async function listMembers(prisma: PrismaClient, workspace: string) {
  const ws = await requireWorkspace(prisma, workspace);
  return prisma.member.findMany({ where: { workspaceId: ws.id }, orderBy: { id: 'asc' } });
}

/** The member or reviewer a bearer token stands for, or null when it is unknown or revoked. */
export async function authenticate(prisma: PrismaClient, token: string): Promise<Principal | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const hash = hashToken(token);
  // One statement per request: this runs before every call.
  const [row] = await prisma.$queryRaw<
    {
      id: number;
      token_hash: string;
      revoked_at: Date | null;
      member_id: number | null;
      handle: string | null;
      role: Role | null;
      workspace_id: number | null;
      reviewer_id: number | null;
      reviewer_handle: string | null;
    }[]
  >`SELECT t.id, t.token_hash, t.revoked_at, m.id AS member_id, m.handle, m.role::text AS role, m.workspace_id,
           r.id AS reviewer_id, r.handle AS reviewer_handle
    FROM api_tokens t LEFT JOIN members m ON m.id = t.member_id LEFT JOIN reviewers r ON r.id = t.reviewer_id
    WHERE t.token_hash = ${hash} AND (t.expires_at IS NULL OR t.expires_at > now())`;
  // The lookup is by hash already; the constant-time compare keeps it so if lookup ever changes.
  if (!row || row.revoked_at || !timingSafeEqual(Buffer.from(row.token_hash), Buffer.from(hash)))
    return null;
  if (row.reviewer_id != null)
    return {
      kind: 'reviewer',
      tokenId: row.id,
      reviewerId: row.reviewer_id,
      handle: row.reviewer_handle!,
    };
  if (row.member_id == null) return null;
  return {
    kind: 'member',
    tokenId: row.id,
    memberId: row.member_id,
    handle: row.handle!,
    role: row.role!,
    workspaceId: row.workspace_id!,
  };
}

/** Mints a token for a platform reviewer (created when new). */
export async function createReviewerToken(
  prisma: PrismaClient,
  handle: string,
  source: AuditSource = CLI_SOURCE,
): Promise<{ token: string; tokenId: number }> {
  checkHandle(handle, 'Reviewer');
  const minted = mint();
  return prisma.$transaction(async (tx) => {
    const [made] = await tx.reviewer.createManyAndReturn({
      data: [{ handle }],
      skipDuplicates: true,
    });
    const reviewer = made ?? (await tx.reviewer.findUniqueOrThrow({ where: { handle } }));
    if (made)
      await audit(tx, source, {
        action: 'REVIEWER_CREATE',
        workspaceId: null,
        target: { type: 'Reviewer', id: reviewer.id },
        after: { handle },
      });
    const row = await tx.apiToken.create({
      data: { reviewerId: reviewer.id, tokenHash: minted.tokenHash, prefix: minted.prefix },
    });
    await audit(tx, source, {
      action: 'TOKEN_CREATE',
      workspaceId: null,
      target: { type: 'Token', id: row.id },
      after: { reviewer: handle, prefix: row.prefix },
    });
    return { token: minted.token, tokenId: row.id };
  });
}
