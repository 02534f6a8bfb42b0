import { MergeConflictError } from '../../domain/errors.js';
import { installConnector, updateFromParent } from '../../domain/installs.js';
import { offeredAmong } from '../../domain/rollout.js';
import { builder } from '../builder.js';
import { describedEnum } from '../enums.js';
import { ConnectorNode } from './connectors.js';
import { connectorPayload, payloadType } from './errors.js';
import type { MergeConflict } from '../../code/merge.js';
import type { Connector as ConnectorRow } from '../../generated/prisma/client.js';
import { parseGlobalId } from '../ids.js';
import { dbId } from '../connections.js';
import { workspaceOf } from './connectors.js';
import { SharedConnectorRef } from './sharing.js';
import { inputArg, mutationInput } from './inputs.js';

const InstallSourceEnum = describedEnum('InstallSource', 'Where a copy was installed from.', {
  LISTING: 'From the community library.',
  LINK: 'From a private share link.',
  OEM: "Handed to this managed workspace by its partner's OEM share.",
});

/** What a copy needs to know which parent version is offered to its workspace. */
export const OFFER_SELECT = {
  baseVersion: true,
  workspaceId: true,
  parent: { select: { id: true, sharedVersion: true, rolloutVersion: true, rolloutPercent: true } },
} as const;

/** The parent's version offered to the copy's workspace that it has not taken; null when none. */
export async function offeredUpdate(
  i: {
    baseVersion: number;
    workspaceId: number;
    parent: {
      id: number;
      sharedVersion: number | null;
      rolloutVersion: number | null;
      rolloutPercent: number | null;
    };
  },
  ctx: {
    loaders: { sharedVersions: { load(id: number): Promise<Parameters<typeof offeredAmong>[2]> } };
  },
): Promise<number | null> {
  const offered = offeredAmong(
    i.parent,
    i.workspaceId,
    await ctx.loaders.sharedVersions.load(i.parent.id),
  );
  return offered != null && offered > i.baseVersion ? offered : null;
}

export const InstallRef = builder.prismaNode('Install', {
  description: "A copy's relationship with the connector it was installed from.",
  id: { field: 'id', description: 'Global ID of the install.' },
  nullable: true,
  // node(id): installs into your own workspace.
  findUnique: (id, ctx) => ({ id: dbId(id), workspaceId: workspaceOf(ctx) }),
  fields: (t) => ({
    source: t.expose('source', {
      type: InstallSourceEnum,
      description: 'Where it was installed from.',
    }),
    parent: t.field({
      type: SharedConnectorRef,
      description: 'The connector it is a copy of.',
      select: { parent: true },
      resolve: (i) => i.parent,
    }),
    initialVersion: t.exposeInt('installedVersion', {
      description: "The parent's version copied at install time.",
    }),
    baseVersion: t.exposeInt('baseVersion', {
      description: "The parent's version this copy last took (install or update).",
    }),
    updateAvailable: t.boolean({
      description:
        'Whether the parent offers your workspace a version this copy has not taken yet (its shared version, or the staged one while your workspace is inside a rollout): what `updateFromParent` would bring.',
      select: OFFER_SELECT,
      resolve: async (i, _a, ctx) => (await offeredUpdate(i, ctx)) != null,
    }),
    createdAt: t.expose('installedAt', { type: 'DateTime', description: 'When it was installed.' }),
    createdBy: t.relation('installedBy', { nullable: true, description: 'Who installed it.' }),
    updatedAt: t.expose('updatedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it last took an update.',
    }),
  }),
});

builder.prismaObjectFields('Connector', (t) => ({
  installedFrom: t.relation('installedFrom', {
    nullable: true,
    description: "Set when this connector is a copy of another workspace's.",
  }),
}));

const ConflictSideRef = builder.objectRef<MergeConflict['ours']>('ConflictSide').implement({
  description:
    'One side of a merge conflict: a 1-based, inclusive line range and its text (an empty side has `end` = `start` - 1).',
  fields: (t) => ({
    start: t.exposeInt('start', { description: 'First line.' }),
    end: t.exposeInt('end', { description: 'Last line.' }),
    text: t.exposeString('text', { description: 'The lines.' }),
  }),
});

