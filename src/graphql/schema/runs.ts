import { resolveArrayConnection } from '@pothos/plugin-relay';
import { GraphQLError } from 'graphql';
import { filter, pipe } from 'graphql-yoga';
import type { CodeStructure } from '../../code/structure.js';
import type { Exchange as StoredExchange } from '../../executor/types.js';
import { requireRunUser } from '../../domain/connections.js';
import { cancelRun, runTopic, startRun, type RunEvent } from '../../domain/runs.js';
import type { ConnectorRun } from '../../generated/prisma/client.js';
import { builder } from '../builder.js';
import { VersionNode } from './connectors.js';
import { dbId, namedConnection } from '../connections.js';
import { objectPayload, payloadType } from './errors.js';
import { parseGlobalId } from '../ids.js';
import { runWorkspaceOf } from './connections.js';
import { idInput, inputArg, mutationInput } from './inputs.js';

interface Header {
  name: string;
  value: string;
}
type ExchangeView = StoredExchange & { expectedHost: string | null; runId: number };

const headersOf = (h: Record<string, string> | undefined): Header[] =>
  Object.entries(h ?? {}).map(([name, value]) => ({ name, value: String(value) }));

/** A run's exchanges, each with the host its connector's base_uri names (to flag the others). */
async function exchangesOf(
  ctx: { prisma: import('../../db/database.js').PrismaClient },
  r: Pick<ConnectorRun, 'id' | 'connectorId' | 'version' | 'exchanges'>,
): Promise<ExchangeView[]> {
  const version = await ctx.prisma.connectorVersion.findUnique({
    where: { connectorId_number: { connectorId: r.connectorId, number: r.version } },
    select: { structure: true },
  });
  const expectedHost =
    ((version?.structure ?? null) as CodeStructure | null)?.connection?.baseUriHost ?? null;
  return ((r.exchanges ?? []) as unknown as StoredExchange[]).map((e) => ({
    ...e,
    expectedHost,
    runId: r.id,
  }));
}

const RunStatusEnum = builder.enumType('RunStatus', {
  description: 'Where a run is: waiting, running, or how it ended.',
  values: {
    QUEUED: { description: 'Stored, waiting for an executor.' },
    RUNNING: { description: 'An executor is running it.' },
    SUCCEEDED: { description: 'The code returned; `output` holds what.' },
    FAILED: {
      description:
        'The code raised (`error()`, a failed request, a Ruby error): `error` says what and where.',
    },
    TIMED_OUT: { description: 'It ran past the wall-clock limit and was stopped.' },
    MEMORY_LIMIT: {
      description: 'It used more memory than a VM may (256 MiB by default) and was stopped.',
    },
    CANCELLED: { description: 'Someone cancelled it (`cancelRun`).' },
    EXECUTOR_CRASHED: {
      description: 'The executor running it crashed or was killed; the run was not retried.',
    },
  } as const,
});

const HttpHeaderRef = builder.objectRef<Header>('HttpHeader').implement({
  description: 'One HTTP header (secret ones redacted).',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Header name.' }),
    value: t.exposeString('value', {
      description:
        'Header value; `[REDACTED]` for credentials (Authorization, cookies, API keys, tokens).',
    }),
  }),
});

const HttpRequestRef = builder.objectRef<StoredExchange['request']>('HttpRequest').implement({
  description: 'A request the connector sent, as recorded.',
  fields: (t) => ({
    method: t.exposeString('method', { description: 'HTTP method.' }),
    url: t.exposeString('url', { description: 'The full URL (secret query values redacted).' }),
    headers: t.field({
      type: [HttpHeaderRef],
      complexity: { field: 1, multiplier: 1 },
      description: 'Request headers.',
      resolve: (r) => headersOf(r.headers),
    }),
    body: t.exposeString('body', {
      nullable: true,
      description: 'The body as sent; null without one.',
    }),
    bodyTruncated: t.exposeBoolean('bodyTruncated', {
      description: 'Whether the body was cut at the recording cap.',
    }),
  }),
});

