import { graphql, useFragment, usePaginationFragment } from 'react-relay';
import type { SharedConnectorView_connector$key } from '../__generated__/SharedConnectorView_connector.graphql';
import type { SharedConnectorView_notes$key } from '../__generated__/SharedConnectorView_notes.graphql';
import { LoadMore } from './LoadMore';
import { counted, when } from '../format';
import { Markdown } from './lazy';
import { Logo } from './Logo';
import { Definitions } from './Definitions';

/**
 * A shared connector as another workspace sees it: the shared version only. `canLoadMore`: the
 * viewer can read it again by its ID (a library listing or an installed parent; a connector seen
 * only through a private link cannot be, so its changelog stays at the first page).
 */
export function SharedConnectorView({
  connector,
  canLoadMore,
}: {
  connector: SharedConnectorView_connector$key;
  canLoadMore: boolean;
}) {
  const c = useFragment(
    graphql`
      fragment SharedConnectorView_connector on SharedConnector {
        title
        logoUrl
        description
        totalInstalls
        publisher {
          name
          workspace
          listedConnectors
          totalInstalls
        }
        latestSharedVersion {
          number
          note
          actions
          triggers
          sharedAt
          deprecationMessage
        }
        ...SharedConnectorView_notes
      }
    `,
    connector,
  );
  const v = c.latestSharedVersion;
  return (
    <>
      <div className="page-head">
        <Logo url={c.logoUrl} title={c.title} size={48} />
        <h1>{c.title}</h1>
      </div>
      <p className="muted">
        By {c.publisher.name} ({c.publisher.workspace}:{' '}
        {counted(c.publisher.listedConnectors, 'listed connector')},{' '}
        {counted(c.publisher.totalInstalls, 'install')}) · {counted(c.totalInstalls, 'install')} of
        this connector
      </p>
      {c.description && <Markdown source={c.description} />}
      {v && (
        <>
          <h2>Version {v.number}</h2>
          {v.deprecationMessage && <p className="warn-box">Deprecated: {v.deprecationMessage}</p>}
          <Definitions actions={v.actions} triggers={v.triggers} />
        </>
      )}
      <VersionNotes connector={c} canLoadMore={canLoadMore} />
    </>
  );
}

const NOTES_PAGE = 10;

/** The shared versions' notes: the changelog, newest first. */
function VersionNotes({
  connector,
  canLoadMore,
}: {
  connector: SharedConnectorView_notes$key;
  canLoadMore: boolean;
}) {
  const { data, ...pages } = usePaginationFragment(
    graphql`
      fragment SharedConnectorView_notes on SharedConnector
      @refetchable(queryName: "SharedConnectorNotesPaginationQuery")
      @argumentDefinitions(count: { type: "Int", defaultValue: 10 }, cursor: { type: "String" }) {
        sharedVersions(first: $count, after: $cursor) @connection(key: "SharedConnectorView_sharedVersions") {
          totalCount
          edges {
            node {
              number
              note
              sharedAt
              yanked
            }
          }
        }
      }
    `,
    connector,
  );
  const notes = data.sharedVersions.edges.map((e) => e.node);
  if (notes.length === 0) return null;
  return (
    <>
      <h2>Version notes</h2>
      <ul>
        {notes.map((s) => (
          <li key={s.number}>
            v{s.number} ({when(s.sharedAt)}){s.yanked ? ' — yanked' : ''}: {s.note ?? '—'}
          </li>
        ))}
      </ul>
      {canLoadMore ? (
        <LoadMore pages={pages} size={NOTES_PAGE} of={data.sharedVersions} what="versions" />
      ) : (
        pages.hasNext && (
          <p className="muted small">
            The {notes.length} most recent of{' '}
            {counted(data.sharedVersions.totalCount, 'shared version')}.
          </p>
        )
      )}
    </>
  );
}
