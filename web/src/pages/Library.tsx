import { useState, useTransition } from 'react';
import { graphql, useLazyLoadQuery } from 'react-relay';
import { Link } from 'wouter';
import type { LibraryPageQuery } from '../__generated__/LibraryPageQuery.graphql';
import { Logo } from '../components/Logo';

export default function LibraryPage() {
  const [filters, setFilters] = useState({ search: '', app: '', category: '' });
  const [form, setForm] = useState(filters);
  const [pending, startTransition] = useTransition();
  const data = useLazyLoadQuery<LibraryPageQuery>(
    graphql`
      query LibraryPageQuery($search: String, $app: String, $category: String) {
        communityListings(first: 50, search: $search, app: $app, category: $category) {
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
    { search: filters.search || null, app: filters.app || null, category: filters.category || null },
    { fetchPolicy: 'store-and-network' },
  );
  return (
    <section aria-labelledby="library-title">
      <h1 id="library-title">Community library</h1>
      <form
        className="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          startTransition(() => setFilters(form));
        }}
      >
        <label htmlFor="lib-search">Title</label>
        <input id="lib-search" type="search" value={form.search} onChange={(e) => setForm({ ...form, search: e.target.value })} />
        <label htmlFor="lib-app">App</label>
        <input id="lib-app" value={form.app} onChange={(e) => setForm({ ...form, app: e.target.value })} />
        <label htmlFor="lib-category">Category</label>
        <input id="lib-category" value={form.category} onChange={(e) => setForm({ ...form, category: e.target.value })} />
        <button type="submit">Search</button>
        <span role="status" className="muted">
          {pending ? 'Searching…' : `${data.communityListings.totalCount} listed`}
        </span>
      </form>
      {data.communityListings.edges.length === 0 ? (
        <p>No listed connectors match.</p>
      ) : (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Connector</th>
              <th scope="col">App</th>
              <th scope="col">Categories</th>
              <th scope="col">Installs</th>
            </tr>
          </thead>
          <tbody>
            {data.communityListings.edges.map(({ node: l }) => (
              <tr key={l.id}>
                <td>
                  <Logo url={l.connector.logoUrl} title={l.connector.title} />
                  <Link href={`/library/${encodeURIComponent(l.id)}`}>{l.connector.title}</Link>
                  <div className="muted small">
                    by {l.connector.publisher.name}
                    {l.connector.latestSharedVersion ? ` · v${l.connector.latestSharedVersion.number}` : ''}
                  </div>
                </td>
                <td>{l.appName}</td>
                <td>{l.categories.join(', ')}</td>
                <td>{l.connector.totalInstalls}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
