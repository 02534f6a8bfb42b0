import { useDeferredValue, useEffect, useRef, useState, useTransition } from 'react';
import {
  graphql,
  type PreloadedQuery,
  usePaginationFragment,
  usePreloadedQuery,
} from 'react-relay';
import { Link } from 'wouter';
import type { ConnectorsPage_list$key } from '../__generated__/ConnectorsPage_list.graphql';
import type { ConnectorsPageQuery } from '../__generated__/ConnectorsPageQuery.graphql';
import { ListTable } from '../components/ListTable';
import { LoadMore } from '../components/LoadMore';
import { Logo } from '../components/Logo';
import { counted } from '../format';
import { CONNECTORS_PAGE as PAGE } from '../page-sizes';
import { useViewer } from '../viewer';
import { usePreloadConnector } from './ConnectorRoute';

/** The workspace's connectors, first page loaded by its route (App.tsx, `CONNECTORS_PAGE`). */
export function ConnectorsPage({ queryRef }: { queryRef: PreloadedQuery<ConnectorsPageQuery> }) {
  const viewer = useViewer();
  const data = usePreloadedQuery<ConnectorsPageQuery>(
    graphql`
      query ConnectorsPageQuery($count: Int!) {
        ...ConnectorsPage_list @arguments(count: $count)
      }
    `,
    queryRef,
  );
  return (
    <section aria-labelledby="connectors-title">
      <div className="page-head">
        <h1 id="connectors-title">Connectors</h1>
        {viewer.canWrite && (
          <Link className="button primary" href="/connectors/new">
            New connector
          </Link>
        )}
      </div>
      <ConnectorList query={data} />
    </section>
  );
}

function ConnectorList({ query }: { query: ConnectorsPage_list$key }) {
  const preload = usePreloadConnector();
  const { data, refetch, ...pages } = usePaginationFragment(
    graphql`
      fragment ConnectorsPage_list on Query
      @refetchable(queryName: "ConnectorsPagePaginationQuery")
      @argumentDefinitions(search: { type: "String" }, count: { type: "Int!" }, cursor: { type: "String" }) {
        connectors(search: $search, first: $count, after: $cursor) @connection(key: "ConnectorsPage_connectors") {
          totalCount
          edges {
            node {
              id
              title
              name
              logoUrl
              latestVersion
              latestReleasedVersion
              latestSharedVersion
              installedFrom {
                updateAvailable
              }
            }
          }
        }
      }
    `,
    query,
  );
  const [search, setSearch] = useState('');
  const deferred = useDeferredValue(search);
  const [pending, startTransition] = useTransition();
  const shown = useRef('');
  useEffect(() => {
    if (deferred === shown.current) return;
    shown.current = deferred;
    const t = setTimeout(
      () =>
        startTransition(
          () =>
            void refetch(
              { search: deferred || null, count: PAGE },
              { fetchPolicy: 'store-and-network' },
            ),
        ),
      250,
    );
    return () => clearTimeout(t);
  }, [deferred, refetch]);
  const edges = data.connectors.edges;
  return (
    <>
      <div className="toolbar">
        <label htmlFor="connector-search">Search by title</label>
        <input
          id="connector-search"
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          placeholder="Title contains…"
        />
        <span role="status" className="muted">
          {pending ? 'Searching…' : counted(data.connectors.totalCount, 'connector')}
        </span>
      </div>
      {edges.length === 0 ? (
        <p>No connectors{search ? ' match this search' : ' yet'}.</p>
      ) : (
        <ListTable columns={['Connector', 'Latest', 'Released', 'Shared']}>
          {edges.map(({ node }) => (
            <tr key={node.id}>
              <td>
                <Logo url={node.logoUrl} title={node.title} />
                <Link
                  href={`/connectors/${encodeURIComponent(node.id)}`}
                  // The page's chunk and query start while the pointer is on the way to a click.
                  onMouseEnter={() => preload({ id: node.id, tab: 'code' })}
                >
                  {node.title}
                </Link>
                {node.installedFrom && <span className="tag">copy</span>}
                {node.installedFrom?.updateAvailable && (
                  <span className="tag warn">update available</span>
                )}
                <div className="muted small">{node.name}</div>
              </td>
              <td>v{node.latestVersion}</td>
              <td>{node.latestReleasedVersion != null ? `v${node.latestReleasedVersion}` : '—'}</td>
              <td>{node.latestSharedVersion != null ? `v${node.latestSharedVersion}` : '—'}</td>
            </tr>
          ))}
        </ListTable>
      )}
      <LoadMore pages={pages} size={PAGE} of={data.connectors} what="connectors" />
    </>
  );
}
