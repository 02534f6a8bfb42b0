import { builder } from './builder.js';

// Who is calling and what they may do, so a client (the console) can leave out what the caller
// cannot do. Mirrors the rules of src/domain/context.ts (requireWriter, requireReviewer).

const WorkspaceRef = builder.objectRef<{ name: string; slug: string }>('Workspace').implement({
  description: 'A team that owns connectors.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Display name.' }),
    slug: t.exposeString('slug', { description: 'Stable short name (lower-case letters, digits and dashes).' }),
  }),
});

interface ViewerShape {
  memberId: number | null;
  workspaceId: number | null;
  role: string | null;
  reviewer: boolean;
  reviewerHandle: string | null;
}

const ViewerRef = builder.objectRef<ViewerShape>('Viewer').implement({
  description: 'The caller: a workspace member or a platform reviewer, and what they may do.',
  fields: (t) => ({
    member: t.prismaField({
      type: 'Member',
      nullable: true,
      description: 'The workspace member the token belongs to (null for a reviewer).',
      resolve: (query, v, _a, ctx) => (v.memberId == null ? null : ctx.prisma.member.findUnique({ ...query, where: { id: v.memberId } })),
    }),
    workspace: t.field({
      type: WorkspaceRef,
      nullable: true,
      description: "The member's workspace (null for a reviewer).",
      resolve: (v, _a, ctx) => (v.workspaceId == null ? null : ctx.prisma.workspace.findUnique({ where: { id: v.workspaceId }, select: { name: true, slug: true } })),
    }),
    reviewerHandle: t.string({ nullable: true, description: "The platform reviewer's handle (null for a member).", resolve: (v) => v.reviewerHandle }),
    canWrite: t.boolean({ description: 'May create, change, release and share connectors (ADMIN, DEVELOPER).', resolve: (v) => v.role === 'ADMIN' || v.role === 'DEVELOPER' }),
    canViewSource: t.boolean({ description: 'May read connector code (ADMIN, DEVELOPER; not OPERATOR).', resolve: (v) => v.role === 'ADMIN' || v.role === 'DEVELOPER' }),
    canReview: t.boolean({ description: 'May review community listings (platform reviewers).', resolve: (v) => v.reviewer }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({
    type: ViewerRef,
    nullable: true,
    description: 'Who the token belongs to and what they may do; null without a valid token.',
    resolve: (_r, _a, ctx) => {
      const actor = ctx.actor;
      if (!actor) return null;
      if (actor.kind === 'reviewer') return { memberId: null, workspaceId: null, role: null, reviewer: true, reviewerHandle: actor.handle };
      return { memberId: actor.memberId, workspaceId: actor.workspaceId, role: actor.role, reviewer: false, reviewerHandle: null };
    },
  }),
);
