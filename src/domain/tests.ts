import type { PrismaClient } from '../db/database.js';
import type { Exchange } from '../executor/types.js';
import type { ConnectorTest, Prisma, TestResult } from '../generated/prisma/client.js';
import { command } from './command.js';
import {
  connectionFieldsOf,
  connectorOfWorkspace,
  findOfWorkspace,
  openValues,
  requireRunUser,
  runServices,
  secretNames,
  workspaceFinder,
} from './connections.js';
import type { Tx } from './connector-store.js';
import type { DomainContext } from './context.js';
import {
  InvalidInputError,
  MergeConflictError,
  NotFoundError,
  PreconditionError,
  RunRefusedError,
} from './errors.js';
import type { RunServices } from './run-services.js';
import { REDACTED } from './redact.js';
import { PARENT_SELECT, previewUpdate } from './update-preview.js';
import { announceRun, parseTarget, RUN_LIMITS, runnable } from './runs.js';
import { FINAL_STATUSES } from './run-status.js';
import { parseAssertions } from './test-verdict.js';

/**
 * Recorded tests: a connector's test cases (a target, its input, and the recording of one real
 * run), replayed offline against any version, or against the merged result of a parent's update
 * before an installed copy takes it. A replay is a run like any other (the same executor, queue
 * and limits) whose HTTP is answered from the recording; its verdict (src/domain/test-verdict.ts)
 * is stored as a TestResult when the run ends (src/runs/execute.ts). See docs/testing-connectors.md.
 */

export const TEST_LIMITS = {
  perConnector: 50,
  nameChars: 100,
  /** A recording as JSON. */
  recordingBytes: 5 * 1024 * 1024,
  exchanges: 100,
  /** Test replays of one workspace queued or running at once. */
  inFlightPerWorkspace: 200,
  /** Results kept per connector (older ones are deleted). */
  resultsPerConnector: 2000,
} as const;

/** Who the update check runs as: nobody pressed a button, the parent's share did. */
export const UPDATE_CHECK_ACTOR = 'update-check';

