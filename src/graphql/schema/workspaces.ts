import type { Principal } from '../../domain/context.js';
import { canViewSource } from '../../domain/access.js';
import { builder } from '../builder.js';
import { describedEnum } from '../enums.js';
import { dbId } from '../connections.js';
import { workspaceOf } from './connectors.js';

export const RoleEnum = describedEnum('Role', 'What a workspace member may do.', {
  ADMIN: 'Everything in the workspace: connectors, sharing, installs, webhooks.',
  DEVELOPER: 'Writes connectors, shares and installs them; reads source code.',
  OPERATOR: 'Read-only; cannot read the source of connectors shared by others.',
});

export const MemberNode = builder.prismaNode('Member', {
  description: 'Someone (or an API client) acting in a workspace.',
  id: { field: 'id', description: 'Global ID of the member.' },
  nullable: true,
  // node(id): members of your own workspace only.
  findUnique: (id, ctx) => ({ id: dbId(id), workspaceId: workspaceOf(ctx) }),
  fields: (t) => ({
    handle: t.exposeString('handle', {
      description: 'Their name in the workspace (unique there).',
    }),
    role: t.field({ type: RoleEnum, description: 'What they may do.', resolve: (m) => m.role }),
  }),
});

export const WorkspaceNode = builder.prismaNode('Workspace', {
  description: 'A tenant: it owns connectors, members, installs and webhooks.',
  id: { field: 'id', description: 'Global ID of the workspace.' },
  nullable: true,
  // node(id): your own workspace only.
  findUnique: (id, ctx) => ({ id: dbId(id) === workspaceOf(ctx) ? dbId(id) : -1 }),
  fields: (t) => ({
    slug: t.exposeString('slug', { description: 'Its unique, URL-safe name.' }),
    name: t.exposeString('name', { description: 'Its display name.' }),
  }),
});

const WRITERS = new Set(['ADMIN', 'DEVELOPER']);

/**
 * The caller and what they may do. Members act in one workspace with a role; platform reviewers
 * hold tokens outside any workspace, so for them `member` and `workspace` are null and only
 * `canReview` (and `canViewSource`, for vetting) is true.
 */
const ViewerRef = builder.objectRef<Principal>('Viewer').implement({
  description: 'Who is calling and what they may do, so a UI can hide what the caller cannot use.',
  fields: (t) => ({
    handle: t.exposeString('handle', { description: "The caller's handle (member or reviewer)." }),
    reviewerHandle: t.string({
      nullable: true,
      description: "The platform reviewer's handle (null for a member).",
      resolve: (p) => (p.kind === 'reviewer' ? p.handle : null),
    }),
    isReviewer: t.boolean({
      description: 'True for a platform reviewer, who belongs to no workspace.',
      resolve: (p) => p.kind === 'reviewer',
    }),
    member: t.prismaField({
      type: 'Member',
      nullable: true,
      description: 'The workspace member the token belongs to; null for reviewers.',
      resolve: (query, p, _a, ctx) =>
        p.kind === 'member'
          ? ctx.prisma.member.findUnique({ ...query, where: { id: p.memberId } })
          : null,
    }),
    workspace: t.prismaField({
      type: 'Workspace',
      nullable: true,
      description: "The caller's workspace; null for reviewers.",
      resolve: (query, p, _a, ctx) =>
        p.kind === 'member'
          ? ctx.prisma.workspace.findUnique({ ...query, where: { id: p.workspaceId } })
          : null,
    }),
    canWrite: t.boolean({
      description:
        'May create, change, release, share and install connectors and manage webhooks (ADMIN, DEVELOPER).',
      resolve: (p) => p.kind === 'member' && WRITERS.has(p.role),
    }),
    canViewSource: t.boolean({
      description:
        'May read connector source code (ADMIN, DEVELOPER, platform reviewers; never OPERATOR).',
      resolve: (p) => canViewSource(p),
    }),
    canReview: t.boolean({
      description: 'May review community listings and add catalog apps (platform reviewers).',
      resolve: (p) => p.kind === 'reviewer',
    }),
  }),
});

builder.queryFields((t) => ({
  viewer: t.field({
    type: ViewerRef,
    nullable: true,
    description:
      'The caller: their member and workspace (members) and what they may do; null without a valid token.',
    resolve: (_r, _a, ctx) => ctx.actor,
  }),
}));
