import { useState, useTransition } from 'react';
import {
  graphql,
  type PreloadedQuery,
  usePaginationFragment,
  usePreloadedQuery,
} from 'react-relay';
import { LIBRARY_PAGE } from '../page-sizes';
import { Link } from 'wouter';
import type { LibraryPage_listings$key } from '../__generated__/LibraryPage_listings.graphql';
import type { LibraryPageQuery } from '../__generated__/LibraryPageQuery.graphql';
import { ListTable } from '../components/ListTable';
import { LoadMore } from '../components/LoadMore';
import { Logo } from '../components/Logo';

/** The library's first page, loaded by its route (App.tsx, `LIBRARY_PAGE` listings). */
export default function LibraryPage({ queryRef }: { queryRef: PreloadedQuery<LibraryPageQuery> }) {
  const data = usePreloadedQuery<LibraryPageQuery>(
    graphql`
      query LibraryPageQuery($count: Int!) {
        ...LibraryPage_listings @arguments(count: $count)
      }
    `,
    queryRef,
  );
  return (
    <section aria-labelledby="library-title">
      <h1 id="library-title">Community library</h1>
      <Listings query={data} />
    </section>
  );
}

function Listings({ query }: { query: LibraryPage_listings$key }) {
  const { data, refetch, ...pages } = usePaginationFragment(
    graphql`
      fragment LibraryPage_listings on Query
      @refetchable(queryName: "LibraryPagePaginationQuery")
      @argumentDefinitions(
        search: { type: "String" }
        app: { type: "String" }
        category: { type: "String" }
        count: { type: "Int!" }
        cursor: { type: "String" }
      ) {
        communityListings(search: $search, app: $app, category: $category, first: $count, after: $cursor)
          @connection(key: "LibraryPage_communityListings") {
          totalCount
          edges {
            node {
              id
              appName
              categories
              preventDirectInstall
              connector {
                title
                logoUrl
                totalInstalls
                publisher {
                  name
                }
                latestSharedVersion {
                  number
                }
              }
            }
          }
        }
      }
    `,
    query,
  );
  const [form, setForm] = useState({ search: '', app: '', category: '' });
  const [pending, startTransition] = useTransition();
  const listings = data.communityListings;
  return (
    <>
      <form
        className="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          const filters = {
            search: form.search || null,
            app: form.app || null,
            category: form.category || null,
          };
          startTransition(
            () =>
              void refetch(
                { ...filters, count: LIBRARY_PAGE },
                { fetchPolicy: 'store-and-network' },
              ),
          );
        }}
      >
        <label htmlFor="lib-search">Title</label>
        <input
          id="lib-search"
          type="search"
          value={form.search}
          onChange={(e) => setForm({ ...form, search: e.target.value })}
        />
        <label htmlFor="lib-app">App</label>
        <input
          id="lib-app"
          value={form.app}
          onChange={(e) => setForm({ ...form, app: e.target.value })}
        />
        <label htmlFor="lib-category">Category</label>
        <input
          id="lib-category"
          value={form.category}
          onChange={(e) => setForm({ ...form, category: e.target.value })}
        />
        <button type="submit">Search</button>
        <span role="status" className="muted">
          {pending ? 'Searching…' : `${listings.totalCount} listed`}
        </span>
      </form>
      {listings.edges.length === 0 ? (
        <p>No listed connectors match.</p>
      ) : (
        <ListTable
          label="Listed connectors"
          columns={['Connector', 'App', 'Categories', 'Installs']}
        >
          {listings.edges.map(({ node: l }) => (
            <tr key={l.id}>
              <td>
                <Logo url={l.connector.logoUrl} title={l.connector.title} />
                <Link href={`/library/${encodeURIComponent(l.id)}`}>{l.connector.title}</Link>
                <div className="muted small">
                  by {l.connector.publisher.name}
                  {l.connector.latestSharedVersion
                    ? ` · v${l.connector.latestSharedVersion.number}`
                    : ''}
                </div>
              </td>
              <td>{l.appName}</td>
              <td>{l.categories.join(', ')}</td>
              <td>{l.connector.totalInstalls}</td>
            </tr>
          ))}
        </ListTable>
      )}
      <LoadMore pages={pages} size={LIBRARY_PAGE} of={listings} what="listings" />
    </>
  );
}
