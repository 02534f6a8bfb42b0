import { requireRunUser } from '../../domain/connections.js';
import { testSummary, type TestSummary } from '../../domain/test-results.js';
import { JSON_TYPES, type Assertion, type Failure } from '../../domain/test-verdict.js';
import {
  createConnectorTest,
  deleteConnectorTest,
  runConnectorTests,
  updateConnectorTest,
} from '../../domain/tests.js';
import type { ConnectorTest, TestResult } from '../../generated/prisma/client.js';
import { builder } from '../builder.js';
import { dbId, namedConnection } from '../connections.js';
import { describedEnum } from '../enums.js';
import { parseGlobalId } from '../ids.js';
import { workspaceOf } from './connectors.js';
import { objectPayload, payloadType } from './errors.js';
import { VersionDiffRef } from './history.js';
import { OFFER_SELECT, offeredUpdate } from './installs.js';
import { NotificationNode } from './notifications.js';
import { runWorkspaceOf } from './connections.js';
import { ConnectorRunNode } from './runs.js';
import { idInput, inputArg, mutationInput } from './inputs.js';

/**
 * Recorded tests (src/domain/tests.ts): test cases, their results per version and per parent
 * update, and the mutations that save and replay them. Results are for every member of the
 * workspace (OPERATOR included); what a test sends and records (input, recording) is for ADMIN
 * and DEVELOPER, like runs.
 */

const TestStatusEnum = describedEnum('TestStatus', 'How a test case fared in one replay.', {
  PENDING: 'Queued or replaying.',
  PASSED:
    'The replay succeeded and its output matched (equal to the recording, or meeting the assertions).',
  FAILED:
    '`reason` and `failures` say why: the run failed, a request was not in the recording, or the output differed.',
});

const JsonTypeEnum = describedEnum(
  'JsonType',
  'A JSON type an assertion can require.',
  Object.fromEntries(
    JSON_TYPES.map((t) => [
      t.toUpperCase(),
      t === 'integer'
        ? 'A whole number.'
        : t === 'number'
          ? 'Any number (integers too).'
          : `A JSON ${t}.`,
    ]),
  ) as Record<Uppercase<(typeof JSON_TYPES)[number]>, string>,
);

const TestAssertionRef = builder.objectRef<Assertion>('TestAssertion').implement({
  description:
    'A check on the output at a JSONPath, used instead of equality with the recorded output (for values that change between runs, such as timestamps).',
  fields: (t) => ({
    path: t.exposeString('path', {
      description: 'JSONPath into the output, e.g. `$.items[0].id`.',
    }),
    equals: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The value must equal this.',
      resolve: (a) => (a.equals ?? null) as never,
    }),
    present: t.boolean({
      nullable: true,
      description: 'The path must exist (true) or not (false).',
      resolve: (a) => a.present ?? null,
    }),
    type: t.field({
      type: JsonTypeEnum,
      nullable: true,
      description: 'The value must have this JSON type.',
      resolve: (a) => (a.type ? (a.type.toUpperCase() as never) : null),
    }),
  }),
});

const TestAssertionInput = builder.inputType('TestAssertionInput', {
  description: 'One check on the output: a path and exactly one of `equals`, `present`, `type`.',
  fields: (t) => ({
    path: t.string({ required: true, description: 'JSONPath into the output, starting with `$`.' }),
    equals: t.field({ type: 'JSON', description: 'The value must equal this.' }),
    present: t.boolean({ description: 'The path must exist (true) or not (false).' }),
    type: t.field({ type: JsonTypeEnum, description: 'The value must have this JSON type.' }),
  }),
});

const assertionsFrom = (
  list:
    | { path: string; equals?: unknown; present?: boolean | null; type?: string | null }[]
    | null
    | undefined,
) =>
  list?.map((a) => ({
    path: a.path,
    ...(a.equals != null ? { equals: a.equals } : {}),
    ...(a.present != null ? { present: a.present } : {}),
    ...(a.type != null ? { type: a.type.toLowerCase() } : {}),
  }));

