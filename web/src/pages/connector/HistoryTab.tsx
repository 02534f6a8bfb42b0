import { Suspense, useState } from 'react';
import {
  graphql,
  type PreloadedQuery,
  useFragment,
  usePaginationFragment,
  usePreloadedQuery,
  useQueryLoader,
} from 'react-relay';
import compareQuery, {
  type HistoryTabCompareQuery,
} from '../../__generated__/HistoryTabCompareQuery.graphql';
import type { HistoryTab_row$key } from '../../__generated__/HistoryTab_row.graphql';
import type { HistoryTab_versions$key } from '../../__generated__/HistoryTab_versions.graphql';
import { Link } from 'wouter';
import { DiffView } from '../../components/lazy';
import { ListTable } from '../../components/ListTable';
import { LoadMore } from '../../components/LoadMore';
import { Outcome, useOutcome } from '../../components/Outcome';
import { when } from '../../format';
import { useViewer } from '../../viewer';
import { StatusTag, TestBadge } from '../../components/TestResults';
import { ChangeSummary } from './ChangeSummary';
import { useRestoreVersion } from '../../mutations/RestoreVersionMutation';

const PAGE = 25;

/** Version history with badges, compare any two versions, restore (and release). */
export function HistoryTab({ connector }: { connector: HistoryTab_versions$key }) {
  const viewer = useViewer();
  const { data: c, ...pages } = usePaginationFragment(
    graphql`
      fragment HistoryTab_versions on Connector
      @refetchable(queryName: "HistoryTabPaginationQuery")
      @argumentDefinitions(count: { type: "Int", defaultValue: 25 }, cursor: { type: "String" }) {
        id
        latestVersion
        latestReleasedVersion
        latestSharedVersion
        requirePassingTests
        tests(first: 1) {
          totalCount
        }
        versions(first: $count, after: $cursor) @connection(key: "HistoryTab_versions") {
          __id
          totalCount
          edges {
            node {
              id
              number
              hasErrors
              ...HistoryTab_row
            }
          }
        }
      }
    `,
    connector,
  );
  const id = c.id;
  const versions = c.versions.edges.map((e) => e.node);
  const [from, setFrom] = useState<number>(Math.max(1, c.latestVersion - 1));
  const [to, setTo] = useState<number>(c.latestVersion);
  // The pair's query starts when Compare is pressed, and shows below the form.
  const [compared, loadCompare] = useQueryLoader<HistoryTabCompareQuery>(compareQuery);
  const outcome = useOutcome();
  const [restore, restoring] = useRestoreVersion();

  const onRestore = (version: number, release: boolean) =>
    outcome.run(
      restore,
      { input: { id, version, release }, connections: [c.versions.__id] },
      (r) => r.restoreVersion,
      (r) =>
        r.connector &&
        `Version ${version} restored as version ${r.connector.latestVersion}${release ? ' and released' : ''}.`,
    );
  // A restored version is new: no test has run against it, so while tests are required its release
  // would be refused. Offer the restore alone then, and say where the release happens.
  const releaseWaitsForTests = c.requirePassingTests && c.tests.totalCount > 0;
  const idOf = (n: number) => versions.find((v) => v.number === n)?.id;
  const numbers = versions.map((v) => v.number);

  return (
    <>
      <section aria-labelledby="compare-heading" className="panel">
        <h2 id="compare-heading">Compare two versions</h2>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            const [fromId, toId] = [idOf(from), idOf(to)];
            if (fromId && toId)
              loadCompare({ id, from, to, fromId, toId, withCode: viewer.canViewSource });
          }}
        >
          <label htmlFor="compare-from">From</label>
          <VersionSelect id="compare-from" numbers={numbers} value={from} onChange={setFrom} />
          <label htmlFor="compare-to">to</label>
          <VersionSelect id="compare-to" numbers={numbers} value={to} onChange={setTo} />
          <button
            type="submit"
            disabled={from === to}
            aria-describedby={from === to ? 'compare-same' : undefined}
          >
            Compare
          </button>
          {from === to && (
            <span id="compare-same" className="muted small">
              Pick two different versions.
            </span>
          )}
        </form>
        {compared && (
          <Suspense fallback={<p className="loading">Comparing…</p>}>
            <Compare queryRef={compared} />
          </Suspense>
        )}
      </section>
      <Outcome {...outcome} />
      {viewer.canWrite && releaseWaitsForTests && (
        <p className="muted small">
          This connector requires passing tests: release a restored version from the Code tab once
          its tests pass.
        </p>
      )}
      <ListTable
        label="Versions"
        columns={['Version', 'Note', 'Created', 'Released', 'Shared', viewer.canWrite && 'Actions']}
      >
        {versions.map((v) => (
          <VersionRow
            key={v.id}
            version={v}
            connector={c}
            restoring={restoring}
            onRestore={onRestore}
            offerRelease={!releaseWaitsForTests}
          />
        ))}
      </ListTable>
      <LoadMore pages={pages} size={PAGE} of={c.versions} what="versions" />
    </>
  );
}

