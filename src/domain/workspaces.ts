import type { PrismaClient } from '../db/database.js';
import { CLI_SOURCE, checkSlug, ensureWorkspace, requireWorkspace } from './auth.js';
import type { DomainContext } from './context.js';
import { InvalidInputError } from './errors.js';
import { publishEvents, type LifecycleEvent } from './events.js';
import { OEM_TRANSACTION, provisionOemCopies } from './oem.js';

type Source = Pick<DomainContext, 'actor' | 'requestId' | 'operator' | 'events'>;

/**
 * Creates a workspace (the command line's job). With `managedBy` it is a customer workspace of
 * that embedded partner: it receives a copy of every connector the partner has OEM-shared, now and
 * with each later OEM share.
 */
export async function createWorkspace(
  prisma: PrismaClient,
  opts: { slug: string; managedBy?: string | null },
  source: Source = CLI_SOURCE,
): Promise<{ id: number; slug: string; managedBy: string | null; copies: number }> {
  checkSlug(opts.slug, 'slug');
  let events: LifecycleEvent[] = [];
  const result = await prisma.$transaction(async (tx) => {
    const partner = opts.managedBy ? await requireWorkspace(tx, opts.managedBy) : null;
    const { workspace, created } = await ensureWorkspace(
      tx,
      source,
      opts.slug,
      partner?.id ?? null,
    );
    if (!created) throw new InvalidInputError(`Workspace ${opts.slug} already exists.`, 'slug');
    if (partner) events = await provisionOemCopies(tx, source, partner.id, workspace.id);
    return {
      id: workspace.id,
      slug: workspace.slug,
      managedBy: partner?.slug ?? null,
      copies: events.filter((e) => e.type === 'version.created').length,
    };
  }, OEM_TRANSACTION);
  publishEvents(source, events);
  return result;
}

export async function listWorkspaces(prisma: PrismaClient) {
  const rows = await prisma.workspace.findMany({
    orderBy: { id: 'asc' },
    include: {
      managedBy: { select: { slug: true } },
      _count: { select: { members: true, connectors: true } },
    },
  });
  return rows.map((w) => ({
    slug: w.slug,
    managedBy: w.managedBy?.slug ?? null,
    members: w._count.members,
    connectors: w._count.connectors,
    createdAt: w.createdAt,
  }));
}