const TestFailureRef = builder.objectRef<Failure>('TestFailure').implement({
  description: 'One way a replay did not match.',
  fields: (t) => ({
    path: t.exposeString('path', {
      nullable: true,
      description: 'Where in the output (`$.contact.id`); null when the run itself failed.',
    }),
    message: t.exposeString('message', { description: 'What differed, in words.' }),
    expected: t.field({
      type: 'JSON',
      nullable: true,
      description: 'What the recording or assertion expects there.',
      resolve: (f) => (f.expected ?? null) as never,
    }),
    actual: t.field({
      type: 'JSON',
      nullable: true,
      description: 'What the replay produced there.',
      resolve: (f) => (f.actual ?? null) as never,
    }),
  }),
});

export const TestResultNode = builder.prismaNode('TestResult', {
  description:
    'One replay of a test case: against a version, or against the merged result of a parent update before your copy takes it.',
  id: { field: 'id', description: 'Global ID of the result.' },
  nullable: true,
  findUnique: (id, ctx) => ({ id: dbId(id), workspaceId: workspaceOf(ctx) }),
  fields: (t) => ({
    status: t.expose('status', {
      type: TestStatusEnum,
      description: 'Pending, passed or failed.',
    }),
    test: t.relation('test', { description: 'The test case.' }),
    version: t.exposeInt('version', {
      description:
        'The version tested (for an update check: the copy version the update was merged into).',
    }),
    parentVersion: t.exposeInt('parentVersion', {
      nullable: true,
      description:
        "For an update check: the parent's version merged in; null for a plain version test.",
    }),
    reason: t.exposeString('reason', {
      nullable: true,
      description: 'Why it failed, in words (the first failure); null unless it failed.',
    }),
    failures: t.field({
      type: [TestFailureRef],
      description: 'Every difference found (up to 50); empty when it passed.',
      resolve: (r) => (r.failures ?? []) as unknown as Failure[],
    }),
    durationMs: t.exposeInt('durationMs', {
      nullable: true,
      description: 'How long the replay ran (ms); null while pending.',
    }),
    run: t.field({
      type: ConnectorRunNode,
      nullable: true,
      description:
        'The replay run (its output, logs and exchanges); null once pruned, and for OPERATOR (runs are for ADMIN and DEVELOPER).',
      // The same rule as node(id:) of a run: none for roles that do not see runs.
      resolve: (r, _a, ctx) =>
        r.runId == null
          ? null
          : ctx.prisma.connectorRun.findFirst({
              where: { id: r.runId, workspaceId: runWorkspaceOf(ctx) },
            }),
    }),
    createdAt: t.expose('createdAt', {
      type: 'DateTime',
      description: 'When the replay was asked for.',
    }),
    finishedAt: t.expose('finishedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was judged; null while pending.',
    }),
  }),
});

const TestSummaryRef = builder.objectRef<TestSummary>('TestSummary').implement({
  description:
    'How the test cases fared against one version (or one parent update): the latest result of each. A badge reads `passed/total`.',
  fields: (t) => ({
    total: t.exposeInt('total', { description: 'Test cases the connector has.' }),
    passed: t.exposeInt('passed', { description: 'Whose latest replay passed.' }),
    failed: t.exposeInt('failed', { description: 'Whose latest replay failed.' }),
    pending: t.exposeInt('pending', { description: 'Still replaying.' }),
    notRun: t.exposeInt('notRun', { description: 'Never replayed against this version.' }),
    allPassed: t.boolean({
      description: 'Whether every test case passed (what `requirePassingTests` asks for).',
      resolve: (s) => s.total > 0 && s.passed === s.total,
    }),
    results: t.expose('results', {
      type: [TestResultNode],
      description: 'The latest result of each test case that has one.',
    }),
  }),
});