const HttpResponseRef = builder
  .objectRef<NonNullable<StoredExchange['response']>>('HttpResponse')
  .implement({
    description: 'The answer to a recorded request.',
    fields: (t) => ({
      status: t.exposeInt('status', { description: 'HTTP status code.' }),
      headers: t.field({
        type: [HttpHeaderRef],
        complexity: { field: 1, multiplier: 1 },
        description: 'Response headers.',
        resolve: (r) => headersOf(r.headers),
      }),
      body: t.exposeString('body', { description: 'The body (Base64 when `binary`).' }),
      bodyTruncated: t.exposeBoolean('bodyTruncated', {
        description: 'Whether the body was cut at the recording cap.',
      }),
      binary: t.boolean({
        description: 'Whether the body is Base64 (it was not UTF-8 text).',
        resolve: (r) => r.binary === true,
      }),
    }),
  });

const HttpExchangeRef = builder.objectRef<ExchangeView>('HttpExchange');
builder.node(HttpExchangeRef, {
  description: 'One HTTP request of a run and its response (a redirect is an exchange of its own).',
  id: {
    resolve: (e) => `${e.runId}-${e.seq}`,
    description: 'Global ID of the exchange (its run and its place in it).',
  },
  isTypeOf: (e) =>
    typeof e === 'object' && e !== null && 'seq' in e && 'request' in e && 'runId' in e,
  loadOne: async (id, ctx) => {
    const [run, seq] = String(id)
      .split('-')
      .map((n) => dbId(n));
    const row = await ctx.prisma.connectorRun.findFirst({
      where: { id: run, workspaceId: runWorkspaceOf(ctx) },
    });
    if (!row) return null;
    return (await exchangesOf(ctx, row)).find((e) => e.seq === seq) ?? null;
  },
  fields: (t) => ({
    seq: t.exposeInt('seq', { description: 'Order within the run, from 1.' }),
    request: t.expose('request', {
      type: HttpRequestRef,
      description: 'What was sent.',
    }),
    response: t.field({
      type: HttpResponseRef,
      nullable: true,
      description: 'What came back; null when nothing did (see `error`).',
      resolve: (e) => e.response ?? null,
    }),
    elapsedMs: t.exposeFloat('elapsedMs', {
      description: 'Milliseconds from sending to the whole answer.',
    }),
    error: t.string({
      nullable: true,
      description:
        'Why there is no response: refused by the address guard, timeout, network error.',
      resolve: (e) => e.error ?? null,
    }),
    unexpectedHost: t.boolean({
      description:
        "Whether the request went to a host other than the connector's `base_uri` host (false when the code gives no literal base_uri): what a reviewer of community code looks for.",
      resolve: (e) => {
        if (!e.expectedHost) return false;
        try {
          return new URL(e.request.url).host !== e.expectedHost;
        } catch {
          return true;
        }
      },
    }),
  }),
});

const HttpExchangeConnection = namedConnection(HttpExchangeRef, 'HttpExchange', 'HTTP exchanges');

const RunErrorRef = builder
  .objectRef<{ message: string; line: number | null; kind: string | null }>('RunError')
  .implement({
    description: 'Why a run did not succeed.',
    fields: (t) => ({
      message: t.exposeString('message', { description: 'What went wrong (secrets redacted).' }),
      line: t.exposeInt('line', {
        nullable: true,
        description:
          "The line of the connector's code where it happened; null when not in the code (a timeout, a crash).",
      }),
      kind: t.exposeString('kind', {
        nullable: true,
        description:
          "The Ruby error class or the executor's reason (`Timeout`, `MemoryLimit`, `ExecutorCrashed`, `RequestFailed`…).",
      }),
    }),
  });

interface PollView {
  events: unknown[];
  dedupKeys: (string | null)[];
  nextPoll: unknown;
  canPollMore: boolean;
  pages: number;
}

