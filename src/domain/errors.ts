/**
 * Typed refusals of the domain. GraphQL puts the DomainError subclasses of a mutation into
 * its payload union; REST maps each to an HTTP status. Anything else thrown is a fault and
 * stays masked.
 */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'NOT_FOUND',
  'VERSION_CONFLICT',
  'CODE_HAS_ERRORS',
  'ALREADY_RELEASED',
  'NOTHING_RELEASED',
  'ALREADY_SHARED',
  'ALREADY_OEM_SHARED',
  'NOTHING_SHARED',
  'DIRECT_INSTALL_PREVENTED',
  'OWN_CONNECTOR',
  'NOT_AN_INSTALL',
  'UP_TO_DATE',
  'LISTING_STATE',
  'DIGEST_MISMATCH',
  'MERGE_CONFLICT',
  'LINK_EXPIRED',
  'LINK_EXHAUSTED',
  'VERSION_YANKED',
  'NOTHING_TO_ROLL_OUT',
  'TESTS_FAILING',
  'TOO_MANY_RUNS',
  'RUN_FINISHED',
  'EXECUTOR_UNAVAILABLE',
  'AUTHORIZATION_FAILED',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'RATE_LIMITED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  /** Input field the refusal is about, as a path such as `input.code`. */
  readonly field: string | null;
  constructor(message: string, field: string | null = null) {
    super(message);
    this.name = new.target.name;
    this.field = field;
  }
}

/** Input that breaks a rule (too long, not UTF-8, not an image…). */
export class InvalidInputError extends DomainError {
  readonly code = 'INVALID_INPUT';
}

/** The thing does not exist for this caller (other workspaces' things included). */
export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
}

/** The caller built on a version that is no longer the latest. */
export class VersionConflictError extends DomainError {
  readonly code = 'VERSION_CONFLICT';
  constructor(
    readonly expectedLatestVersion: number,
    readonly latestVersion: number,
  ) {
    super(
      `Expected latest version ${expectedLatestVersion} but the connector is at version ${latestVersion}; fetch it and retry.`,
      'input.expectedLatestVersion',
    );
  }
}

/** A release or share whose precondition does not hold. */
export class PreconditionError extends DomainError {
  constructor(
    readonly code:
      | 'CODE_HAS_ERRORS'
      | 'ALREADY_RELEASED'
      | 'NOTHING_RELEASED'
      | 'ALREADY_SHARED'
      | 'ALREADY_OEM_SHARED'
      | 'NOTHING_SHARED'
      | 'DIRECT_INSTALL_PREVENTED'
      | 'OWN_CONNECTOR'
      | 'NOT_AN_INSTALL'
      | 'UP_TO_DATE'
      | 'LISTING_STATE'
      | 'DIGEST_MISMATCH'
      | 'LINK_EXPIRED'
      | 'LINK_EXHAUSTED'
      | 'VERSION_YANKED'
      | 'NOTHING_TO_ROLL_OUT'
      | 'TESTS_FAILING',
    message: string,
    /** The finding behind the refusal, e.g. the first code error (`Line 2 has syntax errors…`). */
    readonly detail: string | null = null,
    field: string | null = null,
  ) {
    super(message, field);
  }
}

export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
}

/** No or an invalid token; never part of a payload, always a top-level error. */
export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED';
}

export class RateLimitedError extends DomainError {
  readonly code = 'RATE_LIMITED';
  constructor(readonly retryAfterSeconds: number) {
    super(`Rate limit exceeded; retry in ${retryAfterSeconds} s.`);
  }
}

/** An update from the parent whose changes overlap the copy's own: nothing was written. */
export class MergeConflictError extends DomainError {
  readonly code = 'MERGE_CONFLICT';
  constructor(readonly conflicts: import('../code/merge.js').MergeConflict[]) {
    super(
      `${conflicts.length} part(s) of the parent's update overlap changes made to this copy; nothing was written. Retry with resolve: OURS or THEIRS for those parts.`,
      'input.resolve',
    );
  }
}

/**
 * An OAuth2 authorization that cannot go on: the connector's `authorization_url` failed, the
 * provider refused, the code exchange failed, or the callback's `state` is unknown, used, expired
 * or from another browser. The sentences are in OAUTH_REFUSALS (src/domain/oauth.ts).
 */
export class AuthorizationFailedError extends DomainError {
  readonly code = 'AUTHORIZATION_FAILED';
  constructor(
    message: string,
    /** What went wrong, for the callback page and logs (`provider_refused`, `state_unknown`…). */
    readonly reason: string,
    /** The run that failed (the `authorization_url` or code exchange run), when one did. */
    readonly runId: number | null = null,
    field: string | null = null,
  ) {
    super(message, field);
  }
}

/** A run that cannot start or be cancelled (too many in flight, already over, no executor). */
export class RunRefusedError extends DomainError {
  constructor(
    readonly code: 'TOO_MANY_RUNS' | 'RUN_FINISHED' | 'EXECUTOR_UNAVAILABLE',
    message: string,
    field: string | null = null,
  ) {
    super(message, field);
  }
}
