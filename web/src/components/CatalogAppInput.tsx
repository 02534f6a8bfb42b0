import { Suspense, useDeferredValue } from 'react';
import { fetchQuery, graphql, useLazyLoadQuery } from 'react-relay';
import type { Environment } from 'relay-runtime';
import type { CatalogAppInputQuery } from '../__generated__/CatalogAppInputQuery.graphql';

/** Suggestions per search (a page of the API at most): typing narrows them on the server. */
const SUGGESTIONS = 100;

const catalogAppsQuery = graphql`
  query CatalogAppInputQuery($search: String, $count: Int!) {
    catalogApps(search: $search, first: $count) {
      nodes {
        id
        name
      }
    }
  }
`;

/** The catalog app a typed name names, in any case ("hubspot" is HubSpot); null for free text. */
export async function findCatalogApp(
  environment: Environment,
  name: string,
): Promise<{ id: string; name: string } | null> {
  const wanted = name.trim().toLowerCase();
  if (!wanted) return null;
  const data = await fetchQuery<CatalogAppInputQuery>(environment, catalogAppsQuery, {
    search: name.trim(),
    count: SUGGESTIONS,
  }).toPromise();
  return data?.catalogApps.nodes.find((a) => a.name.toLowerCase() === wanted) ?? null;
}

/**
 * A text input for an app name that suggests, as you type, the catalog apps whose names contain
 * the text (the catalog is searched on the server, not cut at a first page). Free text stays allowed.
 */
export function CatalogAppInput({
  id,
  value,
  onChange,
}: {
  id: string;
  value: string;
  onChange: (value: string) => void;
}) {
  const search = useDeferredValue(value.trim());
  return (
    <>
      <input
        id={id}
        list={`${id}-apps`}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        required
        autoComplete="off"
      />
      <Suspense fallback={<datalist id={`${id}-apps`} />}>
        <Suggestions listId={`${id}-apps`} search={search} />
      </Suspense>
    </>
  );
}

function Suggestions({ listId, search }: { listId: string; search: string }) {
  const data = useLazyLoadQuery<CatalogAppInputQuery>(
    catalogAppsQuery,
    { search: search || null, count: SUGGESTIONS },
    { fetchPolicy: 'store-or-network' },
  );
  return (
    <datalist id={listId}>
      {data.catalogApps.nodes.map((a) => (
        <option key={a.id} value={a.name} />
      ))}
    </datalist>
  );
}
