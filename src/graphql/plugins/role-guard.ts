import SchemaBuilder, {
  BasePlugin,
  type PothosOutputFieldConfig,
  type SchemaTypes,
} from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';
import { assertMayPerform } from '../../domain/access.js';
import type { Principal } from '../../domain/context.js';

/**
 * Read-only roles stay read-only through every mutation, present and future: before any mutation
 * field resolves (before its arguments are even parsed), the caller's role is checked against the
 * domain's rule (`assertMayPerform`: OPERATOR may only mark notifications read). The refusal is a
 * FORBIDDEN like any other; registered after the errors plugin, it lands in the mutation's payload.
 */
export class RoleGuardPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    if (fieldConfig.parentType !== 'Mutation') return resolver;
    const action = fieldConfig.name;
    return (parent, args, ctx, info) => {
      assertMayPerform((ctx as { actor?: Principal | null }).actor ?? null, action);
      return resolver(parent, args, ctx, info);
    };
  }
}

const pluginName = 'roleGuard';
declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      roleGuard: RoleGuardPlugin<Types>;
    }
  }
}
SchemaBuilder.registerPlugin(pluginName, RoleGuardPlugin);
export default pluginName;