/** A row of the history table; the restore mutation answers with the same fragment for the row it adds. */
function VersionRow({
  version,
  connector: c,
  restoring,
  onRestore,
  offerRelease,
}: {
  version: HistoryTab_row$key;
  connector: {
    readonly id: string;
    readonly latestVersion: number;
    readonly latestReleasedVersion: number | null | undefined;
    readonly latestSharedVersion: number | null | undefined;
  };
  restoring: boolean;
  onRestore: (version: number, release: boolean) => void;
  /** Whether a restore may release too (not while tests are required). */
  offerRelease: boolean;
}) {
  const viewer = useViewer();
  const v = useFragment(
    graphql`
      fragment HistoryTab_row on Version {
        id
        number
        note
        createdAt
        createdBy {
          handle
        }
        releasedAt
        releasedBy {
          handle
        }
        sharedAt
        hasErrors
        yankedAt
        deprecatedAt
        testSummary {
          ...TestResults_counts @relay(mask: false)
        }
      }
    `,
    version,
  );
  const id = c.id;
  return (
    <tr data-version={v.number}>
      <th scope="row">
        <Link
          href={`/connectors/${encodeURIComponent(id)}/versions/${v.number}`}
          aria-label={`v${v.number}, open its code`}
        >
          v{v.number}
        </Link>
        {v.number === c.latestVersion && <span className="tag">latest</span>}
        {v.number === c.latestReleasedVersion && <span className="tag ok">released</span>}
        {v.number === c.latestSharedVersion && <span className="tag ok">shared</span>}
        {v.hasErrors && <span className="tag danger">errors</span>}
        {v.yankedAt && <span className="tag danger">yanked</span>}
        {v.deprecatedAt && <span className="tag warn">deprecated</span>}
        <TestBadge summary={v.testSummary} label={`Tests of version ${v.number}`} />
      </th>
      <td>{v.note ?? <span className="muted">—</span>}</td>
      <td>
        {when(v.createdAt)}
        {v.createdBy && <div className="muted small">by {v.createdBy.handle}</div>}
      </td>
      <td>
        {when(v.releasedAt)}
        {v.releasedBy && <div className="muted small">by {v.releasedBy.handle}</div>}
      </td>
      <td>{when(v.sharedAt)}</td>
      {viewer.canWrite && (
        <td>
          {v.number !== c.latestVersion && (
            <div className="row">
              <button
                type="button"
                disabled={restoring}
                onClick={() => onRestore(v.number, false)}
                aria-label={`Restore version ${v.number}`}
              >
                Restore
              </button>
              {/* Code with errors cannot be released: offer only the restore that can succeed. */}
              {offerRelease && !v.hasErrors && (
                <button
                  type="button"
                  disabled={restoring}
                  onClick={() => onRestore(v.number, true)}
                  aria-label={`Restore and release version ${v.number}`}
                >
                  Restore and release
                </button>
              )}
            </div>
          )}
        </td>
      )}
    </tr>
  );
}

function VersionSelect({
  id,
  numbers,
  value,
  onChange,
}: {
  id: string;
  numbers: readonly number[];
  value: number;
  onChange: (n: number) => void;
}) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(Number(e.target.value))}>
      {numbers.map((n) => (
        <option key={n} value={n}>
          Version {n}
        </option>
      ))}
    </select>
  );
}

/** A test's result in the compare view: its status, or "not run". */
function outcome(r: { readonly status: string } | null | undefined) {
  return r ? <StatusTag status={r.status} /> : <span className="tag">not run</span>;
}

/** Two versions side by side: its own query, read only when asked (the pair is picked here). */
function Compare({ queryRef }: { queryRef: PreloadedQuery<HistoryTabCompareQuery> }) {
  const showCode = queryRef.variables.withCode;
  const data = usePreloadedQuery<HistoryTabCompareQuery>(
    graphql`
      query HistoryTabCompareQuery($id: ID!, $fromId: ID!, $toId: ID!, $from: Int!, $to: Int!, $withCode: Boolean!) {
        connector(id: $id) {
          diff(from: $from, to: $to) {
            from
            to
            actions {
              added
              removed
              changed
            }
            triggers {
              added
              removed
              changed
            }
            compatibility {
              ...ChangeSummary_report
            }
            testChanges {
              test {
                id
                name
              }
              from {
                status
              }
              to {
                status
                reason
              }
            }
          }
        }
        fromVersion: node(id: $fromId) @include(if: $withCode) {
          ... on Version {
            code
          }
        }
        toVersion: node(id: $toId) @include(if: $withCode) {
          ... on Version {
            code
          }
        }
      }
    `,
    queryRef,
  );
  const diff = data.connector?.diff;
  if (!diff) return <p>Nothing to compare.</p>;
  const { from, to } = diff;
  const defs = (
    label: string,
    d: { added: readonly string[]; removed: readonly string[]; changed: readonly string[] },
  ) =>
    d.added.length + d.removed.length + d.changed.length === 0 ? null : (
      <p>
        {label}: {d.added.length > 0 && <>added {d.added.join(', ')}. </>}
        {d.removed.length > 0 && <>removed {d.removed.join(', ')}. </>}
        {d.changed.length > 0 && <>changed {d.changed.join(', ')}.</>}
      </p>
    );
  return (
    <div aria-label={`Version ${from} compared with version ${to}`} role="region">
      <ChangeSummary report={diff.compatibility} />
      {defs('Actions', diff.actions)}
      {defs('Triggers', diff.triggers)}
      {diff.testChanges.length > 0 && (
        <div>
          <p>Tests whose outcome changed:</p>
          <ul aria-label="Tests whose outcome changed">
            {diff.testChanges.map((t) => (
              <li key={t.test.id}>
                {t.test.name}: version {from} {outcome(t.from)} → version {to} {outcome(t.to)}
                {t.to?.status === 'FAILED' && t.to.reason && (
                  <span className="muted small"> ({t.to.reason})</span>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      {showCode && (
        <DiffView
          left={data.fromVersion?.code ?? ''}
          right={data.toVersion?.code ?? ''}
          leftLabel={`Version ${from}`}
          rightLabel={`Version ${to}`}
        />
      )}
    </div>
  );
}