const MergeConflictRef = builder.objectRef<MergeConflict>('MergeConflict').implement({
  description: "A part of the parent's update that overlaps a change made to the copy.",
  fields: (t) => ({
    ours: t.expose('ours', {
      type: ConflictSideRef,
      description: "The copy's lines.",
    }),
    base: t.expose('base', {
      type: ConflictSideRef,
      description: 'The lines both started from.',
    }),
    theirs: t.expose('theirs', {
      type: ConflictSideRef,
      description: "The parent's lines.",
    }),
  }),
});

const UpdateFromParentPayload = payloadType<{ connector: ConnectorRow }>(
  'UpdateFromParentPayload',
  (t) => ({
    connector: t.field({
      type: ConnectorNode,
      nullable: true,
      description: 'Your copy as the update left it; null when refused.',
      resolve: (p) => p.connector ?? null,
    }),
    conflicts: t.field({
      type: [MergeConflictRef],
      description:
        'With MERGE_CONFLICT: the overlapping parts (nothing was written); empty otherwise.',
      resolve: (p) => (p.refusal instanceof MergeConflictError ? p.refusal.conflicts : []),
    }),
  }),
);

builder.mutationFields((t) => ({
  installConnector: t.field({
    type: connectorPayload('InstallConnectorPayload', ConnectorNode, { edge: true }),
    errorCodes: [
      'INVALID_INPUT',
      'NOT_FOUND',
      'NOTHING_SHARED',
      'DIRECT_INSTALL_PREVENTED',
      'OWN_CONNECTOR',
      'LINK_EXPIRED',
      'LINK_EXHAUSTED',
      'VERSION_YANKED',
      'DIGEST_MISMATCH',
      'FORBIDDEN',
    ],
    description:
      "Copies a shared connector into your workspace (ADMIN and DEVELOPER): from a library listing unless it prevents direct installation, or from a private link. The copy's version 1 is the parent's latest shared version.",
    args: inputArg(
      mutationInput('installConnector', (f) => ({
        listingId: f.id({
          description:
            'A listing of the community library (global ID); give this or `linkToken`, not both.',
        }),
        linkToken: f.string({
          description: 'The secret of a private share link; give this or `listingId`, not both.',
        }),
      })),
      'Where to install from.',
    ),
    resolve: async (_root, { input }, ctx) => ({
      connector: await installConnector(ctx, {
        listingId:
          input.listingId == null
            ? null
            : parseGlobalId(String(input.listingId), 'Listing', 'input.listingId'),
        linkToken: input.linkToken,
      }),
    }),
  }),
  updateFromParent: t.field({
    type: UpdateFromParentPayload,
    errorCodes: [
      'NOT_FOUND',
      'NOT_AN_INSTALL',
      'UP_TO_DATE',
      'MERGE_CONFLICT',
      'NOTHING_SHARED',
      'VERSION_YANKED',
      'DIGEST_MISMATCH',
      'FORBIDDEN',
    ],
    description:
      "Brings the parent's latest version for your workspace into your copy as a new latest version, merging it three ways with your own changes; your released version does not move.",
    args: inputArg(
      mutationInput('updateFromParent', (f) => ({
        id: f.id({ required: true, description: 'Your copy (global ID of the connector).' }),
        resolve: f.field({
          type: describedEnum('ConflictResolution', 'Which side wins where a merge overlaps.', {
            OURS: "Keep the copy's lines.",
            THEIRS: "Take the parent's lines.",
          }),
          description:
            'Which side wins where the update overlaps changes made to the copy; unset: refuse with the conflicts.',
        }),
      })),
      'The copy and how to settle overlaps.',
    ),
    resolve: async (_root, { input }, ctx) => ({
      connector: await updateFromParent(ctx, parseGlobalId(String(input.id), 'Connector'), {
        resolve: input.resolve,
      }),
    }),
  }),
}));