export const ConnectorTestNode = builder.prismaNode('ConnectorTest', {
  description:
    'A named test case: a target, its input and the recording of one real run, replayed offline against any version.',
  id: { field: 'id', description: 'Global ID of the test case.' },
  nullable: true,
  findUnique: (id, ctx) => ({ id: dbId(id), workspaceId: workspaceOf(ctx) }),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Its name, unique within the connector.' }),
    target: t.exposeString('target', {
      description: 'What it runs: `actions.<a>`, `triggers.<t>.poll`, `test`, `pick_lists.<p>`…',
    }),
    connector: t.relation('connector', { description: 'The connector it tests.' }),
    input: t.field({
      type: 'JSON',
      description: 'The input it runs with. ADMIN and DEVELOPER only.',
      resolve: (c, _a, ctx) => (requireRunUser(ctx), c.input as never),
    }),
    closure: t.field({
      type: 'JSON',
      nullable: true,
      description: "A poll's closure. ADMIN and DEVELOPER only.",
      resolve: (c, _a, ctx) => (requireRunUser(ctx), (c.closure ?? null) as never),
    }),
    args: t.field({
      type: 'JSON',
      nullable: true,
      description: "A method's arguments. ADMIN and DEVELOPER only.",
      resolve: (c, _a, ctx) => (requireRunUser(ctx), (c.args ?? null) as never),
    }),
    payload: t.field({
      type: 'JSON',
      nullable: true,
      description: "A webhook notification's payload. ADMIN and DEVELOPER only.",
      resolve: (c, _a, ctx) => (requireRunUser(ctx), (c.payload ?? null) as never),
    }),
    settings: t.field({
      type: 'JSON',
      description:
        'The connection values it replays with; secret ones are `[REDACTED]`, as in the recording. ADMIN and DEVELOPER only.',
      resolve: (c, _a, ctx) => (requireRunUser(ctx), c.settings as never),
    }),
    expectedOutput: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The output the recorded run produced. ADMIN and DEVELOPER only.',
      resolve: (c, _a, ctx) => (requireRunUser(ctx), (c.expectedOutput ?? null) as never),
    }),
    recording: t.field({
      type: 'JSON',
      description:
        'The recorded HTTP exchanges (secrets redacted), in the shape `createConnectorTest` takes. ADMIN and DEVELOPER only.',
      // Up to 5 MB: weighs like a large read.
      complexity: 20,
      resolve: (c, _a, ctx) => (requireRunUser(ctx), c.recording as never),
    }),
    exchangeCount: t.int({
      description: 'How many HTTP exchanges the recording holds.',
      resolve: (c) => (Array.isArray(c.recording) ? c.recording.length : 0),
    }),
    assertions: t.field({
      type: [TestAssertionRef],
      description:
        'Checks used instead of equality with the recorded output; empty: the output must equal it.',
      resolve: (c) => (c.assertions ?? []) as unknown as Assertion[],
    }),
    latestResult: t.field({
      type: TestResultNode,
      nullable: true,
      description:
        'Its latest result against a version (default: the latest); null when never replayed against it.',
      args: { version: t.arg.int({ description: 'The version; unset: the latest.' }) },
      select: { connector: { select: { latestVersion: true } } },
      resolve: async (c, { version }, ctx) =>
        ctx.prisma.testResult.findFirst({
          where: {
            testId: c.id,
            version: version ?? c.connector.latestVersion,
            parentVersion: null,
          },
          orderBy: { id: 'desc' },
        }),
    }),
    createdByHandle: t.exposeString('createdByHandle', { description: 'Who saved it.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was saved.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed.' }),
  }),
});

const ConnectorTestConnection = namedConnection(ConnectorTestNode, 'ConnectorTest', 'test cases');

