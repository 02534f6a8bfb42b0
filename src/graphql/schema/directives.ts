import {
  DirectiveLocation,
  GraphQLBoolean,
  GraphQLDirective,
  GraphQLInt,
  GraphQLNonNull,
  GraphQLString,
  specifiedDirectives,
} from 'graphql';

/**
 * The incremental delivery directives the server runs (Yoga's defer-stream plugin), declared in
 * the schema itself so that the printed schema.graphql has them: tools that validate operations
 * against that file (graphql-inspector, graphql-eslint, codegen) then accept deferred operations.
 * Same shape as graphql-js 17 and @graphql-tools/utils define them; the plugin keeps these.
 */
export const DeferDirective = new GraphQLDirective({
  name: 'defer',
  description:
    'Sends this fragment later, in a following part of the answer (needs `Accept: multipart/mixed` or `text/event-stream`), when `if` is true.',
  locations: [DirectiveLocation.FRAGMENT_SPREAD, DirectiveLocation.INLINE_FRAGMENT],
  args: {
    if: {
      type: new GraphQLNonNull(GraphQLBoolean),
      defaultValue: true,
      description: 'Deferred when true (the default).',
    },
    label: {
      type: GraphQLString,
      description: 'A name, unique in the operation, that the later part carries.',
    },
  },
});

export const StreamDirective = new GraphQLDirective({
  name: 'stream',
  description:
    'Sends the items of this list field one part at a time after the first `initialCount` (needs `Accept: multipart/mixed` or `text/event-stream`), when `if` is true.',
  locations: [DirectiveLocation.FIELD],
  args: {
    if: {
      type: new GraphQLNonNull(GraphQLBoolean),
      defaultValue: true,
      description: 'Streamed when true (the default).',
    },
    label: {
      type: GraphQLString,
      description: 'A name, unique in the operation, that the later parts carry.',
    },
    initialCount: {
      type: GraphQLInt,
      defaultValue: 0,
      description: 'How many items come in the first part.',
    },
  },
});

export const directives = [...specifiedDirectives, DeferDirective, StreamDirective];
