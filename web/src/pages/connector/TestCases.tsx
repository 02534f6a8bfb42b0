import { Suspense, useEffect, useRef, useState } from 'react';
import { graphql, useLazyLoadQuery } from 'react-relay';
import { useSearch } from 'wouter';
import type { TestCasesQuery } from '../../__generated__/TestCasesQuery.graphql';
import type { TestCasesResultQuery } from '../../__generated__/TestCasesResultQuery.graphql';
import { Outcome, useOutcome } from '../../components/Outcome';
import { TestBadge, TestResultDetails, useRunsEnded } from '../../components/TestResults';
import { useCreateTest } from '../../mutations/CreateTestMutation';
import { useRunTests } from '../../mutations/RunTestsMutation';
import { useDeleteTest } from '../../mutations/DeleteTestMutation';
import { ListTable } from '../../components/ListTable';
import { useRequirePassingTests } from '../../mutations/RequirePassingTestsMutation';

/**
 * The Test tab's recorded tests (issue 21): *Save as test* on a run that succeeded, the test cases
 * with their last result against a version, *Run all* (live as the replays end), delete, the
 * "require passing tests" setting, and one result opened from a link (`?result=<id>`, e.g. from an
 * installed copy's update banner).
 */

export const deleteQuestion = (name: string) =>
  `Delete the test “${name}” and all its results? This cannot be undone.`;