builder.prismaObjectFields('Connector', (t) => ({
  tests: t.relatedConnection(
    'tests',
    {
      description: 'Test cases of this connector, by name (at most 50).',
      cursor: 'id',
      totalCount: true,
      query: () => ({ orderBy: { name: 'asc' as const } }),
    },
    ConnectorTestConnection,
  ),
  requirePassingTests: t.exposeBoolean('requirePassingTests', {
    description:
      'Whether release and share refuse (TESTS_FAILING) until every test case passed against the version. Set with `updateConnector`.',
  }),
}));

builder.prismaObjectFields('ConnectorVersion', (t) => ({
  testSummary: t.field({
    type: TestSummaryRef,
    description:
      'How the test cases fared against this version (the latest replay of each): the badge `12/12`.',
    select: { connectorId: true, number: true },
    resolve: (v, _a, ctx) => testSummary(ctx.prisma, v.connectorId, { version: v.number }),
  }),
}));

builder.prismaObjectFields('Install', (t) => ({
  updateTestSummary: t.field({
    type: TestSummaryRef,
    nullable: true,
    description:
      "How your copy's test cases fared against the update the parent offers, merged into your copy's latest version (before you take it): a new version of the copy makes it `notRun` again. Null when no update is offered or the copy has no test cases.",
    select: { ...OFFER_SELECT, connectorId: true, connector: { select: { latestVersion: true } } },
    resolve: async (i, _a, ctx) => {
      const offered = await offeredUpdate(i, ctx);
      if (offered == null) return null;
      const summary = await testSummary(ctx.prisma, i.connectorId, {
        version: i.connector.latestVersion,
        parentVersion: offered,
      });
      return summary.total === 0 ? null : summary;
    },
  }),
}));

builder.prismaObjectFields('Notification', (t) => ({
  testSummary: t.field({
    type: TestSummaryRef,
    nullable: true,
    description:
      "For an update notification: how your copy's test cases fared against that version of the parent, merged into your copy; null without test cases, and for other kinds of notification.",
    select: { parentVersion: true, install: { select: { connectorId: true } } },
    resolve: async (n, _a, ctx) => {
      if (!n.install || n.parentVersion == null) return null; // a review decision
      const summary = await testSummary(ctx.prisma, n.install.connectorId, {
        parentVersion: n.parentVersion,
      });
      return summary.total === 0 ? null : summary;
    },
  }),
}));
void NotificationNode;

interface TestChange {
  test: ConnectorTest;
  from: TestResult | null;
  to: TestResult | null;
}

const TestChangeRef = builder.objectRef<TestChange>('TestOutcomeChange').implement({
  description: 'A test case whose outcome differs between the two versions compared.',
  fields: (t) => ({
    test: t.expose('test', {
      type: ConnectorTestNode,
      description: 'The test case.',
    }),
    from: t.expose('from', {
      type: TestResultNode,
      nullable: true,
      description:
        'Its latest result against the `from` version; null when never replayed against it.',
    }),
    to: t.expose('to', {
      type: TestResultNode,
      nullable: true,
      description:
        'Its latest result against the `to` version; null when never replayed against it.',
    }),
  }),
});

builder.objectFields(VersionDiffRef, (t) => ({
  testChanges: t.field({
    type: [TestChangeRef],
    description:
      'Test cases whose latest outcome differs between the two versions (passed in one, failed or not run in the other).',
    resolve: async (d, _a, ctx) => {
      const [a, b, tests] = await Promise.all([
        testSummary(ctx.prisma, d.connectorId, { version: d.from }),
        testSummary(ctx.prisma, d.connectorId, { version: d.to }),
        ctx.prisma.connectorTest.findMany({
          where: { connectorId: d.connectorId },
          orderBy: { name: 'asc' },
        }),
      ]);
      const byTest = (s: TestSummary) => new Map(s.results.map((r) => [r.testId, r]));
      const from = byTest(a);
      const to = byTest(b);
      return tests
        .map((test) => ({ test, from: from.get(test.id) ?? null, to: to.get(test.id) ?? null }))
        .filter((c) => (c.from?.status ?? null) !== (c.to?.status ?? null));
    },
  }),
}));

