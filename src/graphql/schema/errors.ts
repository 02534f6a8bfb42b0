import type { FieldMap, ObjectParam } from '@pothos/core';
import { ERROR_CODES, type DomainError, type ErrorCode } from '../../domain/errors.js';
import type { Connector } from '../../generated/prisma/client.js';
import { builder } from '../builder.js';
import { edgeRef, idEdge } from '../connections.js';
import type { UserErrorShape } from '../plugins/user-errors.js';

/**
 * What each code means to a client. Typed by ErrorCode, so a new domain code cannot reach the
 * schema without a description.
 */
const ERROR_CODE_DESCRIPTIONS: Record<ErrorCode, string> = {
  INVALID_INPUT:
    'An input value breaks a rule (too long, not UTF-8, not an image, out of range…); `field` says which.',
  NOT_FOUND:
    'The object does not exist for you (objects of other workspaces included), or the ID is malformed.',
  VERSION_CONFLICT:
    'The connector moved past `expectedLatestVersion`; `expectedLatestVersion` and `latestVersion` say where it is. Fetch it and retry.',
  CODE_HAS_ERRORS:
    'The latest version has code errors and cannot be released; `detail` holds the first error.',
  ALREADY_RELEASED: 'The latest version is released already.',
  NOTHING_RELEASED: 'There is no released version to share or export.',
  ALREADY_SHARED: 'The latest released version is shared already.',
  ALREADY_OEM_SHARED:
    'The latest released version is OEM-shared with the managed workspaces already.',
  NOTHING_SHARED:
    'The connector has no shared version, so it cannot be listed, linked or installed.',
  DIRECT_INSTALL_PREVENTED:
    'The listing sends installers to its landing page (`detail`) instead of installing.',
  OWN_CONNECTOR: 'A workspace cannot install its own connector.',
  NOT_AN_INSTALL: "The connector is not a copy of another workspace's connector.",
  UP_TO_DATE: "The copy already has the parent's latest version for your workspace.",
  LISTING_STATE: 'The listing is not in a state that allows this review decision.',
  DIGEST_MISMATCH: 'The code does not match its recorded SHA-256 digest; nothing was copied.',
  MERGE_CONFLICT:
    "The parent's update overlaps your copy's own changes; the payload's `conflicts` list them. Retry with `resolve`.",
  LINK_EXPIRED: 'The share link is past its expiry time.',
  LINK_EXHAUSTED: 'The share link reached its maximum number of installs.',
  VERSION_YANKED: 'The version was yanked and is not given to new installs.',
  NOTHING_TO_ROLL_OUT: 'The connector has no staged share to widen, narrow or roll back.',
  TESTS_FAILING:
    'The connector requires passing tests to release or share, and some test cases have not passed against the version; `detail` names them.',
  TOO_MANY_RUNS:
    'Your workspace has as many connector runs queued or running as it may; retry when one ends.',
  RUN_FINISHED: 'The run is over already; only queued or running runs can be cancelled.',
  EXECUTOR_UNAVAILABLE: 'This registry runs no connector code (started with EXECUTOR_MODE=none).',
  AUTHORIZATION_FAILED:
    "An OAuth2 authorization could not go on: the connector's `authorization_url` or code exchange failed (its run says why), or the provider refused.",
  FORBIDDEN:
    'Your role may not do this (OPERATOR is read-only; reviewing is for platform reviewers).',
  UNAUTHENTICATED: 'No valid token: a top-level error, never in `userErrors`.',
  RATE_LIMITED:
    'Over the rate limit: a top-level error with the time to retry, never in `userErrors`.',
};

export const ErrorCodeEnum = builder.enumType('ErrorCode', {
  description:
    'Stable codes of refusals: in `userErrors[].code` of mutation payloads and in `extensions.code` of top-level errors.',
  values: Object.fromEntries(
    ERROR_CODES.map((code) => [code, { description: ERROR_CODE_DESCRIPTIONS[code] }]),
  ) as Record<ErrorCode, { description: string }>,
});