const PollResultRef = builder.objectRef<PollView>('PollResult').implement({
  description:
    "What a trigger's poll gave: its events, their dedup keys and the closure for the next poll.",
  fields: (t) => ({
    events: t.expose('events', {
      type: ['JSON'],
      description: 'The events, in the order the platform would hand them on.',
    }),
    dedupKeys: t.expose('dedupKeys', {
      type: ['String'],
      nullable: { list: false, items: true },
      description: "Each event's `dedup` key (null without a dedup lambda).",
    }),
    nextPoll: t.field({
      type: 'JSON',
      nullable: true,
      description:
        'The closure for the next poll (`next_poll`): pass it as `closure` to poll again from there.',
      resolve: (p) => (p.nextPoll ?? null) as never,
    }),
    canPollMore: t.exposeBoolean('canPollMore', {
      description: 'Whether the poll said more events were waiting.',
    }),
    pages: t.exposeInt('pages', { description: 'How many pages were polled.' }),
  }),
});

export const ConnectorRunNode = builder.prismaNode('ConnectorRun', {
  description:
    'One run of connector code, with what it was given and everything it did (secrets redacted). ADMIN and DEVELOPER only.',
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id: dbId(id), workspaceId: runWorkspaceOf(ctx) }),
  fields: (t) => {
    // A JSON column as the JSON scalar (Prisma's JsonValue is not Pothos' scalar type: the cast).
    const json = (column: 'input' | 'closure' | 'args' | 'output', description: string) =>
      t.field({ type: 'JSON', nullable: true, description, resolve: (r) => r[column] as never });
    return {
      status: t.expose('status', {
        type: RunStatusEnum,
        description: 'Where the run is, or how it ended.',
      }),
      target: t.exposeString('target', {
        description:
          'What ran: `test`, `actions.<a>`, `triggers.<t>.poll`, `pick_lists.<p>`, `methods.<m>`…',
      }),
      version: t.exposeInt('version', { description: 'The connector version that ran.' }),
      versionNode: t.field({
        type: VersionNode,
        nullable: true,
        description: 'The version that ran, as an object (null once deleted).',
        resolve: (r, _a, ctx) =>
          ctx.prisma.connectorVersion.findUnique({
            where: { connectorId_number: { connectorId: r.connectorId, number: r.version } },
          }),
      }),
      connector: t.relation('connector', { description: 'The connector that ran.' }),
      connection: t.relation('connection', {
        nullable: true,
        description: 'The saved connection it ran with; null without one or once deleted.',
      }),
      input: json('input', 'The input it was given (secret values redacted).'),
      closure: json('closure', "A poll's closure; null otherwise."),
      args: json('args', "A method's arguments; null otherwise."),
      output: json('output', 'What the code returned; null until it succeeds.'),
      poll: t.field({
        type: PollResultRef,
        nullable: true,
        description:
          "For a trigger's poll: events, dedup keys and the next closure; null for other targets.",
        resolve: (r) => (r.details as { poll?: PollView | null } | null)?.poll ?? null,
      }),
      schema: t.field({
        type: 'JSON',
        nullable: true,
        description:
          'For a whole action (`actions.<a>`): `{inputFields, outputFields}` as evaluated; null otherwise.',
        resolve: (r) => ((r.details as { schema?: unknown } | null)?.schema ?? null) as never,
      }),
      error: t.field({
        type: RunErrorRef,
        nullable: true,
        description: 'Why it failed, and where in the code; null unless it failed.',
        resolve: (r) =>
          r.errorMessage ? { message: r.errorMessage, line: r.errorLine, kind: r.errorKind } : null,
      }),
      logs: t.exposeStringList('logs', {
        description: 'What the code printed (`puts`), secrets redacted.',
      }),
      httpExchanges: t.connection(
        {
          type: HttpExchangeRef,
          description: 'Every HTTP request it sent and the response, in order.',
          resolve: async (r, args, ctx) => {
            const all = await exchangesOf(ctx, r);
            return Object.assign(resolveArrayConnection({ args }, all), { totalCount: all.length });
          },
        },
        HttpExchangeConnection,
      ),
      durationMs: t.exposeInt('durationMs', {
        nullable: true,
        description: 'How long the code ran (ms); null until it ends.',
      }),
      settingsUpdated: t.exposeBoolean('settingsUpdated', {
        description: "Whether the run refreshed the connection's credentials (stored, sealed).",
      }),
      actor: t.relation('actor', {
        nullable: true,
        description: 'Who ran it; null once that member is gone (see `actorHandle`).',
      }),
      actorHandle: t.exposeString('actorHandle', {
        description: 'Handle of who ran it, kept after they leave.',
      }),
      createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was asked for.' }),
      startedAt: t.expose('startedAt', {
        type: 'DateTime',
        nullable: true,
        description: 'When an executor took it; null while queued.',
      }),
      finishedAt: t.expose('finishedAt', {
        type: 'DateTime',
        nullable: true,
        description: 'When it ended; null while queued or running.',
      }),
    };
  },
});