// ---- Mutations ----

const CreateConnectorTestInput = mutationInput(
  'createConnectorTest',
  (t) => ({
    connectorId: t.id({ required: true, description: 'The connector (global ID).' }),
    name: t.string({
      required: true,
      description: 'A name unique within the connector (1 to 100 characters).',
    }),
    runId: t.id({
      description:
        'A run of this connector that succeeded: its target, input, connection values (secrets redacted) and HTTP exchanges become the test; its output the expected output.',
    }),
    target: t.string({
      description: 'Without `runId`: what the test runs (`actions.<a>`, `triggers.<t>.poll`…).',
    }),
    input: t.field({ type: 'JSON', description: 'Without `runId`: the input (a JSON object).' }),
    closure: t.field({ type: 'JSON', description: "Without `runId`: a poll's closure." }),
    args: t.field({
      type: 'JSON',
      description: "Without `runId`: a method's arguments (a JSON array).",
    }),
    payload: t.field({
      type: 'JSON',
      description: "Without `runId`: a webhook notification's payload.",
    }),
    settings: t.field({
      type: 'JSON',
      description:
        'Without `runId`: the connection values to replay with (a JSON object; put secrets as `[REDACTED]`).',
    }),
    recording: t.field({
      type: 'JSON',
      description:
        'Without `runId`: the HTTP exchanges to answer from, as `ConnectorRun` records them: `[{request: {method, url, headers, body}, response: {status, headers, body}}]` (at most 100, 5 MB).',
    }),
    expectedOutput: t.field({
      type: 'JSON',
      description: "The output a replay must produce (default: the run's output).",
    }),
    assertions: t.field({
      type: [TestAssertionInput],
      description: 'Checks used instead of equality with the expected output (at most 100).',
    }),
  }),
  'Input of `createConnectorTest`: a name and either `runId` (save a run that succeeded) or `target` with a `recording`.',
);

const TestPayload = objectPayload<{ test: ConnectorTest }>(
  'ConnectorTestPayload',
  'test',
  ConnectorTestNode,
  'The test case; null when the mutation refused.',
  'A test case as a mutation left it.',
);

const UpdateConnectorTestInput = mutationInput(
  'updateConnectorTest',
  (t) => ({
    id: t.id({ required: true, description: 'The test case (global ID).' }),
    name: t.string({ description: 'A new name.' }),
    assertions: t.field({
      type: [TestAssertionInput],
      description:
        'New assertions (replacing the old); an empty list goes back to equality with the expected output.',
    }),
    expectedOutput: t.field({ type: 'JSON', description: 'A new expected output.' }),
  }),
  'Input of `updateConnectorTest`: what to change.',
);

const DeleteConnectorTestInput = idInput('deleteConnectorTest', 'The test case');

const DeleteTestPayload = payloadType<{ test: ConnectorTest }>(
  'DeleteConnectorTestPayload',
  (t) => ({
    deletedTestId: t.id({
      nullable: true,
      description: "The deleted test case's global ID (for `@deleteRecord`); null when it refused.",
      resolve: (p) =>
        p.test ? Buffer.from(`ConnectorTest:${p.test.id}`).toString('base64') : null,
    }),
  }),
);

const RunConnectorTestsInput = mutationInput('runConnectorTests', (t) => ({
  connectorId: t.id({ required: true, description: 'The connector (global ID).' }),
  version: t.int({ description: 'The version to replay against; unset: the latest.' }),
  againstUpdate: t.boolean({
    description:
      'For an installed copy: replay against the merged result of the update the parent offers, before taking it (not with `version`).',
  }),
  testIds: t.idList({ description: 'Only these test cases (global IDs); unset: all of them.' }),
}));

