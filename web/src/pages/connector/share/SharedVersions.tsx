import { useState } from 'react';
import { graphql, useMutation, usePaginationFragment } from 'react-relay';
import type { SharedVersions_connector$key } from '../../__generated__/SharedVersions_connector.graphql';
import { LoadMore } from '../../components/LoadMore';
import { when } from '../../format';

/** Yanking is undone with Unyank, so the question says so. */
const yankQuestion = (n: number) =>
  `Yank version ${n}? Nobody can install it any more; copies already installed keep it. You can undo this with Unyank v${n}.`;

/** Commits one of the Share tab's mutations (`field` names its payload) and says what it did. */
export type Run = (
  commit: (config: any) => any,
  field: string,
  input: Record<string, unknown>,
  done: (payload: any) => string | null,
) => void;

const PAGE = 20;

/** The shared versions (among the released ones, a page at a time): deprecate and yank. */
export function SharedVersions({
  connector,
  canWrite,
  run,
}: {
  connector: SharedVersions_connector$key;
  canWrite: boolean;
  run: Run;
}) {
  const { data, loadNext, hasNext, isLoadingNext } = usePaginationFragment(
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
  const [deprecate] = useMutation(graphql`
    mutation SharedVersionsDeprecateMutation($input: DeprecateVersionInput!) {
      deprecateVersion(input: $input) {
        __typename
        connector {
          ...ShareTab_connector
        }
        userErrors { ...UserErrors_error @relay(mask: false) }
      }
    }
  `);
  const [yank] = useMutation(graphql`
    mutation SharedVersionsYankMutation($input: YankVersionInput!) {
      yankVersion(input: $input) {
        __typename
        connector {
          ...ShareTab_connector
        }
        userErrors { ...UserErrors_error @relay(mask: false) }
      }
    }
  `);
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
                  run(
                    yank,
                    'yankVersion',
                    { id, version: v.number, yanked: !v.yankedAt },
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
        shown={shared.length}
        hasNext={hasNext}
        loading={isLoadingNext}
        onLoad={() => loadNext(PAGE)}
        what="versions"
      />
      {canWrite && (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            run(
              deprecate,
              'deprecateVersion',
              { id, version: Number(depVersion), message: depMessage },
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