const ConnectorRunConnection = namedConnection(ConnectorRunNode, 'ConnectorRun', 'runs');

builder.prismaObjectFields('Connector', (t) => ({
  runs: t.relatedConnection(
    'runs',
    {
      description:
        'Runs of this connector, newest first (the newest RUN_HISTORY_CAP, 200 by default, are kept). ADMIN and DEVELOPER only (FORBIDDEN for other roles).',
      cursor: 'id',
      totalCount: true,
      query: (_args, ctx) => {
        requireRunUser(ctx);
        // Test replays are listed with their results (Connector.tests), not here.
        return { orderBy: { id: 'desc' as const }, where: { testResult: { is: null } } };
      },
    },
    ConnectorRunConnection,
  ),
}));

const RunConnectorInput = mutationInput('runConnector', (t) => ({
  connectorId: t.id({
    required: true,
    description: 'The connector (global ID): one of your workspace, installed copies included.',
  }),
  version: t.int({
    description: 'The version to run; unset runs the latest (after saving `code`, when given).',
  }),
  target: t.string({
    description:
      'What to run (required): `test`, `actions.<a>` (input fields → execute → output fields), `actions.<a>.execute|input_fields|output_fields`, `triggers.<t>.poll`, `triggers.<t>.webhook_notification`, `triggers.<t>.input_fields|output_fields`, `pick_lists.<p>`, `methods.<m>`, `object_definitions.<o>.fields`.',
  }),
  input: t.field({ type: 'JSON', description: 'The input: a JSON object (default `{}`).' }),
  closure: t.field({
    type: 'JSON',
    description:
      "A poll's closure (`triggers.<t>.poll` only), e.g. a previous run's `poll.nextPoll`.",
  }),
  args: t.field({
    type: 'JSON',
    description: "A method's arguments as a JSON array (`methods.<m>` only).",
  }),
  payload: t.field({
    type: 'JSON',
    description: "A webhook's body as a JSON object (`triggers.<t>.webhook_notification` only).",
  }),
  connectionId: t.id({
    description:
      'A saved connection of this connector (global ID); unset runs without connection values.',
  }),
  code: t.string({
    description:
      'Unsaved editor text: saved as the next version first (as the platform does; `savedVersion` says so), then run. Not with `version`.',
  }),
  expectedLatestVersion: t.int({
    description:
      'With `code`: refuse with VERSION_CONFLICT unless the connector is still at this version.',
  }),
}));

const RunConnectorPayload = payloadType<{
  run: ConnectorRun;
  savedVersion: number | null;
  connectorId: number;
}>('RunConnectorPayload', (t) => ({
  run: t.field({
    type: ConnectorRunNode,
    nullable: true,
    description: 'The run, QUEUED (follow it with `runUpdated` or `node`); null when it refused.',
    resolve: (p) => p.run ?? null,
  }),
  savedVersion: t.field({
    type: VersionNode,
    nullable: true,
    description:
      "The version `code` was saved as before the run; null when no code was given or it was the latest version's.",
    resolve: (p, _a, ctx) =>
      p.savedVersion != null && p.connectorId != null
        ? ctx.prisma.connectorVersion.findUnique({
            where: { connectorId_number: { connectorId: p.connectorId, number: p.savedVersion } },
          })
        : null,
  }),
}));

