import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError, PreconditionError, type ErrorCode } from '../domain/errors.js';
import { SampleError } from '../schema-gen/errors.js';

/**
 * REST error bodies. The spec shows two shapes, `{"message": …}` in its response-code tables and
 * `{"errors": [{"code": 400, "title": …}]}` in its examples; clients read one or the other (the
 * SDK gem reads `message`), so every error body carries both.
 */
export function errorBody(status: number, message: string, title = message) {
  return { message, errors: [{ code: status, title }] };
}

export function refuse(
  c: Context,
  status: ContentfulStatusCode,
  message: string,
  title?: string,
  headers?: Record<string, string>,
) {
  return c.json(errorBody(status, message, title), status, headers);
}

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  INVALID_INPUT: 400,
  CODE_HAS_ERRORS: 400,
  ALREADY_RELEASED: 400,
  NOTHING_RELEASED: 400,
  ALREADY_SHARED: 400,
  ALREADY_OEM_SHARED: 400,
  NOTHING_SHARED: 400,
  DIRECT_INSTALL_PREVENTED: 400,
  OWN_CONNECTOR: 400,
  NOT_AN_INSTALL: 400,
  UP_TO_DATE: 400,
  LISTING_STATE: 400,
  DIGEST_MISMATCH: 400,
  MERGE_CONFLICT: 409,
  LINK_EXPIRED: 404,
  LINK_EXHAUSTED: 404,
  VERSION_YANKED: 400,
  NOTHING_TO_ROLL_OUT: 400,
  TESTS_FAILING: 400,
  TOO_MANY_RUNS: 429,
  RUN_FINISHED: 409,
  AUTHORIZATION_FAILED: 400,
  EXECUTOR_UNAVAILABLE: 503,
  NOT_FOUND: 404,
  VERSION_CONFLICT: 409,
  FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
  RATE_LIMITED: 429,
};

/** The spec's wording for release and share refusals: `message` from its tables, `title` from its examples. */
const SPEC_WORDING: Partial<Record<ErrorCode, { message: string; title: string }>> = {
  CODE_HAS_ERRORS: {
    message: 'Fix code errors before releasing the connector',
    title: 'Fix code errors before releasing the connector',
  },
  ALREADY_RELEASED: {
    message: 'Connector’s released version is already the latest version',
    title: 'The latest version of the custom connector is already released.',
  },
  NOTHING_RELEASED: {
    message: 'There is no released version to share',
    title: 'Release the latest version of the code first',
  },
  ALREADY_SHARED: {
    message: 'Connector’s shared version is already the latest released version',
    title: 'The latest version of the custom connector is already shared',
  },
};

/** A domain refusal as the spec's status and body; the field path loses its GraphQL `input.` prefix. */
export function domainErrorResponse(c: Context, error: DomainError): Response {
  const status = STATUS[error.code];
  const wording = SPEC_WORDING[error.code];
  // A code error's title is the finding itself, e.g. "Line 2 has syntax errors: …".
  const detail = error instanceof PreconditionError ? error.detail : null;
  const message = wording?.message ?? error.message;
  const title = detail ?? wording?.title ?? error.message;
  const body: Record<string, unknown> = errorBody(status, message, title);
  body.error_code = error instanceof SampleError ? error.reason : error.code;
  if (error instanceof SampleError && error.line != null)
    Object.assign(body, { line: error.line, column: error.column });
  if (error.field) body.field = error.field.replace(/^input\./, '');
  // Every 401 names its scheme (RFC 6750), as the HTTP layer's refusals do.
  return c.json(
    body,
    status,
    status === 401 ? { 'WWW-Authenticate': 'Bearer error="invalid_token"' } : undefined,
  );
}
