import type { PrismaClient } from '../db/database.js';
import type { Exchange } from '../executor/types.js';
import type { Prisma, TestResult } from '../generated/prisma/client.js';
import type { Locked, Tx } from './connector-store.js';
import { PreconditionError } from './errors.js';
import { REDACTED } from './redact.js';
import type { Assertion, Verdict } from './test-verdict.js';

/**
 * Results of test replays: stored when a replay's run ends, read per version (badges, the
 * release rule) and per parent update (an installed copy's banner). See src/domain/tests.ts.
 */

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Stores a replay's verdict, in the transaction that stores its run's end. */
export async function settleTestResult(
  tx: Tx,
  runId: number,
  verdict: Verdict,
  durationMs: number | null,
): Promise<void> {
  await tx.testResult.updateMany({
    where: { runId, status: 'PENDING' },
    data: {
      status: verdict.passed ? 'PASSED' : 'FAILED',
      reason: verdict.reason,
      failures: verdict.failures as unknown as Prisma.InputJsonValue,
      durationMs: durationMs == null ? null : Math.round(durationMs),
      finishedAt: new Date(),
    },
  });
}

/** What a replay needs besides the run row: the recording, the recorded settings and the expectation. */
export async function replayOf(db: PrismaClient | Tx, runId: number) {
  const found = await db.testResult.findUnique({
    where: { runId },
    select: {
      test: { select: { recording: true, settings: true, expectedOutput: true, assertions: true } },
    },
  });
  if (!found) return null;
  const { test } = found;
  const settings = (isObject(test.settings) ? test.settings : {}) as Record<
    string,
    string | number | boolean
  >;
  return {
    exchanges: test.recording as unknown as Exchange[],
    settings,
    /** Values the recording holds redacted: the replay redacts them the same way, so URLs match. */
    secretFields: Object.keys(settings).filter((k) => settings[k] === REDACTED),
    expectedOutput: test.expectedOutput,
    assertions: test.assertions as unknown as Assertion[],
  };
}

export interface TestSummary {
  total: number;
  passed: number;
  failed: number;
  pending: number;
  /** Test cases with no result for this subject yet. */
  notRun: number;
  /** The latest result of each test case (absent when not run). */
  results: TestResult[];
}

/** The latest result of each test case against a version (or, with parentVersion, against that update). */
export async function testSummary(
  db: PrismaClient | Tx,
  connectorId: number,
  subject: { version: number; parentVersion?: number | null } | { parentVersion: number },
): Promise<TestSummary> {
  const tests = await db.connectorTest.findMany({ where: { connectorId }, select: { id: true } });
  const where: Prisma.TestResultWhereInput =
    'version' in subject
      ? { connectorId, version: subject.version, parentVersion: subject.parentVersion ?? null }
      : { connectorId, parentVersion: subject.parentVersion };
  const rows = await db.testResult.findMany({ where, orderBy: { id: 'desc' }, take: 5000 });
  const latest = new Map<number, TestResult>();
  for (const r of rows) if (!latest.has(r.testId)) latest.set(r.testId, r);
  const ids = new Set(tests.map((t) => t.id));
  const results = [...latest.values()].filter((r) => ids.has(r.testId));
  return {
    total: tests.length,
    passed: results.filter((r) => r.status === 'PASSED').length,
    failed: results.filter((r) => r.status === 'FAILED').length,
    pending: results.filter((r) => r.status === 'PENDING').length,
    notRun: tests.length - results.length,
    results,
  };
}

/**
 * The release and share rule, under the connector's lock: with `requirePassingTests`, every test
 * case must have passed against the version (TESTS_FAILING names those that did not).
 */
export async function requirePassingTests(tx: Tx, locked: Locked, version: number): Promise<void> {
  if (!locked.requirePassingTests) return;
  const summary = await testSummary(tx, locked.id, { version });
  if (summary.total === summary.passed) return;
  const tests = await tx.connectorTest.findMany({
    where: { connectorId: locked.id },
    select: { id: true, name: true },
    orderBy: { name: 'asc' },
  });
  const byTest = new Map(summary.results.map((r) => [r.testId, r]));
  const words = tests
    .filter((t) => byTest.get(t.id)?.status !== 'PASSED')
    .map((t) => {
      const r = byTest.get(t.id);
      return `${t.name} (${!r ? 'not run' : r.status === 'PENDING' ? 'still running' : `failed: ${r.reason}`})`;
    });
  throw new PreconditionError(
    'TESTS_FAILING',
    `This connector requires passing tests: ${summary.total - summary.passed} of ${summary.total} test cases have not passed against version ${version}.`,
    words.join('; '),
  );
}
