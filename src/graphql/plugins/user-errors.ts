import SchemaBuilder, {
  BasePlugin,
  PothosSchemaError,
  type FieldNullability,
  type InputFieldMap,
  type PothosOutputFieldConfig,
  type SchemaTypes,
  type TypeParam,
} from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';
import type { Logger } from '../../log.js';
import {
  DomainError,
  PreconditionError,
  RateLimitedError,
  UnauthenticatedError,
  VersionConflictError,
  type ErrorCode,
} from '../../domain/errors.js';

/**
 * What a resolver's context offers to count a refusal for the metrics of the request's own
 * registry (the schema is built once and shared by every registry in the process). It travels in
 * the GraphQL context rather than an AsyncLocalStorage: one of those makes Node track every
 * promise of every request.
 */
export interface ErrorCounter {
  countError?(code: string, surface: string): void;
}

/** A refusal as a mutation payload carries it. */
export interface UserErrorShape {
  code: ErrorCode;
  message: string;
  field: string[] | null;
  detail: string | null;
  expectedLatestVersion: number | null;
  latestVersion: number | null;
}

/** What a mutation resolver answers with when the domain refuses: the refusal and its error. */
export interface RefusedPayload {
  userErrors: UserErrorShape[];
  /** The domain error behind it, for payload fields that show more of it (e.g. merge conflicts). */
  refusal: DomainError;
}

/**
 * The one mapping from a domain refusal to a UserError. Errors that are not refusals of the
 * operation (no or a bad token, rate limit, faults) give null: they stay top-level errors.
 */
export function toUserError(error: unknown): UserErrorShape | null {
  if (
    !(error instanceof DomainError) ||
    error instanceof UnauthenticatedError ||
    error instanceof RateLimitedError
  )
    return null;
  return {
    code: error.code,
    message: error.message,
    field: error.field ? error.field.split('.') : null,
    detail: error instanceof PreconditionError ? error.detail : null,
    expectedLatestVersion:
      error instanceof VersionConflictError ? error.expectedLatestVersion : null,
    latestVersion: error instanceof VersionConflictError ? error.latestVersion : null,
  };
}

function isRefused(value: unknown): value is RefusedPayload {
  return typeof value === 'object' && value !== null && 'refusal' in value;
}

/**
 * Shopify's convention for every mutation, applied by the builder so that no mutation can
 * forget it: a domain refusal thrown by the resolver becomes `{ userErrors: [...] }` in the
 * mutation's own payload (and is counted in the metrics); every Mutation field must declare the
 * codes it can refuse with (`errorCodes`), which are appended to its description.
 */
export class UserErrorsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): PothosOutputFieldConfig<Types> {
    if (fieldConfig.parentType !== 'Mutation') return fieldConfig;
    const codes = (fieldConfig.pothosOptions as { errorCodes?: readonly ErrorCode[] }).errorCodes;
    if (!codes)
      throw new PothosSchemaError(
        `Mutation.${fieldConfig.name} must declare the errorCodes it can return.`,
      );
    const list = codes.map((c) => `\`${c}\``).join(', ');
    return {
      ...fieldConfig,
      description:
        `${fieldConfig.description ?? ''}\n\nRefusals (\`userErrors[].code\`): ${list || 'none'}.`.trim(),
    };
  }

  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    if (fieldConfig.parentType !== 'Mutation') return resolver;
    const declared = new Set(
      (fieldConfig.pothosOptions as { errorCodes?: readonly ErrorCode[] }).errorCodes ?? [],
    );
    const mutation = `Mutation.${fieldConfig.name}`;
    return async (parent, args, ctx, info) => {
      try {
        const result = await resolver(parent, args, ctx, info);
        return isRefused(result) ? result : { ...(result as object), userErrors: [] };
      } catch (error) {
        const userError = toUserError(error);
        if (!userError) throw error;
        if (!declared.has(userError.code)) undeclaredRefusal(mutation, userError.code, error, ctx);
        (ctx as ErrorCounter | undefined)?.countError?.(userError.code, 'payload');
        return { userErrors: [userError], refusal: error as DomainError } satisfies RefusedPayload;
      }
    };
  }
}

/**
 * A mutation refused with a code its `errorCodes` (and so its description) does not list: the
 * declaration is out of date, a programming error. Logged at error level as an internal error;
 * the caller still gets the refusal. Under the test runner it throws instead, so that the suite
 * fails on the drift rather than passing over it.
 */
function undeclaredRefusal(mutation: string, code: ErrorCode, error: unknown, ctx: unknown): void {
  const message = `${mutation} refused with ${code}, which its errorCodes do not declare.`;
  if (process.env.VITEST) {
    console.error(`Undeclared refusal: ${message}`); // the test server's log is silent, and the error is masked in the answer
    throw new Error(message, { cause: error });
  }
  (ctx as ErrorCounter | undefined)?.countError?.('INTERNAL_SERVER_ERROR', 'graphql');
  (ctx as { log?: Logger }).log?.error(
    { err: error, mutation, code },
    `internal error: ${message}`,
  );
}

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      userErrors: UserErrorsPlugin<Types>;
    }
    export interface MutationFieldOptions<
      Types extends SchemaTypes,
      Type extends TypeParam<Types>,
      Nullable extends FieldNullability<Type>,
      Args extends InputFieldMap,
      ResolveReturnShape,
    > {
      /** The `ErrorCode`s this mutation can put in `userErrors` (documented in its description). */
      errorCodes: readonly ErrorCode[];
    }
  }
}

const pluginName = 'userErrors';
SchemaBuilder.registerPlugin(pluginName, UserErrorsPlugin);
export default pluginName;