const CancelRunInput = idInput('cancelRun', 'The run');

const CancelRunPayload = objectPayload<{ run: ConnectorRun }>(
  'CancelRunPayload',
  'run',
  ConnectorRunNode,
  'The run, CANCELLED; null when it refused.',
);

builder.mutationFields((t) => ({
  runConnector: t.field({
    type: RunConnectorPayload,
    errorCodes: [
      'INVALID_INPUT',
      'NOT_FOUND',
      'CODE_HAS_ERRORS',
      'VERSION_CONFLICT',
      'TOO_MANY_RUNS',
      'EXECUTOR_UNAVAILABLE',
      'FORBIDDEN',
    ],
    // A run costs an executor VM for up to a minute: it weighs on the token's budget like a large read.
    complexity: 100,
    description:
      'Runs connector code on the sandboxed executor (ADMIN and DEVELOPER): the connection test, an action, a trigger poll, a pick list, a method… Answers at once with the QUEUED run; `runUpdated` follows it. Audited; costs 100 points of the GraphQL budget.',
    args: inputArg(RunConnectorInput, 'What to run, with what.'),
    resolve: async (_root, { input }, ctx) => {
      const connectorId = parseGlobalId(
        String(input.connectorId),
        'Connector',
        'input.connectorId',
      );
      const { run, savedVersion } = await startRun(ctx, {
        connectorId,
        version: input.version,
        target: input.target,
        input: input.input,
        closure: input.closure,
        args: input.args,
        payload: input.payload,
        connectionId:
          input.connectionId == null
            ? null
            : parseGlobalId(String(input.connectionId), 'ConnectionProfile', 'input.connectionId'),
        code: input.code,
        expectedLatestVersion: input.expectedLatestVersion,
      });
      return { run, savedVersion, connectorId };
    },
  }),
  cancelRun: t.field({
    type: CancelRunPayload,
    errorCodes: ['NOT_FOUND', 'RUN_FINISHED', 'FORBIDDEN', 'EXECUTOR_UNAVAILABLE'],
    description: 'Cancels a queued or running run: it ends CANCELLED and its executor stops it.',
    args: inputArg(CancelRunInput, 'The run to cancel.'),
    resolve: async (_root, { input }, ctx) => ({
      run: await cancelRun(ctx, parseGlobalId(String(input.id), 'ConnectorRun')),
    }),
  }),
}));

builder.subscriptionFields((t) => ({
  runUpdated: t.prismaField({
    type: 'ConnectorRun',
    description:
      'Runs of your workspace as they change (queued, running, ended), from any gateway or executor process. ADMIN and DEVELOPER only.',
    args: {
      connectorId: t.arg.id({ description: 'Only runs of this connector (global ID).' }),
      runId: t.arg.id({ description: 'Only this run (global ID).' }),
    },
    subscribe: (_root, args, ctx) => {
      const actor = requireRunUser(ctx);
      const connectorId =
        args.connectorId == null
          ? null
          : parseGlobalId(String(args.connectorId), 'Connector', 'connectorId');
      const runId =
        args.runId == null ? null : parseGlobalId(String(args.runId), 'ConnectorRun', 'runId');
      // Yoga's filter ends with the subscriber, unlike a generator waiting on the next event.
      return pipe(
        ctx.pubsub.subscribe(runTopic(actor.workspaceId)) as AsyncIterable<RunEvent>,
        filter(
          (e: RunEvent) =>
            (connectorId === null || e.connectorId === connectorId) &&
            (runId === null || e.runId === runId),
        ),
      );
    },
    resolve: async (query, payload, _args, ctx) => {
      const { runId } = payload as RunEvent;
      const found = await ctx.prisma.connectorRun.findFirst({
        ...query,
        where: { id: runId, workspaceId: runWorkspaceOf(ctx) },
      });
      if (!found) throw new GraphQLError('The run is gone.', { extensions: { code: 'NOT_FOUND' } });
      return found;
    },
  }),
}));
