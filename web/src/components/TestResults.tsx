import { hasEnded } from '../run-status';
import { useEffect, useRef } from 'react';
import { graphql, requestSubscription, useFragment, useRelayEnvironment } from 'react-relay';
import type { TestResults_result$key } from '../__generated__/TestResults_result.graphql';
import type { TestResultsRunsSubscription } from '../__generated__/TestResultsRunsSubscription.graphql';

/**
 * Recorded tests as the console shows them (issue 21): a result's status, reason and failures; a
 * summary's badge (`passed/total`) and words; and `useRunsEnded`, which hears replays end (they are
 * runs: `runUpdated` announces them) so a view can read its results again.
 */

export interface SummaryCounts {
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly pending: number;
  readonly notRun?: number;
}

/** The counts a badge and `summaryWords` read, wherever a version's test summary is selected. */
graphql`
  fragment TestResults_counts on TestSummary {
    total
    passed
    failed
    pending
    notRun
  }
`;

/** The badge of a version's tests: `1/1` green, `0/1` red, amber while some are still running. */
export function TestBadge({ summary, label }: { summary: SummaryCounts; label?: string }) {
  if (summary.total === 0) return null;
  const cls =
    summary.failed > 0
      ? 'danger'
      : summary.pending > 0
        ? 'warn'
        : summary.passed === summary.total
          ? 'ok'
          : '';
  return (
    <span className={`tag ${cls}`} title={summaryWords(summary)} data-testid="test-badge">
      <span className="sr-only">{label ?? 'Tests'}: </span>
      {summary.passed}/{summary.total}
      <span className="sr-only"> passed</span>
    </span>
  );
}

/** "1 passed, 1 failed", "running…" (while any replay is pending), "not run yet". */
export function summaryWords(s: SummaryCounts): string {
  if (s.pending > 0) return `running… (${s.passed + s.failed} of ${s.total} done)`;
  const parts = [`${s.passed} passed`, `${s.failed} failed`];
  if (s.notRun) parts.push(`${s.notRun} not run`);
  return s.passed + s.failed === 0 ? 'not run yet' : parts.join(', ');
}

/** A link to a result on the Test tab (`?result=<id>`), which opens it there. */
export const resultPath = (connectorId: string, resultId: string) =>
  `/connectors/${encodeURIComponent(connectorId)}/test?result=${encodeURIComponent(resultId)}`;

export function StatusTag({ status }: { status: string }) {
  const cls = status === 'PASSED' ? 'ok' : status === 'FAILED' ? 'danger' : 'warn';
  return <span className={`tag ${cls}`}>{status}</span>;
}

const show = (v: unknown) => (v === undefined ? '—' : JSON.stringify(v));

/** One replay's outcome: its status, duration, and for a failure the reason and every difference. */
export function TestResultDetails({ result }: { result: TestResults_result$key }) {
  const r = useFragment(
    graphql`
      fragment TestResults_result on TestResult {
        id
        status
        reason
        durationMs
        version
        parentVersion
        failures {
          path
          message
          expected
          actual
        }
      }
    `,
    result,
  );
  return (
    <div className="test-result">
      <StatusTag status={r.status} />
      {r.durationMs != null && <span className="muted small"> {r.durationMs} ms</span>}
      {/* The reason is the first failure: the list says it with what was expected. */}
      {r.status === 'FAILED' && r.failures.length === 0 && r.reason && (
        <p className="small">{r.reason}</p>
      )}
      {r.status === 'FAILED' && r.failures.length > 0 && (
        <ul className="small" aria-label="Failures">
          {r.failures.map((f, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list, in the order found
            <li key={i}>
              {f.path && !f.message.includes(f.path) && <code>{f.path} </code>}
              {f.message}
              {f.path && (f.expected != null || f.actual != null) && (
                <span className="muted">
                  {' '}
                  (expected <code>{show(f.expected)}</code>, got <code>{show(f.actual)}</code>)
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const runsSubscription = graphql`
  subscription TestResultsRunsSubscription($connectorId: ID!) {
    runUpdated(connectorId: $connectorId) {
      id
      status
    }
  }
`;

/**
 * Calls `onEnd` whenever a run of the connector ends (test replays are runs), through the
 * `runUpdated` subscription; for ADMIN and DEVELOPER only (the subscription refuses others), so
 * `enabled` is the viewer's `canWrite`. With `pollMs`, also reads again on a timer while it is
 * set (a fallback for results that may have ended before the subscription was listening).
 */
export function useRunsEnded(
  connectorId: string,
  enabled: boolean,
  onEnd: () => void,
  pollMs: number | null = null,
): void {
  const latest = useRef(onEnd);
  latest.current = onEnd;
  const environment = useRelayEnvironment();
  useEffect(() => {
    if (!enabled) return;
    const { dispose } = requestSubscription<TestResultsRunsSubscription>(environment, {
      subscription: runsSubscription,
      variables: { connectorId },
      onNext: (r) => {
        if (r?.runUpdated && hasEnded(r.runUpdated.status)) latest.current();
      },
      // A refused or dropped subscription leaves the timer (if any) to catch up.
      onError: () => {},
    });
    return dispose;
  }, [environment, connectorId, enabled]);
  useEffect(() => {
    if (pollMs == null) return;
    const timer = setInterval(() => latest.current(), pollMs);
    return () => clearInterval(timer);
  }, [pollMs]);
}
