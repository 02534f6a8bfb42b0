import type { Role } from '../generated/prisma/enums.js';
import { requireActor, type Actor, type DomainContext, type Principal } from './context.js';
import { ForbiddenError } from './errors.js';

/**
 * Who may see and do what, beyond "only your own workspace's things" (which every query states in
 * its `where`). Each rule lives here once; GraphQL fields, REST handlers and domain functions ask.
 */

/** Roles that change things; every other role of a workspace member reads. */
export const WRITER_ROLES: ReadonlySet<Role> = new Set<Role>(['ADMIN', 'DEVELOPER']);

/** The caller, when a member whose role changes things (ADMIN, DEVELOPER); FORBIDDEN otherwise. */
export function requireWriter(ctx: DomainContext): Actor {
  const actor = requireActor(ctx);
  if (!WRITER_ROLES.has(actor.role)) {
    throw new ForbiddenError(`The ${actor.role} role is read-only; ADMIN or DEVELOPER is needed.`);
  }
  return actor;
}

/**
 * Connector source code (and anything that reveals it: version code, the code endpoint, unified
 * diffs, manifests, merge conflict text, shared versions' code) is for ADMIN and DEVELOPER, who
 * write and vet it, and for platform reviewers, who judge listings by it. OPERATOR sees what a
 * connector does (titles, notes, actions, triggers, diagnostics' positions), never how.
 */
export function canViewSource(actor: Principal | null): boolean {
  if (!actor) return false;
  return actor.kind === 'reviewer' || WRITER_ROLES.has(actor.role);
}

/** Refuses (FORBIDDEN) a caller who may not read source code. */
export function requireSourceViewer(actor: Principal | null): void {
  if (!canViewSource(actor)) {
    throw new ForbiddenError(
      `Connector source is for ADMIN and DEVELOPER roles; the ${actor?.kind === 'member' ? actor.role : 'anonymous'} role does not see it.`,
    );
  }
}

/** Webhook URLs can hold secrets of the receiving system (paths, query tokens): for those who manage webhooks. */
export function canViewWebhookTargets(actor: Principal | null): boolean {
  return actor?.kind === 'member' && WRITER_ROLES.has(actor.role);
}

/**
 * The one change a read-only member makes: marking their workspace's notifications read (a
 * personal inbox action, not a change to what the workspace builds or shares).
 */
export const READ_ONLY_ACTIONS: ReadonlySet<string> = new Set(['markNotificationsRead']);

/**
 * Every write goes through here before it runs (GraphQL applies it to every mutation field; REST
 * writes and domain functions check `requireWriter`): a member whose role is not a writer may only
 * perform READ_ONLY_ACTIONS. Reviewers' own actions are checked by the functions they call.
 */
export function assertMayPerform(actor: Principal | null, action: string): void {
  if (actor?.kind !== 'member' || WRITER_ROLES.has(actor.role) || READ_ONLY_ACTIONS.has(action))
    return;
  throw new ForbiddenError(
    `The ${actor.role} role is read-only; ${action} needs ADMIN or DEVELOPER.`,
  );
}

/**
 * Saved connections and runs of connector code are for ADMIN and DEVELOPER, who build and test
 * connectors: OPERATOR sees nothing of them (not even that they exist), reviewers neither.
 */
export function canUseRuns(actor: Principal | null): boolean {
  return actor?.kind === 'member' && WRITER_ROLES.has(actor.role);
}
