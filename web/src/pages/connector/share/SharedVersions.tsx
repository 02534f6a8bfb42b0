import { useState } from 'react';
import { graphql, usePaginationFragment } from 'react-relay';
import type { SharedVersions_connector$key } from '../../../__generated__/SharedVersions_connector.graphql';
import { LoadMore } from '../../../components/LoadMore';
import type { OutcomeState } from '../../../components/Outcome';
import { when } from '../../../format';
import { useDeprecateVersion } from '../../../mutations/DeprecateVersionMutation';
import { useYankVersion } from '../../../mutations/YankVersionMutation';

/** Yanking is undone with Unyank, so the question says so. */
const yankQuestion = (n: number) =>
  `Yank version ${n}? Nobody can install it any more; copies already installed keep it. You can undo this with Unyank v${n}.`;

const PAGE = 20;

/** The shared versions (among the released ones, a page at a time): deprecate and yank. */
export function SharedVersions({
  connector,
  canWrite,
  outcome,
}: {
  connector: SharedVersions_connector$key;
  canWrite: boolean;
  outcome: OutcomeState;
}) {
  const { data, ...pages } = usePaginationFragment(
    graphql`
      fragment SharedVersions_connector on Connector
      @refetchable(queryName: "SharedVersionsPaginationQuery")
      @argumentDefinitions(count: { type: "Int", defaultValue: 20 }, cursor: { type: "String" }) {
        id
        releasedVersions(first: $count, after: $cursor) @connection(key: "SharedVersions_releasedVersions") {
          edges {
            node {
              id
              number
              sharedAt
              yankedAt
              deprecatedAt
              deprecationMessage
            }
          }
        }
      }
    `,
    connector,
  );
  const [depVersion, setDepVersion] = useState('');
  const [depMessage, setDepMessage] = useState('');
  const [deprecate] = useDeprecateVersion();
  const [yank] = useYankVersion();
  const id = data.id;
  const shared = data.releasedVersions.edges.map((e) => e.node).filter((v) => v.sharedAt);
  return (
    <section aria-labelledby="versions-heading" className="panel">
      <h2 id="versions-heading">Shared versions</h2>
      <ul>
        {shared.map((v) => (
          <li key={v.id}>
            v{v.number} shared {when(v.sharedAt)}
            {v.deprecatedAt && <span className="tag warn">deprecated: {v.deprecationMessage}</span>}
            {v.yankedAt && <span className="tag danger">yanked</span>}
            {canWrite && ' '}
            {canWrite && (
              <button
                type="button"
                onClick={() => {
                  if (!v.yankedAt && !window.confirm(yankQuestion(v.number))) return;
                  outcome.run(
                    yank,
                    { input: { id, version: v.number, yanked: !v.yankedAt } },
                    (r) => r.yankVersion,
                    () =>
                      `Version ${v.number} ${v.yankedAt ? 'is installable again' : 'is yanked'}.`,
                  );
                }}
              >
                {v.yankedAt ? `Unyank v${v.number}` : `Yank v${v.number}`}
              </button>
            )}
          </li>
        ))}
      </ul>
      <LoadMore
        pages={pages}
        size={PAGE}
        of={data.releasedVersions}
        shown={shared.length}
        what="versions"
      />
      {canWrite && (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            outcome.run(
              deprecate,
              { input: { id, version: Number(depVersion), message: depMessage } },
              (r) => r.deprecateVersion,
              () => `Version ${depVersion} is deprecated.`,
            );
          }}
        >
          <label htmlFor="dep-version">Deprecate version</label>
          <select
            id="dep-version"
            value={depVersion}
            onChange={(e) => setDepVersion(e.target.value)}
            required
          >
            <option value="">choose…</option>
            {shared.map((v) => (
              <option key={v.number} value={v.number}>
                v{v.number}
              </option>
            ))}
          </select>
          <label htmlFor="dep-message">Message</label>
          <input
            id="dep-message"
            value={depMessage}
            onChange={(e) => setDepMessage(e.target.value)}
            required
          />
          <button type="submit">Deprecate</button>
        </form>
      )}
    </section>
  );
}