function checkTestName(value: unknown, field = 'input.name'): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new InvalidInputError('A test needs a name.', field);
  const name = value.trim();
  if (name.length > TEST_LIMITS.nameChars)
    throw new InvalidInputError(
      `A test name has at most ${TEST_LIMITS.nameChars} characters.`,
      field,
    );
  return name;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A recording given by a client (the CLI's test files, the API): the shape runs record, checked. */
export function parseRecording(value: unknown, field = 'input.recording'): Exchange[] {
  const exchanges = isObject(value) && Array.isArray(value.exchanges) ? value.exchanges : value;
  if (!Array.isArray(exchanges))
    throw new InvalidInputError(
      'A recording is a list of HTTP exchanges ({request: {method, url, headers, body}, response: {status, headers, body}}), or an object with such a list as `exchanges`.',
      field,
    );
  if (exchanges.length > TEST_LIMITS.exchanges)
    throw new InvalidInputError(
      `A recording has at most ${TEST_LIMITS.exchanges} exchanges.`,
      field,
    );
  if (Buffer.byteLength(JSON.stringify(exchanges)) > TEST_LIMITS.recordingBytes)
    throw new InvalidInputError(
      `A recording is at most ${TEST_LIMITS.recordingBytes / 1024 / 1024} MB as JSON.`,
      field,
    );
  const strings = (h: unknown, at: string): Record<string, string> => {
    if (h == null) return {};
    if (!isObject(h) || Object.values(h).some((v) => typeof v !== 'string'))
      throw new InvalidInputError(`${at} must map header names to strings.`, field);
    return h as Record<string, string>;
  };
  return exchanges.map((e, i): Exchange => {
    const at = `exchanges[${i}]`;
    if (!isObject(e) || !isObject(e.request))
      throw new InvalidInputError(`${at} has no request.`, field);
    const { method, url, body } = e.request;
    if (typeof method !== 'string' || !/^[A-Z]{1,10}$/.test(method))
      throw new InvalidInputError(
        `${at}.request.method must be an HTTP method such as GET.`,
        field,
      );
    if (typeof url !== 'string' || !URL.canParse(url))
      throw new InvalidInputError(`${at}.request.url must be an absolute URL.`, field);
    if (body != null && typeof body !== 'string')
      throw new InvalidInputError(`${at}.request.body must be a string or null.`, field);
    let response: Exchange['response'];
    if (e.response != null) {
      const r = e.response;
      if (
        !isObject(r) ||
        !Number.isInteger(r.status) ||
        (r.status as number) < 100 ||
        (r.status as number) > 599
      )
        throw new InvalidInputError(
          `${at}.response.status must be an HTTP status (100–599).`,
          field,
        );
      if (r.body != null && typeof r.body !== 'string')
        throw new InvalidInputError(`${at}.response.body must be a string.`, field);
      response = {
        status: r.status as number,
        headers: strings(r.headers, `${at}.response.headers`),
        body: (r.body as string | undefined) ?? '',
        bodyTruncated: r.bodyTruncated === true,
        ...(r.binary === true ? { binary: true } : {}),
      };
    }
    return {
      seq: i + 1,
      request: {
        method,
        url,
        headers: strings(e.request.headers, `${at}.request.headers`),
        body: (body as string | null | undefined) ?? null,
        bodyTruncated: e.request.bodyTruncated === true,
      },
      ...(response ? { response } : {}),
      elapsedMs: typeof e.elapsedMs === 'number' ? e.elapsedMs : 0,
      ...(typeof e.error === 'string' ? { error: e.error } : {}),
    };
  });
}

function checkJson(value: unknown, field: string, limit: number = RUN_LIMITS.inputBytes) {
  if (value != null && Buffer.byteLength(JSON.stringify(value)) > limit)
    throw new InvalidInputError(`${field.split('.').pop()} is larger than ${limit} bytes.`, field);
}

export interface CreateTestInput {
  connectorId: number;
  name: unknown;
  /** Save this run (of the connector, SUCCEEDED) as the test: its target, input and recording. */
  runId?: number | null;
  /** Or give them: a target, its input and a recording (the CLI's test files). */
  target?: unknown;
  input?: unknown;
  closure?: unknown;
  args?: unknown;
  payload?: unknown;
  settings?: unknown;
  recording?: unknown;
  expectedOutput?: unknown;
  assertions?: unknown;
}

/** Saves a test case; bad input (a run that failed, a recording that does not parse…) stores nothing. */
export async function createConnectorTest(
  ctx: DomainContext,
  input: CreateTestInput,
): Promise<ConnectorTest> {
  const actor = requireRunUser(ctx);
  const connector = await connectorOfWorkspace(ctx, input.connectorId, actor.workspaceId);
  const name = checkTestName(input.name);
  const assertions = parseAssertions(input.assertions);
  if (typeof assertions === 'string') throw new InvalidInputError(assertions, 'input.assertions');

  let data: Omit<
    Prisma.ConnectorTestUncheckedCreateInput,
    'workspaceId' | 'connectorId' | 'name' | 'createdByHandle'
  >;
  if (input.runId != null) {
    if (input.recording != null || input.target != null)
      throw new InvalidInputError(
        'Give runId (to save a run) or target and recording, not both.',
        'input.runId',
      );
    const run = await findOfWorkspace(ctx, 'run', input.runId, 'input.runId', (where) =>
      ctx.prisma.connectorRun.findFirst({
        where,
        include: { testResult: { select: { id: true } } },
      }),
    );
    if (run.connectorId !== connector.id)
      throw new InvalidInputError('The run is of another connector.', 'input.runId');
    if (run.testResult)
      throw new InvalidInputError(
        'The run is a replay of a test; save a live run instead.',
        'input.runId',
      );
    if (run.status !== 'SUCCEEDED')
      throw new InvalidInputError(
        `Only a run that succeeded can be saved as a test; this one is ${run.status}.`,
        'input.runId',
      );
    data = {
      target: run.target,
      input: (run.input ?? {}) as Prisma.InputJsonValue,
      closure: (run.closure ?? undefined) as Prisma.InputJsonValue | undefined,
      args: (run.args ?? undefined) as Prisma.InputJsonValue | undefined,
      payload: (run.payload ?? undefined) as Prisma.InputJsonValue | undefined,
      settings: (run.connectionId
        ? await recordedSettings(ctx, run.connectionId, connector.id)
        : {}) as Prisma.InputJsonValue,
      recording: run.exchanges as Prisma.InputJsonValue,
      expectedOutput: (input.expectedOutput ?? run.output ?? undefined) as
        | Prisma.InputJsonValue
        | undefined,
      sourceRunId: run.id,
    };
  } else {
    const latest = await ctx.prisma.connectorVersion.findUniqueOrThrow({
      where: { connectorId_number: { connectorId: connector.id, number: connector.latestVersion } },
      select: { number: true, actions: true, triggers: true },
    });
    const { target } = parseTarget(input.target, latest);
    const recording = parseRecording(input.recording ?? []);
    const runInput = input.input ?? {};
    if (!isObject(runInput))
      throw new InvalidInputError('input must be a JSON object.', 'input.input');
    if (input.settings != null && !isObject(input.settings))
      throw new InvalidInputError(
        'settings must be a JSON object of connection values.',
        'input.settings',
      );
    if (input.args != null && !Array.isArray(input.args))
      throw new InvalidInputError(
        "args must be a JSON array (the method's arguments).",
        'input.args',
      );
    for (const f of ['input', 'closure', 'args', 'payload', 'settings', 'expectedOutput'] as const)
      checkJson(input[f], `input.${f}`);
    data = {
      target,
      input: runInput as Prisma.InputJsonValue,
      closure: (input.closure ?? undefined) as Prisma.InputJsonValue | undefined,
      args: (input.args ?? undefined) as Prisma.InputJsonValue | undefined,
      payload: (input.payload ?? undefined) as Prisma.InputJsonValue | undefined,
      settings: (input.settings ?? {}) as Prisma.InputJsonValue,
      recording: recording as unknown as Prisma.InputJsonValue,
      expectedOutput: (input.expectedOutput ?? undefined) as Prisma.InputJsonValue | undefined,
    };
  }
  return command(ctx, actor).run(async ({ tx, audit }) => {
    // Counted and named under the connector's row lock, so two saves cannot pass the cap together.
    await tx.$queryRaw`SELECT id FROM connectors WHERE id = ${connector.id} FOR UPDATE`;
    const count = await tx.connectorTest.count({ where: { connectorId: connector.id } });
    if (count >= TEST_LIMITS.perConnector)
      throw new InvalidInputError(
        `A connector has at most ${TEST_LIMITS.perConnector} test cases; delete one first.`,
        'input.connectorId',
      );
    if (await tx.connectorTest.count({ where: { connectorId: connector.id, name } }))
      throw new InvalidInputError(
        `The connector already has a test named "${name}".`,
        'input.name',
      );
    const row = await tx.connectorTest.create({
      data: {
        ...data,
        assertions: assertions as unknown as Prisma.InputJsonValue,
        workspaceId: actor.workspaceId,
        connectorId: connector.id,
        name,
        createdByHandle: actor.handle,
      },
    });
    await audit({
      action: 'TEST_CREATE',
      target: { type: 'ConnectorTest', id: row.id },
      after: {
        connectorId: connector.id,
        name,
        target: row.target,
        exchanges: (row.recording as unknown[]).length,
        fromRunId: row.sourceRunId,
      },
    });
    return row;
  });
}

/** The connection's values as a test keeps them: secrets replaced by the mark the recording has. */
async function recordedSettings(ctx: DomainContext, connectionId: number, connectorId: number) {
  const connection = await ctx.prisma.connection.findUnique({ where: { id: connectionId } });
  if (!connection) return {};
  const values = openValues(runServices(ctx).box, connection);
  const secret = new Set(secretNames(values, await connectionFieldsOf(ctx.prisma, connectorId)));
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, secret.has(k) ? REDACTED : v]),
  );
}

