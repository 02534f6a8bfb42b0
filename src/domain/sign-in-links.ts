import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../db/database.js';
import {
  authenticate,
  CLI_SOURCE,
  ensureWorkspace,
  hashToken,
  mintMemberToken,
  revokeToken,
} from './auth.js';
import { audit, type AuditSource } from './audit.js';
import { InvalidInputError, NotFoundError } from './errors.js';

/** How long a sign-in link works (it works once). */
export const SIGN_IN_LINK_TTL_MS = 24 * 60 * 60 * 1000;
const CODE_PREFIX = 'sic_';

/** A one-time sign-in code for a member: returned once, stored as its SHA-256, expiring. */
export async function createSignInCode(
  prisma: PrismaClient,
  opts: { workspace: string; handle: string; ttlMs?: number; now?: Date },
  source: AuditSource = CLI_SOURCE,
): Promise<{ code: string; expiresAt: Date }> {
  const member = await prisma.member.findFirst({
    where: { handle: opts.handle, workspace: { slug: opts.workspace } },
    select: { id: true, workspaceId: true },
  });
  if (!member) throw new NotFoundError(`No member ${opts.handle} in workspace ${opts.workspace}.`);
  const code = CODE_PREFIX + randomBytes(32).toString('base64url');
  const expiresAt = new Date(
    (opts.now ?? new Date()).getTime() + (opts.ttlMs ?? SIGN_IN_LINK_TTL_MS),
  );
  await prisma.$transaction(async (tx) => {
    await tx.signInCode.create({
      data: { memberId: member.id, codeHash: hashToken(code), expiresAt },
    });
    await audit(tx, source, {
      action: 'SIGN_IN_LINK_CREATE',
      workspaceId: member.workspaceId,
      target: { type: 'Member', id: member.id },
      after: { member: opts.handle, expiresAt },
    });
  });
  return { code, expiresAt };
}

/**
 * Exchanges a sign-in code for a new API token of its member. The code is spent in the same
 * statement that checks it (so two tabs racing with one link get one token), and an unknown,
 * used or expired code is refused with the same words: the refusal tells a guesser nothing.
 */
export async function redeemSignInCode(
  prisma: PrismaClient,
  code: string,
  sessionMs = 12 * 60 * 60 * 1000,
): Promise<{ token: string; handle: string; workspace: string; expiresAt: Date }> {
  if (typeof code !== 'string' || !code.startsWith(CODE_PREFIX) || code.length > 200)
    throw new InvalidInputError(
      'This sign-in link is not valid (it may have been used or have expired).',
      'code',
    );
  return prisma.$transaction(async (tx) => {
    const spent = await tx.signInCode.updateManyAndReturn({
      where: { codeHash: hashToken(code), usedAt: null, expiresAt: { gt: new Date() } },
      data: { usedAt: new Date() },
      select: { memberId: true },
    });
    if (spent.length !== 1)
      throw new InvalidInputError(
        'This sign-in link is not valid (it may have been used or have expired).',
        'code',
      );
    const member = await tx.member.findUniqueOrThrow({
      where: { id: spent[0].memberId },
      select: { id: true, handle: true, workspace: { select: { slug: true } } },
    });
    // Whoever holds the link acts as nobody yet: the entry names the sign-in link.
    // A console session: a token that expires, revoked by Sign out (endConsoleSession).
    const expiresAt = new Date(Date.now() + sessionMs);
    const { token } = await mintMemberToken(
      tx,
      member.id,
      { actor: null, operator: 'sign-in-link' },
      expiresAt,
    );
    return { token, handle: member.handle, workspace: member.workspace.slug, expiresAt };
  });
}

/**
 * Sign out: the console session's token is revoked at once (everywhere, as any revocation). A
 * long-lived API token someone pasted into the console is only forgotten by the browser: it was
 * made with the CLI for other uses too. Answers whether a session ended.
 */
export async function endConsoleSession(prisma: PrismaClient, token: string): Promise<boolean> {
  const actor = await authenticate(prisma, token);
  if (!actor) return false;
  const row = await prisma.apiToken.findUnique({
    where: { id: actor.tokenId },
    select: { expiresAt: true },
  });
  if (!row?.expiresAt) return false;
  await revokeToken(prisma, actor.tokenId, { actor, operator: undefined });
  return true;
}

/**
 * The first start of an empty registry (no workspace at all) creates workspace `default` with an
 * ADMIN `admin` and a sign-in link for them, as notebook servers print a login URL. Later starts
 * (any workspace exists) do nothing and return null.
 */
export async function bootstrapEmptyRegistry(
  prisma: PrismaClient,
): Promise<{ code: string; expiresAt: Date } | null> {
  if ((await prisma.workspace.count()) > 0) return null;
  const source: AuditSource = { actor: null, operator: 'first-start' };
  await prisma.$transaction(async (tx) => {
    const { workspace, created } = await ensureWorkspace(tx, source, 'default');
    if (!created) return; // another process started first
    const member = await tx.member.create({
      data: { workspaceId: workspace.id, handle: 'admin', role: 'ADMIN' },
    });
    await audit(tx, source, {
      action: 'MEMBER_CREATE',
      workspaceId: workspace.id,
      target: { type: 'Member', id: member.id },
      after: { handle: 'admin', role: 'ADMIN' },
    });
  });
  return createSignInCode(prisma, { workspace: 'default', handle: 'admin' }, source);
}
