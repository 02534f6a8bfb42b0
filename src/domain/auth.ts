import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PrismaClient } from '../db/database.js';
import type { Role } from '../generated/prisma/enums.js';
import type { Principal } from './context.js';
import { InvalidInputError, NotFoundError } from './errors.js';
import { announceCredentialsChange } from './sessions.js';

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
}

/**
 * Creates (or reuses) the workspace and the member, then mints a token for that member.
 * The member's role is set to `role`: re-running with another role changes it.
 */
export async function createToken(
  prisma: PrismaClient,
  opts: { workspace: string; handle: string; role: Role },
): Promise<CreatedToken> {
  if (!SLUG.test(opts.workspace)) {
    throw new InvalidInputError('Workspace slugs are 1-63 lower-case letters, digits and dashes.', 'workspace');
  }
  if (!/^[\w.@+-]{1,100}$/.test(opts.handle)) {
    throw new InvalidInputError('Member handles are 1-100 letters, digits and . @ + - _', 'handle');
  }
  return prisma.$transaction(async (tx) => {
    const workspace = await tx.workspace.upsert({
      where: { slug: opts.workspace },
      create: { slug: opts.workspace, name: opts.workspace },
      update: {},
    });
    const before = await tx.member.findUnique({ where: { workspaceId_handle: { workspaceId: workspace.id, handle: opts.handle } }, select: { role: true } });
    const member = await tx.member.upsert({
      where: { workspaceId_handle: { workspaceId: workspace.id, handle: opts.handle } },
      create: { workspaceId: workspace.id, handle: opts.handle, role: opts.role },
      update: { role: opts.role },
    });
    // A role change ends the member's open streams, opened under the old role.
    if (before && before.role !== member.role) await announceCredentialsChange(tx, { memberIds: [member.id] });
    const { token, tokenId } = await mintMemberToken(tx, member.id);
    return {
      token,
      tokenId,
      workspace: { id: workspace.id, slug: workspace.slug },
      member: { id: member.id, handle: member.handle, role: member.role },
    };
  });
}

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/** A new random token for an existing member: returned once, stored as its SHA-256. */
export async function mintMemberToken(tx: Tx | PrismaClient, memberId: number): Promise<{ token: string; tokenId: number }> {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const row = await tx.apiToken.create({
    data: { memberId, tokenHash: hashToken(token), prefix: token.slice(0, TOKEN_PREFIX.length + 6) },
  });
  return { token, tokenId: row.id };
}

/**
 * Revokes at once: the next request with that token is unauthenticated, and its open streams
 * (subscriptions) end on every gateway process as the revocation commits.
 */
export async function revokeToken(prisma: PrismaClient, tokenId: number): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.apiToken.updateMany({ where: { id: tokenId, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count === 0) throw new NotFoundError(`No active token with id ${tokenId}.`);
    await announceCredentialsChange(tx, { tokenIds: [tokenId] });
  });
}

export async function listTokens(prisma: PrismaClient, workspace: string) {
  return prisma.apiToken.findMany({
    where: { member: { workspace: { slug: workspace } } },
    include: { member: true },
    orderBy: { id: 'asc' },
  });
}

/** The member or reviewer a bearer token stands for, or null when it is unknown or revoked. */
export async function authenticate(prisma: PrismaClient, token: string): Promise<Principal | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const hash = hashToken(token);
  // One statement per request: this runs before every call.
  const [row] = await prisma.$queryRaw<
    { id: number; token_hash: string; revoked_at: Date | null; member_id: number | null; handle: string | null; role: Role | null; workspace_id: number | null; reviewer_id: number | null; reviewer_handle: string | null }[]
  >`SELECT t.id, t.token_hash, t.revoked_at, m.id AS member_id, m.handle, m.role::text AS role, m.workspace_id,
           r.id AS reviewer_id, r.handle AS reviewer_handle
    FROM api_tokens t LEFT JOIN members m ON m.id = t.member_id LEFT JOIN reviewers r ON r.id = t.reviewer_id
    WHERE t.token_hash = ${hash}`;
  // The lookup is by hash already; the constant-time compare keeps it so if lookup ever changes.
  if (!row || row.revoked_at || !timingSafeEqual(Buffer.from(row.token_hash), Buffer.from(hash))) return null;
  if (row.reviewer_id != null) return { kind: 'reviewer', tokenId: row.id, reviewerId: row.reviewer_id, handle: row.reviewer_handle! };
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
export async function createReviewerToken(prisma: PrismaClient, handle: string): Promise<{ token: string; tokenId: number }> {
  if (!/^[\w.@+-]{1,100}$/.test(handle)) {
    throw new InvalidInputError('Reviewer handles are 1-100 letters, digits and . @ + - _', 'handle');
  }
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const reviewer = await prisma.reviewer.upsert({ where: { handle }, create: { handle }, update: {} });
  const row = await prisma.apiToken.create({
    data: { reviewerId: reviewer.id, tokenHash: hashToken(token), prefix: token.slice(0, TOKEN_PREFIX.length + 6) },
  });
  return { token, tokenId: row.id };
}
