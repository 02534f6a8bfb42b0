import type { Connector as ConnectorRow } from '../generated/prisma/client.js';
import { canViewSource } from '../domain/access.js';
import { visibleSharedVersion } from '../domain/rollout.js';
import { connectorByShareToken, createShareLink, revokeShareLinks } from '../domain/sharing.js';
import { NotFoundError } from '../domain/errors.js';
import { builder } from './builder.js';
import { ConnectorNode } from './connector.js';
import { payloadType } from './errors.js';
import { parseGlobalId } from './ids.js';
import type { VersionSummary } from './loaders.js';

/** A shared version as other workspaces see it. */
export const SharedVersionRef = builder.objectRef<VersionSummary>('SharedVersion').implement({
  description: 'A version another workspace shared: what it does, its note and (for ADMIN and DEVELOPER) its code.',
  fields: (t) => ({
    number: t.exposeInt('number'),
    note: t.exposeString('note', { nullable: true }),
    actions: t.exposeStringList('actions'),
    triggers: t.exposeStringList('triggers'),
    sharedAt: t.expose('sharedAt', { type: 'DateTime', nullable: true }),
    sha256: t.exposeString('codeSha256', { description: 'SHA-256 (hex) of the code; installs verify what they copy against it.' }),
    deprecatedAt: t.expose('deprecatedAt', { type: 'DateTime', nullable: true }),
    deprecationMessage: t.exposeString('deprecationMessage', { nullable: true }),
    replacementVersion: t.exposeInt('replacementVersion', { nullable: true }),
    yanked: t.boolean({ resolve: (v) => v.yankedAt != null }),
    sourceVisible: t.boolean({
      description: 'Whether your role may read the code (ADMIN, DEVELOPER, platform reviewers; never OPERATOR).',
      resolve: (_v, _a, ctx) => canViewSource(ctx.actor),
    }),
    code: t.string({
      nullable: true,
      description: 'The source; null unless your role may read source (ADMIN, DEVELOPER, platform reviewers).',
      resolve: (v, _a, ctx) => (canViewSource(ctx.actor) ? ctx.loaders.versionCode.load(v) : null),
    }),
  }),
});

const PublisherRef = builder.objectRef<{ workspaceId: number }>('Publisher').implement({
  description: 'The workspace that shares a connector, with its community stats.',
  fields: (t) => ({
    workspace: t.string({ resolve: async (p, _a, ctx) => (await ctx.loaders.workspace.load(p.workspaceId))?.slug ?? '' }),
    name: t.string({ resolve: async (p, _a, ctx) => (await ctx.loaders.workspace.load(p.workspaceId))?.name ?? '' }),
    listedConnectors: t.int({ resolve: async (p, _a, ctx) => (await ctx.loaders.publisherStats.load(p.workspaceId)).listedConnectors }),
    totalInstalls: t.int({ resolve: async (p, _a, ctx) => (await ctx.loaders.publisherStats.load(p.workspaceId)).totalInstalls }),
  }),
});

/** Another workspace's connector as a link or a listing shows it: never its drafts or private fields. */
export const SharedConnectorRef = builder.objectRef<ConnectorRow>('SharedConnector').implement({
  description: 'A connector shared by a workspace, as others see it (latest shared version only).',
  fields: (t) => ({
    title: t.exposeString('title'),
    description: t.exposeString('description', { nullable: true }),
    logo: t.exposeString('logo', { nullable: true }),
    latestSharedVersion: t.field({
      type: SharedVersionRef,
      nullable: true,
      resolve: (c, _a, ctx) => (c.sharedVersion == null ? null : ctx.loaders.versionSummary.load({ connectorId: c.id, number: c.sharedVersion })),
    }),
    sharedVersions: t.field({
      type: [SharedVersionRef],
      description:
        'The ten most recent shared versions you may see, newest first: their notes are the changelog. A version staged by a rollout shows only to workspaces inside it; a rolled-back one to nobody.',
      resolve: async (c, _a, ctx) => (await ctx.loaders.sharedVersions.load(c.id)).filter((v) => visibleSharedVersion(c, v, ctx.actor)).slice(0, 10),
    }),
    totalInstalls: t.exposeInt('installCount'),
    publisher: t.field({ type: PublisherRef, resolve: (c) => ({ workspaceId: c.workspaceId }) }),
  }),
});

builder.prismaObject('ShareLinkUse', {
  description: 'One install through a share link.',
  fields: (t) => ({
    workspace: t.string({ select: { workspace: { select: { slug: true } } }, resolve: (u) => u.workspace.slug }),
    member: t.relation('member', { nullable: true }),
    usedAt: t.expose('usedAt', { type: 'DateTime' }),
  }),
});

