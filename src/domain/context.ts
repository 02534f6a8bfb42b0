import type { PrismaClient } from '../db/database.js';
import type { Role } from '../generated/prisma/enums.js';
import { ForbiddenError, UnauthenticatedError } from './errors.js';

/** Who is calling: a workspace member authenticated by an API token. */
export interface Actor {
  tokenId: number;
  memberId: number;
  handle: string;
  role: Role;
  workspaceId: number;
}

export interface DomainContext {
  prisma: PrismaClient;
  actor: Actor | null;
}

/** Roles that may change connectors; OPERATOR is read-only. */
const WRITERS: ReadonlySet<Role> = new Set<Role>(['ADMIN', 'DEVELOPER']);

export function requireActor(ctx: DomainContext): Actor {
  if (!ctx.actor) throw new UnauthenticatedError('Authenticate with an `Authorization: Bearer <token>` header.');
  return ctx.actor;
}

export function requireWriter(ctx: DomainContext): Actor {
  const actor = requireActor(ctx);
  if (!WRITERS.has(actor.role)) {
    throw new ForbiddenError(`The ${actor.role} role is read-only; ADMIN or DEVELOPER is needed.`);
  }
  return actor;
}
