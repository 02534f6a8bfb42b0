import { AUDIT_ACTIONS, auditWhere, type AuditAction, type AuditFilter } from '../domain/audit.js';
import { toGlobalId } from '../domain/global-id.js';
import { builder } from './builder.js';
import { dbId, namedConnection } from './connections.js';

const AuditActionEnum = builder.enumType('AuditAction', {
  description: 'What an audited state change did.',
  values: AUDIT_ACTIONS,
});

const AuditActorKindEnum = builder.enumType('AuditActorKind', {
  description: 'Who made an audited change.',
  values: {
    MEMBER: { description: "A workspace member's API token." },
    REVIEWER: { description: "A platform reviewer's token." },
    CLI: { description: 'The command line on the machine, without a token (token and member management).' },
  } as const,
});

const AuditEntryNode = builder.prismaNode('AuditEntry', {
  description: 'One state change, appended in the same transaction as the change; entries are never changed or deleted.',
  id: { field: 'id', description: 'Global ID of the entry.' },
  nullable: true,
  // node(id): only entries the caller may read in auditLog; anything else is null.
  findUnique: (id, ctx) => {
    try {
      return { id: dbId(id), AND: [auditWhere(ctx, filterOf({}))] };
    } catch {
      return { id: -1 };
    }
  },
  fields: (t) => ({
    databaseId: t.exposeInt('id', { description: 'Position in the log: later entries have larger ids.' }),
    at: t.expose('at', { type: 'DateTime', description: 'When the change committed (database time).' }),
    action: t.field({ type: AuditActionEnum, description: 'What was done.', resolve: (e) => e.action as (typeof AUDIT_ACTIONS)[number] }),
    actorKind: t.field({ type: AuditActorKindEnum, description: 'Whose token (or the command line) made the change.', resolve: (e) => e.actorKind }),
    actor: t.exposeString('actorHandle', { description: 'Handle of the member or reviewer; `cli:<user>` for the command line.' }),
    token: t.id({
      nullable: true,
      description: 'Global ID of the token used (the command line uses none).',
      select: { tokenId: true },
      resolve: (e) => (e.tokenId == null ? null : toGlobalId('Token', e.tokenId)),
    }),
    workspace: t.string({
      nullable: true,
      description: 'Slug of the workspace the change belongs to (null for platform-wide changes such as catalog apps).',
      select: { workspaceId: true },
      resolve: async (e, _a, ctx) => (e.workspaceId == null ? null : ((await ctx.loaders.workspace.load(e.workspaceId))?.slug ?? null)),
    }),
    targetId: t.exposeID('targetId', { nullable: true, description: 'Global ID of what changed (a Connector, Listing, Token, Member…).' }),
    requestId: t.exposeString('requestId', { nullable: true, description: 'The X-Request-Id of the request (or the id of the CLI run) that made the change.' }),
    before: t.expose('before', { type: 'JSON', nullable: true, description: 'The changed fields before (code and logos by their SHA-256 only).' }),
    after: t.expose('after', { type: 'JSON', nullable: true, description: 'The changed fields after (code and logos by their SHA-256 only).' }),
  }),
});

function filterOf(args: { actions?: AuditAction[] | null; targetId?: string | number | null; actor?: string | null; since?: Date | null; until?: Date | null }): AuditFilter {
  return { actions: args.actions, targetId: args.targetId == null ? null : String(args.targetId), actor: args.actor, since: args.since, until: args.until };
}

builder.queryFields((t) => ({
  auditLog: t.prismaConnection({
    type: 'AuditEntry',
    cursor: 'id',
    description:
      "Who did what, newest first. ADMIN members read their workspace's log; platform reviewers read the review actions (listing submissions, reviews, unlisting, catalog apps) of every workspace; other roles are FORBIDDEN.",
    args: {
      actions: t.arg({ type: [AuditActionEnum], required: false, description: 'Only these actions.' }),
      targetId: t.arg.id({ required: false, description: 'Only changes to this global ID.' }),
      actor: t.arg.string({ required: false, description: 'Only changes by this handle.' }),
      since: t.arg({ type: 'DateTime', required: false, description: 'Only changes at or after this time.' }),
      until: t.arg({ type: 'DateTime', required: false, description: 'Only changes at or before this time.' }),
    },
    totalCount: (_root, args, ctx) => ctx.prisma.auditEntry.count({ where: auditWhere(ctx, filterOf(args)) }),
    resolve: (query, _root, args, ctx) => ctx.prisma.auditEntry.findMany({ ...query, where: auditWhere(ctx, filterOf(args)), orderBy: { id: 'desc' } }),
  }, namedConnection(AuditEntryNode, 'AuditEntry', 'audit entries')),
}));