const RunTestsPayload = payloadType<{ results: TestResult[] }>('RunConnectorTestsPayload', (t) => ({
  results: t.field({
    type: [TestResultNode],
    description:
      'One PENDING result per test case; each is judged when its replay ends (follow with `runUpdated` or `node`).',
    resolve: (p) => p.results ?? [],
  }),
}));

builder.mutationFields((t) => ({
  createConnectorTest: t.field({
    type: TestPayload,
    errorCodes: ['INVALID_INPUT', 'NOT_FOUND', 'FORBIDDEN', 'EXECUTOR_UNAVAILABLE'],
    description:
      'Saves a test case (ADMIN and DEVELOPER): from a run that succeeded (*Save as test*), or from a target and a recording. Audited.',
    args: inputArg(CreateConnectorTestInput, 'The test case.'),
    resolve: async (_root, { input }, ctx) => ({
      test: await createConnectorTest(ctx, {
        connectorId: parseGlobalId(String(input.connectorId), 'Connector', 'input.connectorId'),
        name: input.name,
        runId:
          input.runId == null
            ? null
            : parseGlobalId(String(input.runId), 'ConnectorRun', 'input.runId'),
        target: input.target,
        input: input.input,
        closure: input.closure,
        args: input.args,
        payload: input.payload,
        settings: input.settings,
        recording: input.recording,
        expectedOutput: input.expectedOutput,
        assertions: assertionsFrom(input.assertions),
      }),
    }),
  }),
  updateConnectorTest: t.field({
    type: TestPayload,
    errorCodes: ['INVALID_INPUT', 'NOT_FOUND', 'FORBIDDEN'],
    description: 'Renames a test case or changes its assertions or expected output. Audited.',
    args: inputArg(UpdateConnectorTestInput, 'What to change.'),
    resolve: async (_root, { input }, ctx) => ({
      test: await updateConnectorTest(ctx, parseGlobalId(String(input.id), 'ConnectorTest'), {
        name: input.name,
        assertions: assertionsFrom(input.assertions),
        expectedOutput: input.expectedOutput,
      }),
    }),
  }),
  deleteConnectorTest: t.field({
    type: DeleteTestPayload,
    errorCodes: ['NOT_FOUND', 'FORBIDDEN'],
    description: 'Deletes a test case and its results. Audited.',
    args: inputArg(DeleteConnectorTestInput, 'The test case.'),
    resolve: async (_root, { input }, ctx) => ({
      test: await deleteConnectorTest(ctx, parseGlobalId(String(input.id), 'ConnectorTest')),
    }),
  }),
  runConnectorTests: t.field({
    type: RunTestsPayload,
    errorCodes: [
      'INVALID_INPUT',
      'NOT_FOUND',
      'CODE_HAS_ERRORS',
      'NOT_AN_INSTALL',
      'UP_TO_DATE',
      'MERGE_CONFLICT',
      'TOO_MANY_RUNS',
      'EXECUTOR_UNAVAILABLE',
      'FORBIDDEN',
    ],
    // Each replay takes an executor VM briefly (no network): like a run.
    complexity: 100,
    description:
      "Replays the connector's test cases offline (ADMIN and DEVELOPER) against a version (default: the latest), or against a parent's offered update: each request is answered from the test's recording, and the output is compared. Answers at once with PENDING results. Audited; costs 100 points.",
    args: inputArg(RunConnectorTestsInput, 'What to replay against.'),
    resolve: async (_root, { input }, ctx) => ({
      results: await runConnectorTests(ctx, {
        connectorId: parseGlobalId(String(input.connectorId), 'Connector', 'input.connectorId'),
        version: input.version,
        againstUpdate: input.againstUpdate,
        testIds: input.testIds?.map((id) =>
          parseGlobalId(String(id), 'ConnectorTest', 'input.testIds'),
        ),
      }),
    }),
  }),
}));