/** A test case of the caller's workspace (NOT_FOUND for any other). */
export const findTest = workspaceFinder('test', (db, where) =>
  db.connectorTest.findFirst({ where }),
);

export async function updateConnectorTest(
  ctx: DomainContext,
  id: number,
  input: { name?: unknown; assertions?: unknown; expectedOutput?: unknown },
): Promise<ConnectorTest> {
  const actor = requireRunUser(ctx);
  const test = await findTest(ctx, id);
  const data: Prisma.ConnectorTestUpdateInput = {};
  if (input.name != null) data.name = checkTestName(input.name);
  if (input.assertions != null) {
    const assertions = parseAssertions(input.assertions);
    if (typeof assertions === 'string') throw new InvalidInputError(assertions, 'input.assertions');
    data.assertions = assertions as unknown as Prisma.InputJsonValue;
  }
  if (input.expectedOutput !== undefined) {
    checkJson(input.expectedOutput, 'input.expectedOutput');
    data.expectedOutput = (input.expectedOutput ?? undefined) as Prisma.InputJsonValue | undefined;
  }
  return command(ctx, actor).run(async ({ tx, audit }) => {
    if (
      data.name &&
      data.name !== test.name &&
      (await tx.connectorTest.count({
        where: { connectorId: test.connectorId, name: data.name as string },
      }))
    )
      throw new InvalidInputError(
        `The connector already has a test named "${data.name}".`,
        'input.name',
      );
    const row = await tx.connectorTest.update({ where: { id }, data });
    await audit({
      action: 'TEST_UPDATE',
      target: { type: 'ConnectorTest', id },
      before: { name: test.name, assertions: test.assertions },
      after: { name: row.name, assertions: row.assertions },
    });
    return row;
  });
}

