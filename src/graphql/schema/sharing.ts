import { logoUrl } from './logo-url.js';
import { resolveArrayConnection } from '@pothos/plugin-relay';
import type { Connector as ConnectorRow } from '../../generated/prisma/client.js';
import type { Principal } from '../../domain/context.js';
import { canViewSource } from '../../domain/access.js';
import { offeredAmong, visibleSharedVersion } from '../../domain/rollout.js';
import { connectorByShareToken, createShareLink, revokeShareLinks } from '../../domain/sharing.js';
import { NotFoundError } from '../../domain/errors.js';
import { builder } from '../builder.js';
import { ConnectorNode, workspaceOf } from './connectors.js';
import { dbId, namedConnection } from '../connections.js';
import { payloadType } from './errors.js';
import { parseGlobalId } from '../ids.js';
import { SUMMARY, type VersionSummary } from '../loaders.js';
import { idInput, inputArg, mutationInput } from './inputs.js';

/**
 * Which shared connectors a caller may look up by ID: those in the community library, their own
 * workspace's, and those their workspace installed; reviewers see every shared one. (A private
 * link's secret shows its connector through `sharedConnector(token:)`; its ID alone does not.)
 */
export function visibleSharedWhere(ctx: { actor: Principal | null }) {
  const actor = ctx.actor;
  if (!actor) return { id: -1 };
  if (actor.kind === 'reviewer') return { sharedVersion: { not: null } };
  const ws = actor.workspaceId;
  return {
    sharedVersion: { not: null },
    OR: [
      { listing: { is: { status: 'APPROVED' as const } } },
      { workspaceId: ws },
      { installs: { some: { workspaceId: ws } } },
    ],
  };
}

/** A shared version as other workspaces see it. */
export const SharedVersionRef = builder.objectRef<VersionSummary>('SharedVersion');
builder.node(SharedVersionRef, {
  description:
    'A version another workspace shared: what it does, its note and (for ADMIN and DEVELOPER) its code.',
  id: { resolve: (v) => v.id, description: 'Global ID of the shared version.' },
  isTypeOf: (v) => typeof v === 'object' && v !== null && 'codeSha256' in v && 'sharedAt' in v,
  loadOne: async (id, ctx) => {
    const row = await ctx.prisma.connectorVersion.findFirst({
      where: { id: dbId(String(id)), sharedAt: { not: null }, connector: visibleSharedWhere(ctx) },
      select: {
        ...SUMMARY,
        connector: {
          select: {
            id: true,
            workspaceId: true,
            sharedVersion: true,
            rolloutVersion: true,
            rolloutPercent: true,
          },
        },
      },
    });
    if (!row || !visibleSharedVersion(row.connector, row, ctx.actor)) return null;
    const { connector: _parent, ...summary } = row;
    return summary;
  },
  fields: (t) => ({
    number: t.exposeInt('number', { description: 'Version number in its connector.' }),
    note: t.exposeString('note', {
      nullable: true,
      description: 'What changed in this version: the changelog entry.',
    }),
    actions: t.exposeStringList('actions', { description: 'Names of the actions it defines.' }),
    triggers: t.exposeStringList('triggers', { description: 'Names of the triggers it defines.' }),
    sharedAt: t.expose('sharedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was shared.',
    }),
    sha256: t.exposeString('codeSha256', {
      description: 'SHA-256 (hex) of the code; installs verify what they copy against it.',
    }),
    deprecatedAt: t.expose('deprecatedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the publisher deprecated it, if they did.',
    }),
    deprecationMessage: t.exposeString('deprecationMessage', {
      nullable: true,
      description: "The publisher's reason for deprecating it.",
    }),
    replacementVersion: t.exposeInt('replacementVersion', {
      nullable: true,
      description: 'The version to use instead, if the publisher named one.',
    }),
    yanked: t.boolean({
      description: 'Yanked versions are not given to new installs.',
      resolve: (v) => v.yankedAt != null,
    }),
    sourceVisible: t.boolean({
      description: 'Whether your role may read the code (ADMIN, DEVELOPER, platform reviewers).',
      resolve: (_v, _a, ctx) => canViewSource(ctx.actor),
    }),
    code: t.string({
      nullable: true,
      description: 'The source; null unless `sourceVisible`.',
      resolve: (v, _a, ctx) => (canViewSource(ctx.actor) ? ctx.loaders.versionCode.load(v) : null),
    }),
  }),
});