/** *Save as test* for a run that succeeded: asks for a name, then saves its recording. */
export function SaveAsTest({
  connectorId,
  runId,
  target,
  onSaved,
}: {
  connectorId: string;
  runId: string;
  target: string;
  onSaved: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const outcome = useOutcome();
  const [save, saving] = useCreateTest();
  // Another run shown: a fresh question.
  const { clear } = outcome;
  // biome-ignore lint/correctness/useExhaustiveDependencies: runId is the trigger
  useEffect(() => {
    setOpen(false);
    clear();
  }, [runId, clear]);
  const submit = () =>
    outcome.run(
      save,
      { input: { connectorId, runId, name: name.trim() } },
      (r) => r.createConnectorTest,
      (p) => {
        if (!p.test) return null;
        setOpen(false);
        setName('');
        onSaved();
        return `Saved as the test “${p.test.name}” (${p.test.exchangeCount} recorded HTTP exchange${p.test.exchangeCount === 1 ? '' : 's'}).`;
      },
    );
  return (
    <div className="save-as-test">
      {open ? (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <label htmlFor="test-name">Test name</label>
          <input
            id="test-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder={target}
            // biome-ignore lint/a11y/noAutofocus: the field the button just asked for
            autoFocus
          />
          <button type="submit" className="primary" disabled={saving || !name.trim()}>
            {saving ? 'Saving…' : 'Save test'}
          </button>
          <button type="button" onClick={() => setOpen(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <button type="button" onClick={() => setOpen(true)}>
          Save as test
        </button>
      )}
      <Outcome {...outcome} />
    </div>
  );
}

// Its own query, not a fragment of the Test tab's route query: the results are those of a version
// picked here, and they change on the executor (replays end while the page is open), so this part
// reads them again as runs end without reading the whole tab.
const testCasesQuery = graphql`
  query TestCasesQuery($id: ID!, $version: Int!) {
    connector(id: $id) {
      id
      latestVersion
      requirePassingTests
      # An installed copy's banner says how these tests fared against the parent's update:
      # read with them, so a test saved or deleted here shows there at once.
      installedFrom {
        ...UpdateTests_install
      }
      version(number: $version) {
        number
        testSummary {
          ...TestResults_counts @relay(mask: false)
        }
      }
      tests(first: 50) {
        totalCount
        nodes {
          id
          name
          target
          exchangeCount
          createdByHandle
          latestResult(version: $version) {
            id
            status
            run {
              id
            }
            ...TestResults_result
          }
        }
      }
    }
  }
`;

/** The test cases and their last result against the chosen version; *Run all*; the release rule. */
export function TestCases({
  id,
  latestVersion,
  fetchKey,
  onShowRun,
}: {
  id: string;
  latestVersion: number;
  fetchKey: number;
  onShowRun: (runId: string, testName: string) => void;
}) {
  const [version, setVersion] = useState(latestVersion);
  // A new version saved meanwhile: follow the latest.
  const seenLatest = useRef(latestVersion);
  useEffect(() => {
    if (seenLatest.current !== latestVersion) {
      if (version === seenLatest.current) setVersion(latestVersion);
      seenLatest.current = latestVersion;
    }
  }, [latestVersion, version]);
  const [ownKey, setOwnKey] = useState(0);
  const refresh = () => setOwnKey((k) => k + 1);
  const data = useLazyLoadQuery<TestCasesQuery>(
    testCasesQuery,
    { id, version },
    { fetchPolicy: 'store-and-network', fetchKey: `${fetchKey}:${ownKey}` },
  );
  const c = data.connector;
  const summary = c?.version?.testSummary;
  const running = (summary?.pending ?? 0) > 0;
  // Replays are runs: read the results again as each ends (and now and then while any is pending).
  useRunsEnded(id, true, refresh, running ? 3000 : null);
  const outcome = useOutcome();
  const [runAll, starting] = useRunTests();
  const [remove, removing] = useDeleteTest();
  const [setRequire, setting] = useRequirePassingTests();
  if (!c) return null;
  const tests = c.tests.nodes;
  const versions = Array.from({ length: c.latestVersion }, (_, i) => c.latestVersion - i);

  return (
    <section aria-labelledby="tests-heading">
      <h2 id="tests-heading">
        Tests {summary && <TestBadge summary={summary} label={`Tests of version ${version}`} />}
      </h2>
      <FocusedResultFromUrl onShowRun={onShowRun} />
      <div className="row">
        <input
          id="require-passing"
          type="checkbox"
          checked={c.requirePassingTests}
          disabled={setting}
          onChange={(e) =>
            outcome.run(
              setRequire,
              { input: { id, requirePassingTests: e.target.checked } },
              (r) => r.updateConnector,
              (p) =>
                p.connector?.requirePassingTests
                  ? 'Release and share now need every test to pass against the version.'
                  : 'Release and share no longer wait for the tests.',
              // The box follows the click at once (a refusal puts it back).
              {
                optimisticResponse: {
                  updateConnector: {
                    connector: { id, requirePassingTests: e.target.checked },
                    userErrors: [],
                  },
                },
              },
            )
          }
        />
        <label htmlFor="require-passing">Require passing tests to release and share</label>
      </div>
      {tests.length === 0 ? (
        <p className="muted small">
          No tests yet. Run something above and choose <em>Save as test</em> on a run that
          succeeded: its HTTP exchanges are recorded, and the test replays them offline against any
          version.
        </p>
      ) : (
        <>
          <div className="row">
            <label htmlFor="tests-version">Against version</label>
            <select
              id="tests-version"
              value={version}
              onChange={(e) => setVersion(Number(e.target.value))}
            >
              {versions.map((n) => (
                <option key={n} value={n}>
                  Version {n}
                  {n === c.latestVersion ? ' (latest)' : ''}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="primary"
              disabled={starting || running}
              onClick={() =>
                outcome.run(
                  runAll,
                  { input: { connectorId: id, version } },
                  (r) => r.runConnectorTests,
                  () => {
                    refresh();
                    return null;
                  },
                )
              }
            >
              {starting ? 'Starting…' : running ? 'Running…' : 'Run all'}
            </button>
            {summary && (
              <span className="muted small" role="status">
                {running
                  ? `Replaying… ${summary.passed + summary.failed} of ${summary.total} done`
                  : summary.notRun === summary.total
                    ? `Not run against version ${version} yet.`
                    : `${summary.passed} passed, ${summary.failed} failed${summary.notRun ? `, ${summary.notRun} not run` : ''} against version ${version}.`}
              </span>
            )}
          </div>
          <ListTable
            label="Test cases"
            columns={['Test', 'Target', `Result (version ${version})`, 'Actions']}
          >
            {tests.map((t) => (
              <tr key={t.id} data-test={t.name}>
                <th scope="row">
                  {t.name}
                  <div className="muted small">saved by {t.createdByHandle}</div>
                </th>
                <td>
                  <code>{t.target}</code>
                  <div className="muted small">
                    {t.exchangeCount} recorded exchange{t.exchangeCount === 1 ? '' : 's'}
                  </div>
                </td>
                <td>
                  {t.latestResult ? (
                    <TestResultDetails result={t.latestResult} />
                  ) : (
                    <span className="muted small">not run</span>
                  )}
                </td>
                <td>
                  <div className="row">
                    {t.latestResult?.run && (
                      <button
                        type="button"
                        onClick={() => onShowRun(t.latestResult!.run!.id, t.name)}
                        aria-label={`Show replay of ${t.name}`}
                      >
                        Show replay
                      </button>
                    )}
                    <button
                      type="button"
                      disabled={removing}
                      aria-label={`Delete the test ${t.name}`}
                      onClick={() => {
                        if (!window.confirm(deleteQuestion(t.name))) return;
                        outcome.run(
                          remove,
                          { input: { id: t.id } },
                          (r) => r.deleteConnectorTest,
                          () => {
                            refresh();
                            return `The test “${t.name}” is deleted.`;
                          },
                        );
                      }}
                    >
                      Delete
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </ListTable>
        </>
      )}
      <Outcome {...outcome} />
    </section>
  );
}

/** The result a link points at (`?result=<id>`): a copy's test against its parent's update, say. */
function FocusedResultFromUrl({
  onShowRun,
}: {
  onShowRun: (runId: string, testName: string) => void;
}) {
  const resultId = new URLSearchParams(useSearch()).get('result');
  if (!resultId) return null;
  return (
    <Suspense fallback={<p className="loading small">Reading the result…</p>}>
      <FocusedResult id={resultId} onShowRun={onShowRun} />
    </Suspense>
  );
}

function FocusedResult({
  id,
  onShowRun,
}: {
  id: string;
  onShowRun: (runId: string, testName: string) => void;
}) {
  const data = useLazyLoadQuery<TestCasesResultQuery>(
    graphql`
      query TestCasesResultQuery($id: ID!) {
        node(id: $id) {
          ... on TestResult {
            id
            status
            version
            parentVersion
            test {
              name
            }
            run {
              id
            }
            ...TestResults_result @alias(as: "details")
          }
        }
      }
    `,
    { id },
    { fetchPolicy: 'store-and-network' },
  );
  const heading = useRef<HTMLHeadingElement>(null);
  const r = data.node;
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per result opened
  useEffect(() => {
    heading.current?.scrollIntoView({ block: 'center' });
    heading.current?.focus();
  }, [r?.id]);
  if (!r?.status || !r.test || !r.details)
    return <p className="muted small">That result no longer exists.</p>;
  return (
    <section className="panel" aria-labelledby="focused-result">
      <h3 id="focused-result" ref={heading} tabIndex={-1}>
        “{r.test.name}”{' '}
        {r.parentVersion != null
          ? `against the parent's version ${r.parentVersion}, merged into your version ${r.version}`
          : `against version ${r.version}`}
      </h3>
      <TestResultDetails result={r.details} />
      {r.run && (
        <button type="button" onClick={() => onShowRun(r.run!.id, r.test!.name)}>
          Show the replay
        </button>
      )}
    </section>
  );
}
