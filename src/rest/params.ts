import type { Context } from 'hono';
import { z } from 'zod';
import { InvalidInputError } from '../domain/errors.js';
import { findUnstorableText } from '../domain/input.js';
import type { Env } from '../http/guard.js';

/**
 * Request parameters, wherever the client put them: a JSON body (also on GET, and also when curl
 * `--data-raw` labels it form-encoded), a form body, or the query string. Body fields win over
 * query fields of the same name.
 */
export function requestParams(c: Context<Env>): Record<string, unknown> {
  const params = rawParams(c);
  const where = findUnstorableText(params, 'params');
  if (where)
    throw new InvalidInputError(
      `Text at ${where} holds a NUL character, which cannot be stored.`,
      where,
    );
  return params;
}

function rawParams(c: Context<Env>): Record<string, unknown> {
  const query: Record<string, unknown> = { ...c.req.query() };
  const bytes = c.get('body');
  const text = bytes ? new TextDecoder().decode(bytes).trim() : '';
  if (!text) return query;
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new InvalidInputError(
        `The request body is not valid JSON: ${(error as Error).message}`,
        'body',
      );
    }
    return { ...query, ...(parsed as Record<string, unknown>) };
  }
  if ((c.req.header('content-type') ?? '').startsWith('application/x-www-form-urlencoded')) {
    return { ...query, ...Object.fromEntries(new URLSearchParams(text)) };
  }
  throw new InvalidInputError('The request body must be a JSON object.', 'body');
}

/** Validates parameters with a zod schema; the first problem becomes a typed INVALID_INPUT. */
export function parseParams<S extends z.ZodType>(schema: S, params: unknown): z.infer<S> {
  const result = schema.safeParse(params);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.join('.') || null;
  throw new InvalidInputError(field ? `${field}: ${issue.message}` : issue.message, field);
}

/**
 * `:id` path segments are positive 32-bit integers written plainly (`12`); anything else, also
 * what only evaluates to one (`1e0`, `0x1`, `1.0`, `01`), is a connector that does not exist.
 */
export const idParam = z
  .string()
  .regex(/^[1-9][0-9]{0,9}$/)
  .transform(Number)
  .pipe(z.number().max(2147483647));
