import { useEffect, useState } from 'react';
import { graphql, useRefetchableFragment } from 'react-relay';
import { Link } from 'wouter';
import type { UpdateTests_install$key } from '../../__generated__/UpdateTests_install.graphql';
import { Outcome, useOutcome } from '../../components/Outcome';
import { resultPath, summaryWords, useRunsEnded } from '../../components/TestResults';
import { useViewer } from '../../viewer';
import { useRunTests } from '../../mutations/RunTestsMutation';

/**
 * An installed copy's own tests against the update its parent offers (replayed on the merged
 * result before it is taken): "Your tests: 5 passed, 1 failed", each failing test one click away,
 * and *Test this update* when they have not run. Live: read again as each replay ends.
 */
export function UpdateTests({
  install,
  connectorId,
}: {
  install: UpdateTests_install$key;
  connectorId: string;
}) {
  const viewer = useViewer();
  const [i, refetch] = useRefetchableFragment(
    graphql`
      fragment UpdateTests_install on Install @refetchable(queryName: "UpdateTestsRefetchQuery") {
        id
        updateTestSummary {
          ...TestResults_counts @relay(mask: false)
          results {
            id
            status
            reason
            test {
              id
              name
            }
          }
        }
      }
    `,
    install,
  );
  const s = i.updateTestSummary;
  const reread = () => refetch({}, { fetchPolicy: 'network-only' });
  // The replays start when the notification arrives: read again as they end, and for a while
  // after the banner appears (they may have been queued just before it).
  const [young, setYoung] = useState(true);
  useEffect(() => {
    const t = setTimeout(() => setYoung(false), 15_000);
    return () => clearTimeout(t);
  }, []);
  const waiting = !!s && (s.pending > 0 || (young && s.notRun === s.total));
  useRunsEnded(connectorId, viewer.canWrite, reread, waiting ? 2000 : null);
  const outcome = useOutcome();
  const [run, starting] = useRunTests();
  if (!s) return null;
  const failed = s.results.filter((r) => r.status === 'FAILED');
  return (
    <div data-testid="update-tests">
      <p>
        <strong>Your tests:</strong>{' '}
        {s.passed + s.failed + s.pending === 0
          ? 'not run against this update yet.'
          : summaryWords(s)}
        {failed.map((r) => (
          <span key={r.id}>
            {' '}
            ·{' '}
            {viewer.canWrite ? (
              <Link href={resultPath(connectorId, r.id)} title={r.reason ?? undefined}>
                “{r.test.name}” failed
              </Link>
            ) : (
              `“${r.test.name}” failed${r.reason ? `: ${r.reason}` : ''}`
            )}
          </span>
        ))}
      </p>
      {viewer.canWrite && s.pending === 0 && s.notRun === s.total && (
        <button
          type="button"
          disabled={starting}
          onClick={() =>
            outcome.run(
              run,
              { input: { connectorId, againstUpdate: true } },
              (r) => r.runConnectorTests,
              () => {
                reread();
                return null;
              },
            )
          }
        >
          {starting ? 'Starting…' : 'Test this update'}
        </button>
      )}
      <Outcome {...outcome} />
    </div>
  );
}