export async function deleteConnectorTest(ctx: DomainContext, id: number): Promise<ConnectorTest> {
  const actor = requireRunUser(ctx);
  const test = await findTest(ctx, id);
  return command(ctx, actor).run(async ({ tx, audit }) => {
    await tx.connectorTest.delete({ where: { id } });
    await audit({
      action: 'TEST_DELETE',
      target: { type: 'ConnectorTest', id },
      before: { connectorId: test.connectorId, name: test.name, target: test.target },
    });
    return test;
  });
}

export interface RunTestsInput {
  connectorId: number;
  /** Unset: the latest version. */
  version?: number | null;
  /** Replay against the merged result of the parent's offered update instead (an installed copy). */
  againstUpdate?: boolean | null;
  /** Only these test cases (default: all). */
  testIds?: number[] | null;
}

/** Replays test cases: one QUEUED run and one PENDING result each, judged when the run ends. */
export async function runConnectorTests(
  ctx: DomainContext,
  input: RunTestsInput,
): Promise<TestResult[]> {
  const { actor, services, connector } = await runnable(
    ctx,
    input.connectorId,
    'input.connectorId',
  );
  if (input.againstUpdate && input.version != null)
    throw new InvalidInputError('Give version or againstUpdate, not both.', 'input.version');
  const tests = await ctx.prisma.connectorTest.findMany({
    where: {
      connectorId: connector.id,
      ...(input.testIds?.length ? { id: { in: input.testIds } } : {}),
    },
    orderBy: { name: 'asc' },
  });
  if (input.testIds?.length && tests.length !== new Set(input.testIds).size)
    throw new NotFoundError('A test in testIds is not a test of this connector.', 'input.testIds');
  if (tests.length === 0)
    throw new InvalidInputError(
      'The connector has no test cases yet; save a run as a test first.',
      'input.connectorId',
    );

  let subject: Subject;
  if (input.againstUpdate) {
    const install = await ctx.prisma.install.findFirst({
      where: { connectorId: connector.id },
      include: { parent: { select: PARENT_SELECT } },
    });
    if (!install)
      throw new PreconditionError(
        'NOT_AN_INSTALL',
        'This connector was not installed from another workspace; it has no update to test.',
        null,
        'input.againstUpdate',
      );
    const update = await previewUpdate(ctx.prisma, install, actor.workspaceId);
    if (!update)
      throw new PreconditionError(
        'UP_TO_DATE',
        "This copy already has the parent's latest version for your workspace.",
        null,
        'input.againstUpdate',
      );
    if (update.code === null) throw new MergeConflictError(update.conflicts);
    subject = {
      version: update.copyVersion,
      parentVersion: update.parentVersion,
      code: update.code,
    };
  } else {
    const number = input.version ?? connector.latestVersion;
    const version = await ctx.prisma.connectorVersion.findUnique({
      where: { connectorId_number: { connectorId: connector.id, number } },
      select: { number: true, hasErrors: true },
    });
    if (!version)
      throw new NotFoundError(`The connector has no version ${number}.`, 'input.version');
    if (version.hasErrors)
      throw new PreconditionError(
        'CODE_HAS_ERRORS',
        `Version ${number} has code errors and cannot run; fix them first.`,
        null,
        'input.version',
      );
    subject = { version: number, parentVersion: null, code: null };
  }
  const inFlight = await ctx.prisma.testResult.count({
    where: { workspaceId: actor.workspaceId, status: 'PENDING' },
  });
  if (inFlight + tests.length > TEST_LIMITS.inFlightPerWorkspace)
    throw new RunRefusedError(
      'TOO_MANY_RUNS',
      `Your workspace has ${inFlight} test replays waiting (at most ${TEST_LIMITS.inFlightPerWorkspace}); retry when they end.`,
    );
  const { results } = await command(ctx, actor).run(async ({ tx, audit }) => {
    const made = await queueReplays(tx, {
      workspaceId: actor.workspaceId,
      connectorId: connector.id,
      tests,
      subject,
      actorId: actor.memberId,
      actorHandle: actor.handle,
    });
    await audit({
      action: 'TESTS_RUN',
      target: { type: 'Connector', id: connector.id },
      after: {
        version: subject.version,
        parentVersion: subject.parentVersion,
        tests: tests.map((t) => t.name),
      },
    });
    return made;
  });
  for (const r of results) await services.dispatch(r.runId!);
  return results;
}

