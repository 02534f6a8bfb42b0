import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { PrismaClient } from '../db/database.js';
import {
  createConnector,
  findCode,
  releaseConnector,
  updateConnector,
  searchConnectorIds,
} from '../domain/connectors.js';
import { shareConnector } from '../domain/rollout.js';
import { requireActor, type DomainContext, type DomainEvents } from '../domain/context.js';
import { generateSchema } from '../schema-gen/generate.js';
import { DomainError, NotFoundError } from '../domain/errors.js';
import { LIMITS } from '../domain/limits.js';
import type { Env } from '../http/guard.js';
import { domainErrorResponse, errorBody, refuse } from './errors.js';
import { idParam, parseParams, requestParams } from './params.js';
import { connectorRecord, connectorRecords } from './records.js';

const optionalText = z.string().nullish();

const SearchParams = z.object({
  title: z.string({ error: 'title is required' }),
  page: z.coerce.number().int().min(1).default(1),
  per_page: z.coerce.number().int().min(1).max(LIMITS.pageSize).default(LIMITS.pageSize),
});

const CreateParams = z.object({
  title: z.string({ error: 'title is required' }),
  code: z.string({ error: 'code is required' }),
  logo: optionalText,
  description: optionalText,
  note: optionalText,
});

const UpdateParams = z.object({
  title: z.string().optional(),
  code: z.string().optional(),
  logo: optionalText,
  description: optionalText,
  note: optionalText,
  expected_latest_version: z.coerce.number().int().min(1).optional(),
});

/**
 * The spec's eight endpoints (`connector-sdk-api.md`) over the same domain functions as GraphQL.
 * Guards (body limit, UTF-8, token, rate limit) run before these in server.ts.
 */
export function restRoutes(prisma: PrismaClient, events: DomainEvents) {
  const api = new Hono<Env>();
  const ctx = (c: Context<Env>): DomainContext => ({
    prisma,
    actor: c.get('actor'),
    events,
    requestId: c.get('requestId'),
  });
  const connectorId = (c: Context<Env>) => {
    const parsed = idParam.safeParse(c.req.param('id'));
    if (!parsed.success)
      throw new NotFoundError('No connector with that id in this workspace.', 'id');
    return parsed.data;
  };

  // The SDK's schema generators: POST as the reference says, GET as its curl samples send.
  const SampleParams = z.object({
    // The SDK gem sends `{"sample": {}}` when it has no file: a JSON value stands for its own text.
    sample: z
      .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])
      .optional(),
    col_sep: z.string().optional(),
  });
  const sampleText = (sample: unknown) =>
    sample === undefined ? '' : typeof sample === 'string' ? sample : JSON.stringify(sample);
  api.on(['GET', 'POST'], '/sdk/generate_schema/json', async (c) => {
    requireActor(ctx(c));
    const { sample } = parseParams(SampleParams, requestParams(c));
    return c.json(await generateSchema('JSON', sampleText(sample)));
  });
  api.on(['GET', 'POST'], '/sdk/generate_schema/csv', async (c) => {
    requireActor(ctx(c));
    const { sample, col_sep } = parseParams(SampleParams, requestParams(c));
    return c.json(await generateSchema('CSV', sampleText(sample), col_sep ?? 'comma'));
  });

  api.get('/custom_connectors/search', async (c) => {
    const { title, page, per_page } = parseParams(SearchParams, requestParams(c));
    const ids = await searchConnectorIds(ctx(c), title, {
      skip: (page - 1) * per_page,
      take: per_page,
    });
    return c.json({ data: await connectorRecords(ctx(c), ids) });
  });

  api.get('/custom_connectors/:id/code', async (c) => {
    return c.json({ data: { code: await findCode(ctx(c), connectorId(c)) } });
  });

  api.post('/custom_connectors', async (c) => {
    const input = parseParams(CreateParams, requestParams(c));
    const connector = await createConnector(ctx(c), input);
    return c.json(await connectorRecord(ctx(c), connector.id));
  });

  api.put('/custom_connectors/:id', async (c) => {
    const id = connectorId(c);
    const { expected_latest_version, ...fields } = parseParams(UpdateParams, requestParams(c));
    await updateConnector(ctx(c), id, {
      ...fields,
      expectedLatestVersion: expected_latest_version,
    });
    return c.json(await connectorRecord(ctx(c), id));
  });

  api.post('/custom_connectors/:id/release', async (c) => {
    const id = connectorId(c);
    await releaseConnector(ctx(c), id);
    return c.json(await connectorRecord(ctx(c), id));
  });

  api.post('/custom_connectors/:id/share', async (c) => {
    const id = connectorId(c);
    await shareConnector(ctx(c), id);
    return c.json(await connectorRecord(ctx(c), id));
  });

  // A known path with a method it does not take: 405 with the methods it does.
  const ALLOW: Record<string, string[]> = {
    '/sdk/generate_schema/json': ['GET', 'POST'],
    '/sdk/generate_schema/csv': ['GET', 'POST'],
    '/custom_connectors/search': ['GET', 'HEAD'],
    '/custom_connectors/:id/code': ['GET', 'HEAD'],
    '/custom_connectors': ['POST'],
    '/custom_connectors/:id': ['PUT'],
    '/custom_connectors/:id/release': ['POST'],
    '/custom_connectors/:id/share': ['POST'],
  };
  for (const [path, methods] of Object.entries(ALLOW)) {
    api.all(path, (c) => {
      const body = {
        ...errorBody(405, `${c.req.method} is not allowed here; use ${methods.join(', ')}.`),
        error_code: 'METHOD_NOT_ALLOWED',
      };
      c.get('countError')?.('METHOD_NOT_ALLOWED', 'rest');
      return c.json(body, 405, { Allow: methods.join(', ') });
    });
  }

  api.onError((error, c) => {
    if (error instanceof DomainError) {
      c.get('countError')?.(error.code, 'rest');
      return domainErrorResponse(c, error);
    }
    c.get('countError')?.('INTERNAL_SERVER_ERROR', 'rest');
    c.get('log').error({ err: error, path: c.req.path }, 'internal error');
    return refuse(c, 500, 'Internal server error.');
  });
  return api;
}
