import { Suspense, useState } from 'react';
import { graphql, useLazyLoadQuery, useMutation } from 'react-relay';
import type { HistoryTabCompareQuery } from '../../__generated__/HistoryTabCompareQuery.graphql';
import type { HistoryTabQuery } from '../../__generated__/HistoryTabQuery.graphql';
import type { HistoryTabRestoreMutation } from '../../__generated__/HistoryTabRestoreMutation.graphql';
import { DiffView } from '../../components/lazy';
import { UserErrors, type UserError } from '../../components/UserErrors';
import { refusal, when } from '../../format';
import { useViewer } from '../../viewer';
import { ChangeSummary } from './ChangeSummary';

/** Version history with badges, compare any two versions, restore (and release). */
export function HistoryTab({ id }: { id: string }) {
  const viewer = useViewer();
  const data = useLazyLoadQuery<HistoryTabQuery>(
    graphql`
      query HistoryTabQuery($id: ID!) {
        connector(id: $id) {
          id
          latestVersion
          latestReleasedVersion
          latestSharedVersion
          versions(first: 100) @connection(key: "HistoryTab_versions") {
            totalCount
            edges {
              node {
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
              }
            }
          }
        }
      }
    `,
    { id },
    { fetchPolicy: 'store-and-network' },
  );
  const c = data.connector;
  const versions = c?.versions.edges.map((e) => e.node) ?? [];
  const [from, setFrom] = useState<number>(Math.max(1, (c?.latestVersion ?? 1) - 1));
  const [to, setTo] = useState<number>(c?.latestVersion ?? 1);
  const [compare, setCompare] = useState<{ from: number; to: number } | null>(null);
  const [errors, setErrors] = useState<UserError[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [restore, restoring] = useMutation<HistoryTabRestoreMutation>(graphql`
    mutation HistoryTabRestoreMutation($input: RestoreVersionInput!, $connections: [ID!]!) {
      restoreVersion(input: $input) {
        __typename
        connector {
            id
            latestVersion
            latestReleasedVersion
            versions(first: 1) {
              edges @prependEdge(connections: $connections) {
                cursor
                node {
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
                }
              }
            }
          }
        
        userErrors { code message field detail latestVersion }
      }
    }
  `);
  if (!c) return <p>Connector not found.</p>;
  const connection = `client:${c.id}:__HistoryTab_versions_connection`;

  const onRestore = (version: number, release: boolean) => {
    setErrors([]);
    setMessage(null);
    restore({
      variables: { input: { id, version, release }, connections: [connection] },
      onCompleted: ({ restoreVersion: r }) => {
        const refused = refusal(r);
        if (refused) return setErrors([refused]);
        if (r.connector)
          setMessage(`Version ${version} restored as version ${r.connector!.latestVersion}${release ? ' and released' : ''}.`);
      },
      onError: (e) => setErrors([{ message: e.message }]),
    });
  };

  return (
    <>
      <section aria-labelledby="compare-heading" className="panel">
        <h2 id="compare-heading">Compare two versions</h2>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            setCompare({ from, to });
          }}
        >
          <label htmlFor="compare-from">From</label>
          <select id="compare-from" value={from} onChange={(e) => setFrom(Number(e.target.value))}>
            {versions.map((v) => (
              <option key={v.number} value={v.number}>
                Version {v.number}
              </option>
            ))}
          </select>
          <label htmlFor="compare-to">to</label>
          <select id="compare-to" value={to} onChange={(e) => setTo(Number(e.target.value))}>
            {versions.map((v) => (
              <option key={v.number} value={v.number}>
                Version {v.number}
              </option>
            ))}
          </select>
          <button type="submit">Compare</button>
        </form>
        {compare && (
          <Suspense fallback={<p className="loading">Comparing…</p>}>
            <Compare id={id} from={compare.from} to={compare.to} showCode={viewer.canViewSource} />
          </Suspense>
        )}
      </section>
      <UserErrors errors={errors} />
      {message && (
        <p role="status" className="ok-box">
          {message}
        </p>
      )}
      <table className="list" aria-label="Versions">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Note</th>
            <th scope="col">Created</th>
            <th scope="col">Released</th>
            <th scope="col">Shared</th>
            {viewer.canWrite && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.id} data-version={v.number}>
              <th scope="row">
                v{v.number}
                {v.number === c.latestVersion && <span className="tag">latest</span>}
                {v.number === c.latestReleasedVersion && <span className="tag ok">released</span>}
                {v.number === c.latestSharedVersion && <span className="tag ok">shared</span>}
                {v.hasErrors && <span className="tag danger">errors</span>}
                {v.yankedAt && <span className="tag danger">yanked</span>}
                {v.deprecatedAt && <span className="tag warn">deprecated</span>}
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
                      <button type="button" disabled={restoring} onClick={() => onRestore(v.number, false)} aria-label={`Restore version ${v.number}`}>
                        Restore
                      </button>
                      <button type="button" disabled={restoring} onClick={() => onRestore(v.number, true)} aria-label={`Restore and release version ${v.number}`}>
                        Restore and release
                      </button>
                    </div>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Compare({ id, from, to, showCode }: { id: string; from: number; to: number; showCode: boolean }) {
  const data = useLazyLoadQuery<HistoryTabCompareQuery>(
    graphql`
      query HistoryTabCompareQuery($id: ID!, $from: Int!, $to: Int!, $withCode: Boolean!) {
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
          }
          versions(first: 100) @include(if: $withCode) {
            edges {
              node {
                number
                code
              }
            }
          }
        }
      }
    `,
    { id, from, to, withCode: showCode },
  );
  const diff = data.connector?.diff;
  if (!diff) return <p>Nothing to compare.</p>;
  const codeOf = (n: number) => data.connector?.versions?.edges.find((e) => e.node.number === n)?.node.code ?? '';
  const defs = (label: string, d: { added: readonly string[]; removed: readonly string[]; changed: readonly string[] }) =>
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
      {showCode && <DiffView left={codeOf(from)} right={codeOf(to)} leftLabel={`Version ${from}`} rightLabel={`Version ${to}`} />}
    </div>
  );
}