interface Subject {
  /** The copy's version the results belong to (for an update: its latest, the merge's "ours"). */
  version: number;
  parentVersion: number | null;
  /** Code to run instead of the version's (an update's merged result). */
  code: string | null;
}

async function queueReplays(
  tx: Tx,
  a: {
    workspaceId: number;
    connectorId: number;
    tests: ConnectorTest[];
    subject: Subject;
    actorId: number | null;
    actorHandle: string;
  },
): Promise<{ results: TestResult[] }> {
  const results: TestResult[] = [];
  for (const test of a.tests) {
    const run = await tx.connectorRun.create({
      data: {
        workspaceId: a.workspaceId,
        connectorId: a.connectorId,
        version: a.subject.version,
        code: a.subject.code,
        target: test.target,
        input: test.input as Prisma.InputJsonValue,
        closure: (test.closure ?? undefined) as Prisma.InputJsonValue | undefined,
        args: (test.args ?? undefined) as Prisma.InputJsonValue | undefined,
        payload: (test.payload ?? undefined) as Prisma.InputJsonValue | undefined,
        actorId: a.actorId,
        actorHandle: a.actorHandle,
        logs: [],
      },
    });
    results.push(
      await tx.testResult.create({
        data: {
          workspaceId: a.workspaceId,
          connectorId: a.connectorId,
          testId: test.id,
          version: a.subject.version,
          parentVersion: a.subject.parentVersion,
          runId: run.id,
        },
      }),
    );
    await announceRun(tx, run);
  }
  await pruneTestHistory(tx, a.connectorId);
  return { results };
}

/** Keeps the newest results (and replay runs) of a connector; finished ones past the cap go. */
async function pruneTestHistory(tx: Tx, connectorId: number): Promise<void> {
  const edge = await tx.testResult.findMany({
    where: { connectorId },
    orderBy: { id: 'desc' },
    skip: TEST_LIMITS.resultsPerConnector,
    take: 1,
    select: { id: true },
  });
  if (!edge.length) return;
  const old = { connectorId, id: { lte: edge[0].id }, status: { not: 'PENDING' as const } };
  await tx.connectorRun.deleteMany({
    where: { connectorId, status: { in: [...FINAL_STATUSES] }, testResult: { is: old } },
  });
  await tx.testResult.deleteMany({ where: old });
}

/**
 * After a parent offers a version (share, rollout): each notified copy that has test cases
 * replays them against what the update would make of it, so its banner and notification can say
 * "your tests: 5 passed, 1 failed" before anyone takes it. Best effort: a failure here never
 * undoes the share (it is logged), and a conflicting merge is left for the person to resolve.
 */
export async function checkUpdatesOfInstallers(
  prisma: PrismaClient,
  services: RunServices | null | undefined,
  notificationIds: number[],
): Promise<void> {
  if (!services?.canRun || notificationIds.length === 0) return;
  const notifications = await prisma.notification.findMany({
    where: { id: { in: notificationIds } },
    select: { workspaceId: true, install: { include: { parent: { select: PARENT_SELECT } } } },
  });
  for (const { workspaceId, install } of notifications) {
    if (!install) continue; // a review decision, not an update
    const tests = await prisma.connectorTest.findMany({
      where: { connectorId: install.connectorId },
    });
    if (tests.length === 0) continue;
    const update = await previewUpdate(prisma, install, workspaceId);
    if (!update || update.code === null) continue;
    const { results } = await prisma.$transaction((tx) =>
      queueReplays(tx, {
        workspaceId,
        connectorId: install.connectorId,
        tests,
        subject: {
          version: update.copyVersion,
          parentVersion: update.parentVersion,
          code: update.code,
        },
        actorId: null,
        actorHandle: UPDATE_CHECK_ACTOR,
      }),
    );
    for (const r of results) await services.dispatch(r.runId!);
  }
}
