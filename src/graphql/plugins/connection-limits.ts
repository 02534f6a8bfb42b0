import SchemaBuilder, {
  BasePlugin,
  type PothosOutputFieldConfig,
  type SchemaTypes,
} from '@pothos/core';
import { GraphQLError, type GraphQLFieldResolver } from 'graphql';
import { LIMITS } from '../../domain/limits.js';

/**
 * Every connection must be asked for `first` or `last` (not both) between 1 and 100, as GitHub requires.
 * Pothos clamps an over-large page silently; a client that asked for 500 and got 100 would
 * think it had everything, so we refuse instead.
 */
export class ConnectionLimitsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    const args = fieldConfig.args;
    if (!(args.first && args.last && args.after && args.before)) return resolver;
    const where = `${fieldConfig.parentType}.${fieldConfig.name}`;
    return (parent, fieldArgs, ctx, info) => {
      const { first, last } = fieldArgs as { first?: number | null; last?: number | null };
      if (first == null && last == null) {
        throw pageError(`You must provide a \`first\` or \`last\` value to paginate ${where}.`);
      }
      // Relay allows both, but the slice they give together surprises everyone; GitHub refuses.
      if (first != null && last != null) {
        throw pageError(
          `Passing both \`first\` and \`last\` to paginate ${where} is not supported.`,
        );
      }
      for (const [name, value] of [
        ['first', first],
        ['last', last],
      ] as const) {
        if (value != null && (value < 1 || value > LIMITS.pageSize)) {
          throw pageError(
            `\`${name}\` on ${where} must be between 1 and ${LIMITS.pageSize}; got ${value}.`,
          );
        }
      }
      return resolver(parent, fieldArgs, ctx, info);
    };
  }
}

/** `nodes(ids)` is a list like any other: at most a page of IDs, refused rather than truncated. */
export function checkNodesIds<T>(ids: readonly T[]): T[] {
  if (ids.length > LIMITS.pageSize)
    throw pageError(
      `\`ids\` on Query.nodes takes at most ${LIMITS.pageSize} IDs; got ${ids.length}.`,
    );
  return [...ids];
}

function pageError(message: string) {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

const pluginName = 'connectionLimits';
declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      connectionLimits: ConnectionLimitsPlugin<Types>;
    }
  }
}
SchemaBuilder.registerPlugin(pluginName, ConnectionLimitsPlugin);
export default pluginName;