const SharedVersionConnection = namedConnection(
  SharedVersionRef,
  'SharedVersion',
  'shared versions',
);

/** The workspace behind a shared connector, as anyone who can see that connector sees it. */
const PublisherRef = builder.objectRef<{ workspaceId: number }>('Publisher');
builder.node(PublisherRef, {
  description: 'The workspace that shares a connector, with its community stats.',
  id: { resolve: (p) => p.workspaceId, description: 'Global ID of the publisher.' },
  isTypeOf: (p) =>
    typeof p === 'object' && p !== null && 'workspaceId' in p && Object.keys(p).length === 1,
  loadOne: async (id, ctx) => {
    const visible = await ctx.prisma.connector.findFirst({
      where: { workspaceId: dbId(String(id)), ...visibleSharedWhere(ctx) },
      select: { workspaceId: true },
    });
    return visible ? { workspaceId: visible.workspaceId } : null;
  },
  fields: (t) => ({
    workspace: t.string({
      description: 'The workspace slug.',
      resolve: async (p, _a, ctx) => (await ctx.loaders.workspace.load(p.workspaceId))?.slug ?? '',
    }),
    name: t.string({
      description: 'The workspace name.',
      resolve: async (p, _a, ctx) => (await ctx.loaders.workspace.load(p.workspaceId))?.name ?? '',
    }),
    listedConnectors: t.int({
      description: 'How many of its connectors are in the community library.',
      resolve: async (p, _a, ctx) =>
        (await ctx.loaders.publisherStats.load(p.workspaceId)).listedConnectors,
    }),
    totalInstalls: t.int({
      description: 'Installs of its connectors into other workspaces, ever.',
      resolve: async (p, _a, ctx) =>
        (await ctx.loaders.publisherStats.load(p.workspaceId)).totalInstalls,
    }),
  }),
});

/** Another workspace's connector as a link or a listing shows it: never its drafts or private fields. */
export const SharedConnectorRef = builder.prismaNode('Connector', {
  variant: 'SharedConnector',
  description: 'A connector shared by a workspace, as others see it (shared versions only).',
  id: {
    field: 'id',
    description:
      'Global ID of the shared connector (not the same as its `Connector` ID, which only its workspace can use).',
  },
  nullable: true,
  findUnique: (id, ctx) => ({ id: dbId(id), ...visibleSharedWhere(ctx) }),
  fields: (t) => ({
    title: t.exposeString('title', { description: 'Its title.' }),
    description: t.exposeString('description', {
      nullable: true,
      description: 'Markdown description.',
    }),
    logoUrl: t.string({
      nullable: true,
      description:
        'Absolute URL of the logo image, `<server>/logos/<sha256>.<ext>`: public (any origin may load it), content-addressed and cacheable forever. Null without a logo.',
      resolve: (c, _args, ctx) => logoUrl(ctx, c.logo, c.logoSha256),
    }),
    yourCopy: t.prismaField({
      type: 'Connector',
      nullable: true,
      description:
        "Your workspace's copy of this connector (the newest, when it was installed more than once): the library offers it instead of a second identical copy. Null when your workspace has none (and for reviewers).",
      resolve: async (query, c, _a, ctx) => {
        if (ctx.actor?.kind !== 'member') return null;
        const install = await ctx.prisma.install.findFirst({
          where: { parentId: c.id, workspaceId: ctx.actor.workspaceId },
          orderBy: { id: 'desc' },
          select: { connectorId: true },
        });
        return install
          ? ctx.prisma.connector.findFirst({
              ...query,
              where: { id: install.connectorId, workspaceId: ctx.actor.workspaceId },
            })
          : null;
      },
    }),
    latestSharedVersion: t.field({
      type: SharedVersionRef,
      nullable: true,
      description:
        'The version an install by your workspace gets today: the shared version or, when your workspace is inside a staged rollout, the staged one; when that was yanked, the newest shared version before it that is not (null when all are).',
      resolve: async (c, _a, ctx) => {
        const shared = await ctx.loaders.sharedVersions.load(c.id);
        const offered = offeredAmong(
          c,
          ctx.actor?.kind === 'member' ? ctx.actor.workspaceId : null,
          shared,
        );
        return shared.find((v) => v.number === offered) ?? null;
      },
    }),
    sharedVersions: t.connection(
      {
        type: SharedVersionRef,
        description:
          'The shared versions you may see, newest first: their notes are the changelog. A version staged by a rollout shows only to workspaces inside it; a rolled-back one to nobody.',
        resolve: async (c, args, ctx) => {
          const visible = (await ctx.loaders.sharedVersions.load(c.id)).filter((v) =>
            visibleSharedVersion(c, v, ctx.actor),
          );
          return Object.assign(resolveArrayConnection({ args }, visible), {
            totalCount: visible.length,
          });
        },
      },
      SharedVersionConnection,
    ),
    totalInstalls: t.exposeInt('installCount', {
      description: 'Installs into other workspaces, ever.',
    }),
    publisher: t.field({
      type: PublisherRef,
      description: 'The workspace that shares it.',
      resolve: (c) => ({ workspaceId: c.workspaceId }),
    }),
  }),
});