const ShareLinkInfo = builder.prismaObject('ShareLink', {
  description: 'A private share link (its secret is shown once, when it is created).',
  fields: (t) => ({
    prefix: t.exposeString('prefix', { description: 'The first characters of the secret, to tell links apart.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    createdBy: t.relation('createdBy', { nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    maxInstalls: t.exposeInt('maxInstalls', { nullable: true }),
    installCount: t.exposeInt('installCount'),
    uses: t.relation('uses', {
      description: 'Which workspaces installed through the link, and when (the 100 most recent).',
      query: { orderBy: { id: 'desc' }, take: 100 },
    }),
  }),
});

builder.prismaObjectFields('Connector', (t) => ({
  shareLink: t.field({
    type: ShareLinkInfo,
    nullable: true,
    description: 'The active private share link, if any.',
    select: { shareLinks: { where: { revokedAt: null }, orderBy: { id: 'desc' }, take: 1 } },
    resolve: (c) => c.shareLinks[0] ?? null,
  }),
  shareLinks: t.relation('shareLinks', {
    description: 'Every share link of the connector, newest first (the 20 most recent), with its use log.',
    query: { orderBy: { id: 'desc' }, take: 20 },
  }),
}));

builder.queryFields((t) => ({
  sharedConnector: t.field({
    type: SharedConnectorRef,
    nullable: true,
    description: 'The connector a private share link points at; null when the link is unknown or revoked.',
    args: { token: t.arg.string({ required: true }) },
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

const CreateShareLinkPayload = payloadType<{ token: string; connector: ConnectorRow }>('CreateShareLinkPayload', 'The result of `createShareLink`.', (t) => ({
  token: t.string({
    nullable: true,
    description: 'The link secret: shown this once. Anyone holding it can view and install. Null when refused.',
    resolve: (p) => p.token ?? null,
  }),
  connector: t.field({ type: ConnectorNode, nullable: true, description: 'The shared connector; null when refused.', resolve: (p) => p.connector ?? null }),
}));

const RevokeShareLinkPayload = payloadType<{ revoked: number; connector: ConnectorRow }>('RevokeShareLinkPayload', 'The result of `revokeShareLink`.', (t) => ({
  revoked: t.int({ nullable: true, description: 'How many links stopped working (0 or 1); null when refused.', resolve: (p) => p.revoked ?? null }),
  connector: t.field({ type: ConnectorNode, nullable: true, description: 'The connector; null when refused.', resolve: (p) => p.connector ?? null }),
}));

const IdInput = (name: string) =>
  builder.inputType(name, {
    description: `Input of \`${name[0].toLowerCase()}${name.slice(1, -'Input'.length)}\`.`,
    fields: (t) => ({ id: t.id({ required: true, description: 'The connector (global ID).' }) }),
  });

builder.mutationFields((t) => ({
  createShareLink: t.field({
    type: CreateShareLinkPayload,
    errorCodes: ['NOT_FOUND', 'NOTHING_SHARED', 'INVALID_INPUT', 'FORBIDDEN'],
    description: 'A new private share link; the previous one stops working at once.',
    args: {
      input: t.arg({
        type: builder.inputType('CreateShareLinkInput', {
          fields: (f) => ({
            id: f.id({ required: true }),
            expiresAt: f.field({ type: 'DateTime', description: 'The link refuses after this moment.' }),
            maxInstalls: f.int({ description: 'The link refuses after this many installs.' }),
          }),
        }),
        required: true,
      }),
    },
    resolve: async (_root, { input }, ctx) => {
      const id = parseGlobalId(String(input.id), 'Connector');
      const { token, link } = await createShareLink(ctx, id, { expiresAt: input.expiresAt, maxInstalls: input.maxInstalls });
      return { token, connector: await ctx.prisma.connector.findUniqueOrThrow({ where: { id: link.connectorId } }) };
    },
  }),
  revokeShareLink: t.field({
    type: RevokeShareLinkPayload,
    errorCodes: ['NOT_FOUND', 'FORBIDDEN'],
    description: 'Revokes the private share link: it stops working at once.',
    args: { input: t.arg({ type: IdInput('RevokeShareLinkInput'), required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const id = parseGlobalId(String(input.id), 'Connector');
      const revoked = await revokeShareLinks(ctx, id);
      return { revoked, connector: await ctx.prisma.connector.findUniqueOrThrow({ where: { id } }) };
    },
  }),
}));
