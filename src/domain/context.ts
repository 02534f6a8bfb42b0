import type { PrismaClient } from '../db/database.js';
import type { Role } from '../generated/prisma/enums.js';
import { ForbiddenError, UnauthenticatedError } from './errors.js';

/** Who is calling: a workspace member authenticated by an API token. */
export interface Actor {
  kind: 'member';
  tokenId: number;
  memberId: number;
  handle: string;
  role: Role;
  workspaceId: number;
}

/** A platform reviewer of community listings: belongs to no workspace. */
export interface ReviewerActor {
  kind: 'reviewer';
  tokenId: number;
  reviewerId: number;
  handle: string;
}

export type Principal = Actor | ReviewerActor;

/** Where committed changes are announced to live subscribers (in-process or PostgreSQL NOTIFY). */
export interface DomainEvents {
  publish(topic: string, payload: unknown): void;
}

export interface DomainContext {
  prisma: PrismaClient;
  actor: Principal | null;
  events?: DomainEvents;
  /** The request (or CLI run) the change belongs to: written into the audit log. */
  requestId?: string | null;
  /** Who runs the command line (no token): the audit log's actor then. */
  operator?: string;
  /** Connection sealing and run dispatch (src/runs/); absent where connector code is not run. */
  runs?: import('./run-services.js').RunServices;
  /**
   * PostgreSQL's raw driver (the pool Prisma uses too), for the hot writes that skip Prisma
   * (updateConnector's new note); absent on PGlite and outside the GraphQL gateway.
   */
  driver?: import('../db/sql.js').Sql;
}

/** The signed-in principal; UNAUTHENTICATED without one. */
function requirePrincipal(ctx: DomainContext): Principal {
  if (!ctx.actor)
    throw new UnauthenticatedError('Authenticate with an `Authorization: Bearer <token>` header.');
  return ctx.actor;
}

export function requireActor(ctx: DomainContext): Actor {
  const actor = requirePrincipal(ctx);
  if (actor.kind !== 'member')
    throw new ForbiddenError('Reviewers act outside workspaces; use a workspace token.');
  return actor;
}

export function requireReviewer(ctx: DomainContext): ReviewerActor {
  const actor = requirePrincipal(ctx);
  if (actor.kind !== 'reviewer')
    throw new ForbiddenError('Only platform reviewers review listings.');
  return actor;
}