const ShareLinkUseNode = builder.prismaNode('ShareLinkUse', {
  description: 'One install through a share link.',
  id: { field: 'id', description: 'Global ID of the use.' },
  nullable: true,
  findUnique: (id, ctx) => ({
    id: dbId(id),
    link: { connector: { workspaceId: workspaceOf(ctx) } },
  }),
  fields: (t) => ({
    workspace: t.string({
      description: 'Slug of the workspace that installed.',
      select: { workspace: { select: { slug: true } } },
      resolve: (u) => u.workspace.slug,
    }),
    member: t.relation('member', {
      nullable: true,
      description: 'Who installed (null once they left their workspace).',
    }),
    usedAt: t.expose('usedAt', { type: 'DateTime', description: 'When.' }),
  }),
});

const ShareLinkNode = builder.prismaNode('ShareLink', {
  description: 'A private share link (its secret is shown once, when it is created).',
  id: { field: 'id', description: 'Global ID of the link.' },
  nullable: true,
  findUnique: (id, ctx) => ({ id: dbId(id), connector: { workspaceId: workspaceOf(ctx) } }),
  fields: (t) => ({
    prefix: t.exposeString('prefix', {
      description: 'The first characters of the secret, to tell links apart.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was made.' }),
    createdBy: t.relation('createdBy', { nullable: true, description: 'Who made it.' }),
    revokedAt: t.expose('revokedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it stopped working, if it did (revoked or replaced).',
    }),
    expiresAt: t.expose('expiresAt', {
      type: 'DateTime',
      nullable: true,
      description: 'It refuses after this moment.',
    }),
    maxInstalls: t.exposeInt('maxInstalls', {
      nullable: true,
      description: 'It refuses after this many installs.',
    }),
    installCount: t.exposeInt('installCount', { description: 'Installs made through it.' }),
    uses: t.relatedConnection(
      'uses',
      {
        description: 'Which workspaces installed through the link, and when, newest first.',
        cursor: 'id',
        totalCount: true,
        query: { orderBy: { id: 'desc' } },
      },
      namedConnection(ShareLinkUseNode, 'ShareLinkUse', 'share link uses'),
    ),
  }),
});

