import SchemaBuilder from '@pothos/core';
import { getNullableType, isListType } from 'graphql';
import ComplexityPlugin from '@pothos/plugin-complexity';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import type PrismaTypes from '../generated/pothos-types.js';
import { getDatamodel } from '../generated/pothos-types.js';
import type { GraphQLContext } from './context.js';
import { LIMITS } from '../domain/limits.js';
import ConnectionLimitsPlugin, { checkNodesIds } from './plugins/connection-limits.js';
import RoleGuardPlugin from './plugins/role-guard.js';
import { decodeNodeId } from './ids.js';
import UserErrorsPlugin from './plugins/user-errors.js';

/** The builder and its options; type definitions live in the files beside this one. */
export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  PrismaTypes: PrismaTypes;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
  DefaultFieldNullability: false;
}>({
  defaultFieldNullability: false,
  // UserErrors first: its wrapper turns refusals thrown anywhere below (the role guard included)
  // into payload userErrors.
  plugins: [
    UserErrorsPlugin,
    RoleGuardPlugin,
    ConnectionLimitsPlugin,
    PrismaPlugin,
    RelayPlugin,
    ComplexityPlugin,
  ],
  prisma: {
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    maxConnectionSize: LIMITS.pageSize,
    defaultConnectionSize: 20,
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'error',
  },
  relay: {
    nodeTypeOptions: { description: 'An object with a global ID, refetchable with `node(id:)`.' },
    pageInfoTypeOptions: {
      description: 'Where a page of a connection is, for fetching the next or previous one.',
    },
    clientMutationId: 'omit',
    cursorType: 'String',
    // `nodes` on every connection (the relay plugin's `nodesFieldOptions` does not reach it).
    nodesOnConnection: { description: 'The page of objects, without cursors.' },
    decodeGlobalID: decodeNodeId,
    // The same words on every connection's boilerplate, so no field or argument goes undescribed.
    idFieldOptions: {
      description:
        'Global ID: opaque, stable, accepted by `node(id:)` and by every argument that names this object.',
    },
    cursorFieldOptions: { description: 'Where this edge is, for `after`/`before`.' },
    nodeFieldOptions: { description: 'The object at this edge.' },
    edgesFieldOptions: { description: 'The page, with a cursor per object.' },
    pageInfoFieldOptions: { description: 'Where this page is in the whole list.' },
    hasNextPageFieldOptions: { description: 'Whether more objects follow this page.' },
    hasPreviousPageFieldOptions: { description: 'Whether objects come before this page.' },
    startCursorFieldOptions: { description: 'Cursor of the first object of the page.' },
    endCursorFieldOptions: { description: 'Cursor of the last object of the page.' },
    firstArgOptions: {
      description: `The first n objects (1 to ${LIMITS.pageSize}); give \`first\` or \`last\`, not both.`,
    },
    lastArgOptions: {
      description: `The last n objects (1 to ${LIMITS.pageSize}); give \`first\` or \`last\`, not both.`,
    },
    afterArgOptions: { description: 'Objects after this cursor.' },
    beforeArgOptions: { description: 'Objects before this cursor.' },
    nodeQueryOptions: {
      description:
        'Any object by its global ID, for refetching; null when it does not exist or is not yours to see.',
      args: { id: { description: 'The global ID of the object.' } },
    },
    nodesQueryOptions: {
      args: { ids: { description: `Global IDs (at most ${LIMITS.pageSize}).` } },
      description: `Objects by their global IDs (at most ${LIMITS.pageSize}), in the order asked; null for any that does not exist or is not yours.`,
      resolve: (_root, args, _ctx, _info, resolveNodes) => resolveNodes(checkNodesIds(args.ids)),
    },
  },
  complexity: {
    // Connections cost as many of their children as they may return; their `nodes`/`edges` were
    // counted by that `first`/`last` already; other lists count 10.
    fieldComplexity: (args, _ctx, field) => {
      // nodes(ids): each ID may load a whole object (a version with 10 MB of code).
      const ids = (args as { ids?: unknown }).ids;
      if (field.name === 'nodes' && Array.isArray(ids))
        return { field: 1, multiplier: Math.max(ids.length, 1) };
      const size =
        (args as { first?: number | null; last?: number | null }).first ??
        (args as { last?: number | null }).last;
      if (typeof size === 'number') return { field: 1, multiplier: Math.max(size, 1) };
      if (field.name === 'nodes' || field.name === 'edges') return { field: 1, multiplier: 1 };
      return { field: 1, multiplier: isListType(getNullableType(field.type)) ? 10 : 1 };
    },
  },
});

builder.queryType({ description: 'Reads: your workspace, the community library, and the caller.' });
builder.mutationType({
  description:
    'Changes: every mutation takes one `input` and returns its own payload with `userErrors`.',
});
builder.subscriptionType({ description: 'Live events over GraphQL-over-SSE.' });