export const UserErrorRef = builder.objectRef<UserErrorShape>('UserError').implement({
  description:
    'Why a mutation refused: nothing was changed. One concrete type for every refusal, so normalized client caches keep every field without `possibleTypes`; fields that only some codes fill are null otherwise.',
  fields: (t) => ({
    code: t.expose('code', {
      type: ErrorCodeEnum,
      description: 'Stable, machine-readable reason.',
    }),
    message: t.exposeString('message', { description: 'What went wrong, for people.' }),
    field: t.exposeStringList('field', {
      nullable: true,
      description:
        'Path of the input value the refusal is about, e.g. `["input", "code"]`; null when it is about no single value.',
    }),
    detail: t.exposeString('detail', {
      nullable: true,
      description:
        'CODE_HAS_ERRORS: the first code error; DIRECT_INSTALL_PREVENTED: the landing page to send people to.',
    }),
    expectedLatestVersion: t.exposeInt('expectedLatestVersion', {
      nullable: true,
      description: 'VERSION_CONFLICT: the version you expected to be the latest.',
    }),
    latestVersion: t.exposeInt('latestVersion', {
      nullable: true,
      description: 'VERSION_CONFLICT: the latest version now.',
    }),
  }),
});

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** A payload's shape: what the mutation answers on success, absent when it refused. */
export type Payload<Shape extends object> = Partial<Shape> & {
  userErrors?: UserErrorShape[];
  refusal?: DomainError;
};

/**
 * A mutation's own payload type: its fields (nullable, since a refusal leaves them unset) plus
 * `userErrors`. The UserErrors plugin fills `userErrors` from what the resolver throws.
 */
export function payloadType<Shape extends object>(
  name: string,
  fields: (t: PothosSchemaTypes.ObjectFieldBuilder<Types, Payload<Shape>>) => FieldMap,
  description = resultOf(name),
) {
  return builder.objectRef<Payload<Shape>>(name).implement({
    description,
    fields: (t) => ({
      ...fields(t),
      userErrors: t.field({
        type: [UserErrorRef],
        description:
          'Why the mutation refused; empty when it succeeded. A refusal changes nothing.',
        resolve: (p) => p.userErrors ?? [],
      }),
    }),
  });
}

/** What most payloads say of themselves: "The result of `setRollout`." for SetRolloutPayload. */
export function resultOf(payloadName: string): string {
  return `The result of \`${payloadName[0].toLowerCase()}${payloadName.slice(1, -'Payload'.length)}\`.`;
}

/**
 * A payload of one object as the mutation left it, under `key` (null when it refused): a saved
 * connection, a listing, a run, a test case…
 */
export function objectPayload<Shape extends object>(
  name: string,
  key: keyof Shape & string,
  type: ObjectParam<Types>,
  fieldDescription: string,
  description = resultOf(name),
) {
  return payloadType<Shape>(
    name,
    (t) => ({
      [key]: t.field({
        type: type as never,
        nullable: true,
        description: fieldDescription,
        resolve: (p) => (p[key] ?? null) as never,
      }),
    }),
    description,
  );
}

/**
 * A payload that holds the connector as the mutation left it. With `edge` (mutations that add a
 * connector to your workspace's list) also `connectorEdge`, for Relay's `@appendEdge`/`@prependEdge`.
 */
export function connectorPayload(
  name: string,
  ConnectorRef: ObjectParam<Types>,
  opts: { edge?: boolean; description?: string } = {},
) {
  return payloadType<{ connector: Connector }>(
    name,
    (t) => ({
      connector: t.field({
        type: ConnectorRef as never,
        nullable: true,
        description: 'The connector as the mutation left it; null when it refused.',
        resolve: (p) => (p.connector ?? null) as never,
      }),
      ...(opts.edge
        ? {
            connectorEdge: t.field({
              type: edgeRef('Connector') as never,
              nullable: true,
              description:
                'The new connector as an edge of `connectors` (its cursor included), for clients that insert it into a list (Relay `@prependEdge`); null when it refused.',
              resolve: (p) => idEdge(p.connector) as never,
            }),
          }
        : {}),
    }),
    opts.description,
  );
}