builder.prismaObjectFields('Connector', (t) => ({
  shareLink: t.field({
    type: ShareLinkNode,
    nullable: true,
    description: 'The active private share link, if any.',
    select: { shareLinks: { where: { revokedAt: null }, orderBy: { id: 'desc' }, take: 1 } },
    resolve: (c) => c.shareLinks[0] ?? null,
  }),
  shareLinks: t.relatedConnection(
    'shareLinks',
    {
      description: 'Every share link of the connector, revoked ones included, newest first.',
      cursor: 'id',
      totalCount: true,
      query: { orderBy: { id: 'desc' } },
    },
    namedConnection(ShareLinkNode, 'ShareLink', 'share links'),
  ),
}));

builder.queryFields((t) => ({
  sharedConnector: t.field({
    type: SharedConnectorRef,
    nullable: true,
    description:
      'The connector a private share link points at; null when the link is unknown or revoked.',
    args: { token: t.arg.string({ required: true, description: 'The secret of the link.' }) },
    resolve: async (_root, { token }, ctx) => {
      try {
        return await connectorByShareToken(ctx, token);
      } catch (error) {
        if (error instanceof NotFoundError) return null;
        throw error;
      }
    },
  }),
}));

const CreateShareLinkPayload = payloadType<{ token: string; connector: ConnectorRow }>(
  'CreateShareLinkPayload',
  (t) => ({
    token: t.string({
      nullable: true,
      description:
        'The link secret: shown this once. Anyone holding it can view and install. Null when refused.',
      resolve: (p) => p.token ?? null,
    }),
    connector: t.field({
      type: ConnectorNode,
      nullable: true,
      description: 'The shared connector; null when refused.',
      resolve: (p) => p.connector ?? null,
    }),
  }),
);

const RevokeShareLinkPayload = payloadType<{ revoked: number; connector: ConnectorRow }>(
  'RevokeShareLinkPayload',
  (t) => ({
    revoked: t.int({
      nullable: true,
      description: 'How many links stopped working (0 or 1); null when refused.',
      resolve: (p) => p.revoked ?? null,
    }),
    connector: t.field({
      type: ConnectorNode,
      nullable: true,
      description: 'The connector; null when refused.',
      resolve: (p) => p.connector ?? null,
    }),
  }),
);

builder.mutationFields((t) => ({
  createShareLink: t.field({
    type: CreateShareLinkPayload,
    errorCodes: ['NOT_FOUND', 'NOTHING_SHARED', 'INVALID_INPUT', 'FORBIDDEN'],
    description: 'A new private share link; the previous one stops working at once.',
    args: inputArg(
      mutationInput('createShareLink', (f) => ({
        id: f.id({
          required: true,
          description: 'The connector (global ID); it must have a shared version.',
        }),
        expiresAt: f.field({
          type: 'DateTime',
          description: 'The link refuses after this moment.',
        }),
        maxInstalls: f.int({
          description: 'The link refuses after this many installs (1 to 1,000,000).',
        }),
      })),
      'The connector and the limits of the link.',
    ),
    resolve: async (_root, { input }, ctx) => {
      const id = parseGlobalId(String(input.id), 'Connector');
      const { token, link } = await createShareLink(ctx, id, {
        expiresAt: input.expiresAt,
        maxInstalls: input.maxInstalls,
      });
      return {
        token,
        connector: await ctx.prisma.connector.findUniqueOrThrow({
          where: { id: link.connectorId },
        }),
      };
    },
  }),
  revokeShareLink: t.field({
    type: RevokeShareLinkPayload,
    errorCodes: ['NOT_FOUND', 'FORBIDDEN'],
    description: 'Revokes the private share link: it stops working at once.',
    args: inputArg(
      idInput('revokeShareLink', 'The connector'),
      'The connector whose link to revoke.',
    ),
    resolve: async (_root, { input }, ctx) => {
      const id = parseGlobalId(String(input.id), 'Connector');
      const revoked = await revokeShareLinks(ctx, id);
      return {
        revoked,
        connector: await ctx.prisma.connector.findUniqueOrThrow({ where: { id } }),
      };
    },
  }),
}));
