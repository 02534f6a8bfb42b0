import type { Prisma } from '../generated/prisma/client.js';
import { requireWriter } from './access.js';
import { audit, type AuditRecord } from './audit.js';
import { lockConnector, type Locked, type Tx } from './connector-store.js';
import {
  requireActor,
  requireReviewer,
  type Actor,
  type DomainContext,
  type ReviewerActor,
} from './context.js';
import {
  emitEvents,
  libraryChanged,
  publishEvents,
  publishNotifications,
  type LifecycleEvent,
  type Notified,
} from './events.js';

/**
 * The one shape of every state change:
 *
 *   authorize (requireWriter…) → transaction → lock → audit → events → after the commit, publish
 *
 * `writeCommand(ctx)` authorizes at once (a refused caller costs nothing), so a command can check
 * its input with `cmd.actor` before `cmd.run(...)` opens the transaction. Inside `run`, the scope
 * locks connectors of the caller's workspace, writes audit entries, and records lifecycle events
 * for webhooks in the same transaction; only after the commit are the events, notifications and
 * library changes published to live subscribers and caches (a rolled-back change announces nothing).
 */
export interface CommandScope<A> {
  tx: Tx;
  actor: A;
  /** Locks a connector of the caller's workspace (NOT_FOUND otherwise); its events publish after the commit. */
  lock(connectorId: number, opts?: { snapshot?: boolean }): Promise<Locked>;
  /** An audit entry in this transaction; `workspaceId` defaults to the caller's. */
  audit(entry: Omit<AuditRecord, 'workspaceId'> & { workspaceId?: number | null }): Promise<void>;
  /** Records lifecycle events for webhooks now and publishes them after the commit. */
  emit(...events: LifecycleEvent[]): Promise<void>;
  /** Events another helper already recorded in this transaction: publish them after the commit. */
  published(events: LifecycleEvent[]): void;
  /** Notifications written in this transaction: delivered live after the commit. */
  notify(notified: Notified[]): void;
  /** What the community library shows changed: its caches drop it after the commit. */
  libraryChanged(): void;
}

export interface Command<A> {
  actor: A;
  run<T>(
    work: (scope: CommandScope<A>) => Promise<T>,
    options?: { timeout?: number; maxWait?: number },
  ): Promise<T>;
}

/** A command by `actor` (already authorized). */
export function command<A extends Actor | ReviewerActor>(ctx: DomainContext, actor: A): Command<A> {
  return {
    actor,
    async run(work, options) {
      const events: LifecycleEvent[] = [];
      const notified: Notified[] = [];
      let library = false;
      const result = await ctx.prisma.$transaction(async (tx: Prisma.TransactionClient) => {
        const scope: CommandScope<A> = {
          tx,
          actor,
          async lock(connectorId, opts) {
            // Reviewers belong to no workspace: -1 matches no connector (NOT_FOUND).
            const locked = await lockConnector(tx, connectorId, workspaceOf(actor) ?? -1, opts);
            locked.events = events;
            return locked;
          },
          audit: (entry) =>
            audit(tx, ctx, {
              ...entry,
              workspaceId: entry.workspaceId === undefined ? workspaceOf(actor) : entry.workspaceId,
            }),
          async emit(...more) {
            events.push(...more);
            await emitEvents(tx, more);
          },
          published: (more) => void events.push(...more),
          notify: (more) => void notified.push(...more),
          libraryChanged: () => {
            library = true;
          },
        };
        return work(scope);
      }, options);
      // After the commit: subscribers load what the database now holds.
      publishNotifications(ctx, notified);
      if (notified.length) ctx.runs?.testUpdates(notified.map((n) => n.notificationId));
      publishEvents(ctx, events);
      if (library) libraryChanged(ctx);
      return result;
    },
  };
}

/** A change by a workspace member whose role writes (ADMIN, DEVELOPER): FORBIDDEN otherwise. */
export const writeCommand = (ctx: DomainContext) => command(ctx, requireWriter(ctx));
/** A change any member of the workspace may make (marking notifications read). */
export const memberCommand = (ctx: DomainContext) => command(ctx, requireActor(ctx));
/** A change by a platform reviewer. */
export const reviewerCommand = (ctx: DomainContext) => command(ctx, requireReviewer(ctx));

function workspaceOf(actor: Actor | ReviewerActor): number | null {
  return actor.kind === 'member' ? actor.workspaceId : null;
}
